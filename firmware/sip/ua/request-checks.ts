import { SipUri, type SipRequest } from '../message/index.js';

/**
 * The UAS checks of RFC 3261 §8.2 that need no dialog or transaction state,
 * in the order the section gives them. Each returns the response to send
 * (status, reason, extra headers) or undefined to go on.
 */
export interface Rejection {
  status: number;
  reason?: string;
  headers?: Array<readonly [string, string]>;
}

/** §8.2.1: "If the UAS does not support the method, it MUST generate a 405 ... MUST also add an Allow header". */
export function checkMethod(request: SipRequest, allowed: readonly string[]): Rejection | undefined {
  if (allowed.includes(request.method)) return undefined;
  return { status: 405, headers: [['Allow', allowed.join(', ')]] };
}

/** §8.2.2.1: "If the Request-URI uses a scheme not supported by the UAS, it SHOULD reject the request with a 416". */
export function checkUriScheme(request: SipRequest): Rejection | undefined {
  if (request.uri instanceof SipUri) return undefined;
  // tel: URIs are for proxies and gateways to translate, never for a phone's own Request-URI.
  return { status: 416 };
}

/**
 * §8.2.2.3: "If a UAS does not understand an option-tag listed in a Require header field, it MUST respond by
 * generating a response with status code 420 ... [and] an Unsupported header field listing those options".
 * ACK and CANCEL are exempt ("Require ... MUST NOT be processed" for them, §8.2.2.3 last paragraph).
 */
export function checkRequire(request: SipRequest, supported: readonly string[]): Rejection | undefined {
  if (request.method === 'ACK' || request.method === 'CANCEL') return undefined;
  const required = request.tokens('require');
  const known = new Set(supported.map((t) => t.toLowerCase()));
  const unknown = required.filter((t) => !known.has(t.toLowerCase()));
  if (unknown.length === 0) return undefined;
  return { status: 420, headers: [['Unsupported', unknown.join(', ')]] };
}
