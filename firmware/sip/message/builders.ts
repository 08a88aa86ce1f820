import { SipHeaders, type HeaderValue } from './headers.js';
import { SipRequest, SipResponse } from './message.js';
import { NameAddr, parseNameAddrStrict as parseNameAddr } from './name-addr.js';
import { parseUri, type Uri } from './uri.js';
import type { Via } from './via.js';
import { reasonPhrase } from './reason-phrases.js';

const encoder = new TextEncoder();

/** RFC 3261 §8.1.1.6: "a UAC MUST insert a Max-Forwards header field … SHOULD be 70". */
export const DEFAULT_MAX_FORWARDS = 70;

export interface RequestInit {
  method: string;
  uri: Uri | string;
  from: NameAddr | string;
  to: NameAddr | string;
  callId: string;
  cseq: number;
  /** Via values, topmost first; the transport layer usually adds the top one. */
  via?: Via | readonly Via[];
  maxForwards?: number;
  routes?: readonly (NameAddr | string)[];
  contact?: NameAddr | string | readonly (NameAddr | string)[];
  /** Further fields, written after the mandatory ones in this order. */
  headers?: readonly (readonly [string, HeaderValue])[];
  body?: Uint8Array | string;
  contentType?: string;
}

function asNameAddr(v: NameAddr | string): NameAddr {
  return typeof v === 'string' ? parseNameAddr(v) : v;
}

function asBody(body: Uint8Array | string | undefined): Uint8Array | undefined {
  return typeof body === 'string' ? encoder.encode(body) : body;
}

/**
 * A new request with the header fields of RFC 3261 §8.1.1 (Via if given,
 * Max-Forwards, Route, To, From, Call-ID, CSeq, Contact), in that order.
 */
export function createRequest(init: RequestInit): SipRequest {
  const h = new SipHeaders();
  const vias = init.via === undefined ? [] : Array.isArray(init.via) ? init.via : [init.via as Via];
  for (const v of vias) h.append('Via', v);
  h.append('Max-Forwards', init.maxForwards ?? DEFAULT_MAX_FORWARDS);
  for (const r of init.routes ?? []) h.append('Route', asNameAddr(r));
  h.append('To', asNameAddr(init.to));
  h.append('From', asNameAddr(init.from));
  h.append('Call-ID', init.callId);
  h.append('CSeq', `${init.cseq} ${init.method}`);
  if (init.contact !== undefined) {
    const contacts = Array.isArray(init.contact) ? init.contact : [init.contact as NameAddr | string];
    for (const c of contacts) h.append('Contact', c === '*' ? '*' : asNameAddr(c));
  }
  for (const [n, v] of init.headers ?? []) h.append(n, v);
  const body = asBody(init.body);
  if (init.contentType !== undefined) h.append('Content-Type', init.contentType);
  const uri = typeof init.uri === 'string' ? parseUri(init.uri) : init.uri;
  return new SipRequest(init.method, uri, h, body);
}

export interface ResponseInit {
  reason?: string;
  /** Added to To when the request's To has no tag (§8.2.6.2); not used for 100 (§8.2.6.1 leaves it out). */
  toTag?: string;
  /** Copy Record-Route (§12.1.1: a UAS copies it into dialog-creating responses). */
  recordRoute?: boolean;
  contact?: NameAddr | string | readonly (NameAddr | string)[];
  headers?: readonly (readonly [string, HeaderValue])[];
  body?: Uint8Array | string;
  contentType?: string;
}

/**
 * A response to `request` (RFC 3261 §8.2.6): Via (all, in order), From,
 * To, Call-ID and CSeq copied, To tagged when asked, Timestamp copied into
 * 100 Trying (§8.2.6.1). Fields are copied as text, so this also works on the
 * `partial` request of a SipParseError when answering 400.
 */
export function createResponse(request: SipRequest, status: number, init: ResponseInit = {}): SipResponse {
  const src = request.headers;
  const h = new SipHeaders();
  for (const v of src.getAll('via')) h.append('Via', v);
  if (init.recordRoute) for (const v of src.getAll('record-route')) h.append('Record-Route', v);
  for (const v of src.getAll('from')) h.append('From', v);
  const to = src.get('to');
  if (to !== undefined) {
    let toValue: HeaderValue = to;
    if (init.toTag !== undefined && status !== 100) {
      try {
        const parsed = request.to;
        if (parsed.tag === undefined) toValue = parsed.withTag(init.toTag);
      } catch {
        // a malformed To is echoed as it came (only a 400 is sent to such a request)
      }
    }
    h.append('To', toValue);
  }
  for (const v of src.getAll('call-id')) h.append('Call-ID', v);
  for (const v of src.getAll('cseq')) h.append('CSeq', v);
  if (status === 100) for (const v of src.getAll('timestamp')) h.append('Timestamp', v);
  if (init.contact !== undefined) {
    const contacts = Array.isArray(init.contact) ? init.contact : [init.contact as NameAddr | string];
    for (const c of contacts) h.append('Contact', asNameAddr(c));
  }
  for (const [n, v] of init.headers ?? []) h.append(n, v);
  if (init.contentType !== undefined) h.append('Content-Type', init.contentType);
  return new SipResponse(status, init.reason ?? reasonPhrase(status), h, asBody(init.body));
}
