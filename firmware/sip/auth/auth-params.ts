import { SipAuthError } from './auth-error.js';
import { isToken, isTokenChar, quote, scanQuoted, skipWs, unquote } from '../message/index.js';

/** Most auth-params accepted in one challenge or credentials value. */
export const MAX_AUTH_PARAMS = 32;

/**
 * One challenge or credentials value: `Digest realm="x", nonce="y", …`
 * (RFC 3261 §25.1 challenge/credentials, RFC 7235 §2.1). Parameter names are
 * lower-cased; values are unquoted.
 */
export interface AuthValue {
  scheme: string;
  params: Map<string, string>;
}

function isWs(c: number): boolean {
  return c === 32 || c === 9;
}

/**
 * Parses a WWW-Authenticate / Proxy-Authenticate / Authorization value. SIP
 * sends one challenge per header field, but RFC 7235 §4.1 lets one field
 * carry several (`Digest a=1, b=2, Digest a=3`), so a token followed by a
 * space and not by "=" after a comma starts a new one.
 */
export function parseAuthValues(s: string): AuthValue[] {
  const out: AuthValue[] = [];
  let i = skipWs(s, 0);
  while (i < s.length) {
    const s0 = i;
    while (i < s.length && isTokenChar(s.charCodeAt(i))) i++;
    if (i === s0) throw new SipAuthError('expected an auth scheme');
    const scheme = s.slice(s0, i);
    const params = new Map<string, string>();
    out.push({ scheme, params });
    if (i < s.length && !isWs(s.charCodeAt(i))) throw new SipAuthError('expected space after auth scheme');
    i = skipWs(s, i);
    while (i < s.length) {
      const n0 = i;
      while (i < s.length && isTokenChar(s.charCodeAt(i))) i++;
      if (i === n0) throw new SipAuthError('expected an auth parameter');
      const nameEnd = i;
      i = skipWs(s, i);
      if (s.charCodeAt(i) !== 61) {
        // "token SP" with no "=": the next challenge's scheme
        i = n0;
        break;
      }
      const name = s.slice(n0, nameEnd).toLowerCase();
      i = skipWs(s, i + 1);
      let value: string;
      if (s.charCodeAt(i) === 34) {
        const end = scanQuoted(s, i);
        if (end < 0) throw new SipAuthError(`unterminated quoted value for ${name}`);
        value = unquote(s.slice(i, end));
        i = end;
      } else {
        const v0 = i;
        while (i < s.length && isTokenChar(s.charCodeAt(i))) i++;
        if (i === v0) throw new SipAuthError(`empty value for ${name}`);
        value = s.slice(v0, i);
      }
      // RFC 7616 §3.3 / §3.4: each directive at most once
      if (params.has(name)) throw new SipAuthError(`duplicate auth parameter ${name}`);
      params.set(name, value);
      if (params.size > MAX_AUTH_PARAMS) throw new SipAuthError('too many auth parameters');
      i = skipWs(s, i);
      if (i >= s.length) break;
      if (s.charCodeAt(i) !== 44) throw new SipAuthError(`expected , after ${name}`);
      i = skipWs(s, i + 1);
    }
  }
  if (out.length === 0) throw new SipAuthError('empty auth header');
  return out;
}

/** Formats `scheme name=value, …`; values listed in `tokens` are written bare, others quoted. */
export function formatAuthValue(scheme: string, params: readonly (readonly [string, string])[], tokens: ReadonlySet<string>): string {
  const parts = params.map(([n, v]) => `${n}=${tokens.has(n) && isToken(v) ? v : quote(v)}`);
  return `${scheme} ${parts.join(', ')}`;
}
