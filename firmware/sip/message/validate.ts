import { SipParseError } from './parse-error.js';
import type { SipRequest, SipResponse } from './message.js';
import { SipUri, TelUri } from './uri.js';

export interface RequestProblem {
  /** The response the UAS should send: 400, or 505 for another SIP version (§21.5.6). */
  status: 400 | 416 | 505;
  /** Short text, usable as the reason phrase ("Missing Call-ID"). */
  reason: string;
}

const MANDATORY: readonly (readonly [string, string])[] = [
  ['to', 'To'],
  ['from', 'From'],
  ['cseq', 'CSeq'],
  ['call-id', 'Call-ID'],
  ['max-forwards', 'Max-Forwards'],
  ['via', 'Via'],
];

/**
 * What stops a UAS from processing a structurally parsed request. The
 * parser returns requests that lack mandatory fields so the UA core can
 * still answer them: this lists the problems (empty when the request is fine):
 * - RFC 3261 §8.1.1: To, From, CSeq, Call-ID, Max-Forwards and Via are
 *   mandatory. Many UAs omit Max-Forwards on in-dialog requests; the UA core
 *   may choose to tolerate that problem alone.
 * - To, From, CSeq, Call-ID and Max-Forwards appear once (§7.3.1, §20).
 * - §8.1.1.5 / RFC 4475 "mismatch01": the CSeq method must equal the request method.
 * - §21.5.6: a version other than SIP/2.0 is answered with 505.
 * - The Request-URI must parse (it is parsed lazily, so this is where a bad
 *   one is caught); §19.1.1 Table 1: no URI headers in a Request-URI;
 *   §8.2.2.1: a scheme other than sip, sips or tel is answered with 416.
 */
export function validateRequest(request: SipRequest): RequestProblem[] {
  const problems: RequestProblem[] = [];
  if (request.version.toUpperCase() !== 'SIP/2.0') problems.push({ status: 505, reason: 'Version Not Supported' });
  for (const [key, name] of MANDATORY) {
    const count = key === 'via' ? (request.headers.has(key) ? 1 : 0) : request.headers.getAll(key).length;
    if (count === 0) problems.push({ status: 400, reason: `Missing ${name}` });
    // §7.3.1: these carry one value; two of them (RFC 4475 "multi01") leave the request ambiguous
    else if (count > 1) problems.push({ status: 400, reason: `Multiple ${name}` });
  }
  try {
    const uri = request.uri;
    if (uri instanceof SipUri && uri.headers.size > 0) problems.push({ status: 400, reason: 'Headers not allowed in Request-URI' });
    if (!(uri instanceof SipUri) && !(uri instanceof TelUri)) problems.push({ status: 416, reason: 'Unsupported URI Scheme' });
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
    problems.push({ status: 400, reason: 'Bad Request-URI' });
  }
  try {
    if (request.headers.has('cseq') && request.cseq.method !== request.method) {
      problems.push({ status: 400, reason: 'CSeq method does not match' });
    }
    request.vias;
    if (request.headers.has('from')) request.from;
    if (request.headers.has('to')) request.to;
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
    problems.push({ status: 400, reason: e.reason });
  }
  return problems;
}

/**
 * What makes a UAC discard a response that parsed: RFC 3261 §8.1.3.3, "If
 * more than one Via header field value is present in a response, the UAC
 * SHOULD discard the message" (it was meant for a proxy). Returns the reason,
 * or undefined when the response is fine. (A response lacking a mandatory
 * field never gets here: parseMessage rejects it.)
 */
export function responseProblem(response: SipResponse): string | undefined {
  try {
    if (response.vias.length > 1) return 'more than one Via';
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
    return e.reason;
  }
  if (response.version.toUpperCase() !== 'SIP/2.0') return 'unsupported SIP version';
  return undefined;
}
