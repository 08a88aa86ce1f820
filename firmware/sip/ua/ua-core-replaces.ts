import { Params, SipUri, type SipRequest } from '../message/index.js';

/**
 * An INVITE whose Request-URI carries `?Replaces=…` and no Replaces header field: the sender built the
 * request from an attended transfer's Refer-To (RFC 3891 §7: `<sip:target?Replaces=…>`) without turning the
 * URI header into a header field, as RFC 3261 §19.1.5 asks ("header fields ... are to be included in the
 * request"). baresip 1.0.0 does exactly this (captured on loopback: `INVITE sip:carol@127.0.0.1:58122?
 * Replaces=<call-id>?to-tag?<tag>?from-tag?<tag> SIP/2.0`). Rather than 400 a request whose meaning is plain
 * (§19.1.1 Table 1 forbids headers in a Request-URI), do what the UAC should have done — as PJSIP and
 * Asterisk are lenient with what a transferee sends: move the value into a Replaces header field and strip
 * the URI header. Any other URI header still gets the 400; a Replaces header field present wins and the
 * URI's copy is left for the 400 too. Returns whether the request was changed.
 */
export function liftReplacesFromRequestUri(request: SipRequest): boolean {
  if (request.method !== 'INVITE') return false;
  let uri;
  try {
    uri = request.uri;
  } catch {
    // An unreadable Request-URI is validateRequest's to answer (400 naming the fault).
    return false;
  }
  if (!(uri instanceof SipUri) || uri.headers.size !== 1) return false;
  const [name, value] = uri.headers.entries[0]!;
  if (name.toLowerCase() !== 'replaces' || value === null || value === '') return false;
  if (request.headers.has('replaces')) return false;
  request.headers.append('Replaces', value);
  request.uri = uri.with({ headers: new Params([]) });
  return true;
}
