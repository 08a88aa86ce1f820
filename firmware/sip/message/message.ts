import { SipParseError } from './parse-error.js';
import { SipHeaders, type RangeParser } from './headers.js';
import { parseNameAddrIn, type NameAddr } from './name-addr.js';
import { parseViaIn, type Via } from './via.js';
import { parseCSeqIn, type CSeq } from './cseq.js';
import { parseUri, type Uri } from './uri.js';
import { isDigit, isToken, isWordChar } from './syntax.js';

const EMPTY = new Uint8Array(0);
const decoder = new TextDecoder();

export function parseCallId(s: string): string {
  return parseCallIdIn(s, 0, s.length);
}

/** parseCallId of s[start, end), read in place; error offsets are indexes into `s`. */
export function parseCallIdIn(s: string, start: number, end: number): string {
  // RFC 3261 §25.1: callid = word [ "@" word ]
  let at = -1;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (isWordChar(c)) continue;
    // one "@" between the words; a second one is a character a word cannot hold
    if (c === 64 && at < 0) {
      at = i;
      continue;
    }
    throw new SipParseError('bad character in Call-ID', i);
  }
  if (end === start || at === start || at === end - 1) throw new SipParseError('empty Call-ID word', start);
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** Non-negative decimal integer header value (Max-Forwards, Expires, Min-Expires, Content-Length). */
export function parseUnsigned(s: string, max: number): number {
  return parseUnsignedIn(s, 0, s.length, max);
}

/** parseUnsigned of s[start, end); error offsets are indexes into `s`. */
export function parseUnsignedIn(s: string, start: number, end: number, max: number): number {
  if (end === start || end - start > 10) throw new SipParseError('bad number', start);
  let v = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) throw new SipParseError('bad number', i);
    v = v * 10 + c - 48;
  }
  if (v > max) throw new SipParseError('number out of range', start);
  return v;
}

export function parseMaxForwardsIn(s: string, start: number, end: number): number {
  return parseUnsignedIn(s, start, end, 255);
}

export function parseMaxForwards(s: string): number {
  return parseUnsigned(s, 255);
}

function parseExpiresIn(s: string, start: number, end: number): number {
  return parseUnsignedIn(s, start, end, 0xffffffff);
}

function parseLengthIn(s: string, start: number, end: number): number {
  return parseUnsignedIn(s, start, end, Number.MAX_SAFE_INTEGER);
}

function parseContactIn(s: string, start: number, end: number): NameAddr | '*' {
  return end - start === 1 && s.charCodeAt(start) === 42 ? '*' : parseNameAddrIn(s, start, end);
}

/**
 * What requests and responses share: headers and body, and typed accessors
 * for the headers the transaction, dialog and registration layers read. The
 * accessors parse on first use and cache (see SipHeaders); ones for the
 * fields RFC 3261 §8.1.1 makes mandatory throw a SipParseError when the field
 * is missing, others return undefined.
 */
abstract class SipMessageBase {
  headers: SipHeaders;
  body: Uint8Array;
  /** "SIP/2.0" as written; the UA core answers other versions with 505 (§21.5.6). */
  version: string;

  constructor(headers?: SipHeaders, body?: Uint8Array, version = 'SIP/2.0') {
    this.headers = headers ?? new SipHeaders();
    this.body = body ?? EMPTY;
    this.version = version;
  }

  /** All Via values, topmost first (§20.42, §7.3.1 list). */
  get vias(): readonly Via[] {
    return this.headers.parsedList('via', parseViaIn);
  }

  /** The topmost Via (parses only the first Via field). */
  get topVia(): Via {
    const v = this.headers.parsedFirst('via', parseViaIn);
    if (v === undefined) throw new SipParseError('missing Via header');
    return v;
  }

  get from(): NameAddr {
    return this.required('from', 'From', parseNameAddrIn);
  }

  get to(): NameAddr {
    return this.required('to', 'To', parseNameAddrIn);
  }

  get callId(): string {
    return this.required('call-id', 'Call-ID', parseCallIdIn);
  }

  get cseq(): CSeq {
    return this.required('cseq', 'CSeq', parseCSeqIn);
  }

  get maxForwards(): number | undefined {
    return this.headers.parsedOne('max-forwards', parseMaxForwardsIn);
  }

  /** Contact values; empty for `Contact: *` (see contactWildcard) or when absent. */
  get contacts(): readonly NameAddr[] {
    const all = this.headers.parsedList('contact', parseContactIn);
    if (all.includes('*')) {
      // §10.2.2: "*" is only valid alone
      if (all.length > 1) throw new SipParseError('Contact * combined with other contacts');
      return [];
    }
    return all as NameAddr[];
  }

  /** `Contact: *` (§10.2.2, REGISTER removing all bindings). */
  get contactWildcard(): boolean {
    const all = this.headers.parsedList('contact', parseContactIn);
    if (all.length > 1 && all.includes('*')) throw new SipParseError('Contact * combined with other contacts');
    return all[0] === '*';
  }

  get routes(): readonly NameAddr[] {
    return this.headers.parsedList('route', parseNameAddrIn);
  }

  get recordRoutes(): readonly NameAddr[] {
    return this.headers.parsedList('record-route', parseNameAddrIn);
  }

  /** Expires header in seconds (§20.19). */
  get expires(): number | undefined {
    return this.headers.parsedOne('expires', parseExpiresIn);
  }

  get contentLength(): number | undefined {
    return this.headers.parsedOne('content-length', parseLengthIn);
  }

  /** Content-Type as written (e.g. `application/sdp`); undefined when absent. */
  get contentType(): string | undefined {
    return this.headers.get('content-type');
  }

  /** Option tags / methods of a token-list header (Supported, Require, Allow…), as written; throws SipParseError on a non-token. */
  tokens(name: string): readonly string[] {
    // not cached: the per-field cache belongs to the typed accessors, and these lists are short
    const out = this.headers.list(name);
    for (const t of out) if (!isToken(t)) throw new SipParseError(`bad token ${JSON.stringify(t)} in ${name}`);
    return out;
  }

  get bodyText(): string {
    return decoder.decode(this.body);
  }

  private required<T>(key: string, name: string, parse: RangeParser<T>): T {
    const v = this.headers.parsedOne(key, parse);
    if (v === undefined) throw new SipParseError(`missing ${name} header`);
    return v;
  }
}

/** A SIP request (§7.1): `INVITE sip:bob@biloxi.com SIP/2.0`. */
export class SipRequest extends SipMessageBase {
  readonly kind = 'request' as const;
  method: string;
  private parsedUri: Uri | undefined;
  private uriText: string | undefined;

  /** `uri` may be text, parsed on first access to `.uri` (the parser passes the Request-URI so). */
  constructor(method: string, uri: Uri | string, headers?: SipHeaders, body?: Uint8Array, version?: string) {
    super(headers, body, version);
    this.method = method;
    if (typeof uri === 'string') this.uriText = uri;
    else this.parsedUri = uri;
  }

  /**
   * The Request-URI, parsed on first access (a UA matches most requests by
   * Call-ID and tags and never needs it); throws SipParseError when it is
   * malformed. validateRequest reads it, so a UA core that validates
   * requests rejects a bad one with 400.
   */
  get uri(): Uri {
    if (this.parsedUri === undefined) {
      try {
        this.parsedUri = parseUri(this.uriText!);
      } catch (e) {
        if (e instanceof SipParseError) throw new SipParseError(`${e.reason} in Request-URI`, e.offset, 1);
        throw e;
      }
    }
    return this.parsedUri;
  }

  set uri(uri: Uri) {
    this.parsedUri = uri;
    this.uriText = undefined;
  }

  /** The Request-URI as text (as received when not yet parsed). */
  get uriString(): string {
    return this.parsedUri === undefined ? this.uriText! : this.parsedUri.toString();
  }

  /** A copy with its own header list (to change for a retry, a CANCEL or an ACK); the body is shared, the URI stays unparsed if it was. */
  clone(): SipRequest {
    return new SipRequest(this.method, this.parsedUri ?? this.uriText!, this.headers.clone(), this.body, this.version);
  }
}

/** A SIP response (§7.2): `SIP/2.0 180 Ringing`. */
export class SipResponse extends SipMessageBase {
  readonly kind = 'response' as const;
  status: number;
  reason: string;

  constructor(status: number, reason: string, headers?: SipHeaders, body?: Uint8Array, version?: string) {
    super(headers, body, version);
    this.status = status;
    this.reason = reason;
  }

  /** A copy with its own header list; the body is shared. */
  clone(): SipResponse {
    return new SipResponse(this.status, this.reason, this.headers.clone(), this.body, this.version);
  }
}

export type SipMessage = SipRequest | SipResponse;
