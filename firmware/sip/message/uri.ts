import { SipParseError } from './parse-error.js';
import { MAX_PARAMS } from './limits.js';
import { Params, type Param } from './params.js';
import { CharClass, checkHost, inClass, isAlpha, isDigit, isHexDigit } from './syntax.js';

/**
 * SIP, SIPS and TEL URIs (RFC 3261 §19.1, §25.1; RFC 3966) and any other
 * absolute URI kept as text (a Request-URI may carry one, RFC 3261 §8.2.2.1
 * answers it with 416 — the parser must still read it).
 *
 * User, password, parameter and URI-header values are stored unescaped and
 * escaped again on output (§19.1.2), so `sip:%61lice@h` and `sip:alice@h`
 * parse to the same object, as §19.1.4 says they are equal.
 */

export class SipUri {
  readonly scheme: 'sip' | 'sips';
  readonly user: string | undefined;
  readonly password: string | undefined;
  /** As written; IPv6 references keep their brackets. */
  readonly host: string;
  readonly port: number | undefined;
  readonly params: Params;
  /** URI headers (`?subject=x&priority=urgent`), §19.1.1. */
  readonly headers: Params;

  constructor(init: {
    scheme?: 'sip' | 'sips';
    user?: string | undefined;
    password?: string | undefined;
    host: string;
    port?: number | undefined;
    params?: Params | readonly Param[];
    headers?: Params | readonly Param[];
  }) {
    this.scheme = init.scheme ?? 'sip';
    this.user = init.user;
    this.password = init.password;
    this.host = init.host;
    this.port = init.port;
    this.params = toParams(init.params);
    this.headers = toParams(init.headers);
  }

  get transport(): string | undefined {
    const t = this.params.get('transport');
    return typeof t === 'string' ? t.toLowerCase() : undefined;
  }

  /** `;lr` marks a loose router (RFC 3261 §16.12.1.1, §19.1.1). */
  get lr(): boolean {
    return this.params.has('lr');
  }

  with(changes: Partial<Omit<SipUri, 'transport' | 'lr' | 'with' | 'toString'>>): SipUri {
    return new SipUri({ ...this, ...changes });
  }

  toString(): string {
    let s = this.scheme + ':';
    if (this.user !== undefined) {
      s += escape(this.user, CharClass.User);
      if (this.password !== undefined) s += ':' + escape(this.password, CharClass.Password);
      s += '@';
    }
    s += this.host;
    if (this.port !== undefined) s += ':' + this.port;
    for (const [n, v] of this.params.entries) {
      s += ';' + escape(n, CharClass.Param);
      if (v !== null) s += '=' + escape(v, CharClass.Param);
    }
    let sep = '?';
    for (const [n, v] of this.headers.entries) {
      s += sep + escape(n, CharClass.Header) + '=' + escape(v ?? '', CharClass.Header);
      sep = '&';
    }
    return s;
  }
}

/** RFC 3966 tel URI: `tel:+1-201-555-0123;ext=1234`. */
export class TelUri {
  readonly scheme = 'tel' as const;
  /** As written, visual separators included. */
  readonly number: string;
  readonly params: Params;

  constructor(number: string, params?: Params | readonly Param[]) {
    this.number = number;
    this.params = toParams(params);
  }

  get isGlobal(): boolean {
    return this.number.startsWith('+');
  }

  toString(): string {
    let s = 'tel:' + this.number;
    for (const [n, v] of this.params.entries) {
      s += ';' + escape(n, CharClass.Param);
      if (v !== null) s += '=' + escape(v, CharClass.Param);
    }
    return s;
  }
}

/** Any other absolute URI (`mailto:`, `urn:`, `http:`…), kept as written. */
export class AbsoluteUri {
  readonly scheme: string;
  readonly text: string;

  constructor(text: string) {
    this.text = text;
    this.scheme = text.slice(0, text.indexOf(':')).toLowerCase();
  }

  toString(): string {
    return this.text;
  }
}

export type Uri = SipUri | TelUri | AbsoluteUri;

function toParams(p: Params | readonly Param[] | undefined): Params {
  if (p === undefined) return Params.EMPTY;
  return p instanceof Params ? p : new Params(p);
}

const HEX = '0123456789ABCDEF';
const encoder = new TextEncoder();

/** Percent-encodes every character outside `cls` (RFC 3261 §19.1.2), as UTF-8. */
export function escape(text: string, cls: number): string {
  let i = 0;
  while (i < text.length && inClass(text.charCodeAt(i), cls)) i++;
  if (i === text.length) return text;
  let out = text.slice(0, i);
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inClass(c, cls)) {
      out += text[i];
      continue;
    }
    const cp = text.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    if (cp > 0xffff) i++;
    for (const b of encoder.encode(ch)) out += '%' + HEX[b >> 4] + HEX[b & 15];
  }
  return out;
}

/**
 * Reads `s[start..end)` as a run of `cls` characters and escapes, returning
 * the unescaped text; throws at the first character the grammar forbids.
 */
function unescapeRun(s: string, start: number, end: number, cls: number, what: string): string {
  let hasEscape = false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 37) {
      if (!isHexDigit(s.charCodeAt(i + 1)) || !isHexDigit(s.charCodeAt(i + 2)) || i + 2 >= end) {
        throw new SipParseError(`bad escape in ${what}`, i);
      }
      hasEscape = true;
      i += 2;
    } else if (!inClass(c, cls)) throw new SipParseError(`bad character in ${what}`, i);
  }
  if (!hasEscape) return s.slice(start, end);
  const bytes: number[] = [];
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 37) {
      bytes.push(parseInt(s.substr(i + 1, 2), 16));
      i += 2;
    } else bytes.push(c);
  }
  return Buffer.from(bytes).toString('utf8');
}

function parseUriParams(s: string, i: number, end: number, entries: Param[], what: string): number {
  while (i < end && s.charCodeAt(i) === 59) {
    i++;
    const nameStart = i;
    while (i < end && s.charCodeAt(i) !== 59 && s.charCodeAt(i) !== 61 && s.charCodeAt(i) !== 63) i++;
    if (i === nameStart) throw new SipParseError(`empty ${what} parameter name`, i);
    const name = unescapeRun(s, nameStart, i, CharClass.Param, `${what} parameter`);
    let value: string | null = null;
    if (s.charCodeAt(i) === 61) {
      const valueStart = ++i;
      while (i < end && s.charCodeAt(i) !== 59 && s.charCodeAt(i) !== 63) i++;
      if (i === valueStart) throw new SipParseError(`empty value for ${what} parameter ${name}`, i);
      value = unescapeRun(s, valueStart, i, CharClass.Param, `${what} parameter`);
    }
    entries.push([name, value]);
    if (entries.length > MAX_PARAMS) throw new SipParseError('too many URI parameters', i);
  }
  return i;
}

/** Parses a sip: or sips: URI (RFC 3261 §19.1.1, §25.1 SIP-URI / SIPS-URI). */
export function parseSipUri(s: string): SipUri {
  const colon = s.indexOf(':');
  const scheme = s.slice(0, colon).toLowerCase();
  if (colon < 0 || (scheme !== 'sip' && scheme !== 'sips')) throw new SipParseError('not a sip or sips URI', 0);
  let i = colon + 1;
  const end = s.length;
  let user: string | undefined;
  let password: string | undefined;
  const at = s.indexOf('@', i);
  if (at >= 0) {
    // user and password cannot hold an unescaped "@", nor can anything after the host
    if (s.indexOf('@', at + 1) >= 0) throw new SipParseError('more than one @ in URI', s.indexOf('@', at + 1));
    const pc = s.indexOf(':', i);
    const userEnd = pc >= 0 && pc < at ? pc : at;
    if (userEnd === i) throw new SipParseError('empty user in URI', i);
    user = unescapeRun(s, i, userEnd, CharClass.User, 'URI user');
    if (userEnd < at) password = unescapeRun(s, userEnd + 1, at, CharClass.Password, 'URI password');
    i = at + 1;
  }
  const hostStart = i;
  if (s.charCodeAt(i) === 91) {
    const close = s.indexOf(']', i);
    if (close < 0) throw new SipParseError('unterminated IPv6 reference', i);
    i = close + 1;
  } else {
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c === 58 || c === 59 || c === 63) break;
      i++;
    }
  }
  const host = s.slice(hostStart, i);
  const hostError = checkHost(host);
  if (hostError) throw new SipParseError(hostError, hostStart);
  let port: number | undefined;
  if (s.charCodeAt(i) === 58) {
    const portStart = ++i;
    let v = 0;
    while (i < end && isDigit(s.charCodeAt(i)) && i - portStart < 6) v = v * 10 + s.charCodeAt(i++) - 48;
    if (i === portStart || v > 65535) throw new SipParseError('bad port in URI', portStart);
    port = v;
  }
  const params: Param[] = [];
  i = parseUriParams(s, i, end, params, 'URI');
  const headers: Param[] = [];
  if (i < end && s.charCodeAt(i) === 63) {
    // headers = "?" header *( "&" header ); header = hname "=" hvalue
    do {
      const nameStart = ++i;
      while (i < end && s.charCodeAt(i) !== 61 && s.charCodeAt(i) !== 38) i++;
      if (i === nameStart || s.charCodeAt(i) !== 61) throw new SipParseError('bad URI header', nameStart);
      const name = unescapeRun(s, nameStart, i, CharClass.Header, 'URI header');
      const valueStart = ++i;
      while (i < end && s.charCodeAt(i) !== 38) i++;
      headers.push([name, unescapeRun(s, valueStart, i, CharClass.Header, 'URI header')]);
      if (headers.length > MAX_PARAMS) throw new SipParseError('too many URI headers', i);
    } while (i < end);
  }
  if (i !== end) throw new SipParseError('unexpected character in URI', i);
  return new SipUri({
    scheme,
    user,
    password,
    host,
    port,
    params: params.length ? new Params(params) : Params.EMPTY,
    headers: headers.length ? new Params(headers) : Params.EMPTY,
  });
}

/** Parses a tel: URI (RFC 3966 §3): global (`+` digits) or local number, visual separators, parameters. */
export function parseTelUri(s: string): TelUri {
  if (s.length < 4 || s.slice(0, 4).toLowerCase() !== 'tel:') throw new SipParseError('not a tel URI', 0);
  let i = 4;
  const start = i;
  if (s.charCodeAt(i) === 43) i++;
  let digits = 0;
  while (i < s.length && s.charCodeAt(i) !== 59) {
    const c = s.charCodeAt(i);
    // phonedigit-hex = HEXDIG / "*" / "#" / visual-separator ("-" / "." / "(" / ")")
    if (isHexDigit(c) || c === 42 || c === 35) digits++;
    else if (c !== 45 && c !== 46 && c !== 40 && c !== 41) throw new SipParseError('bad character in tel number', i);
    i++;
  }
  if (digits === 0) throw new SipParseError('empty tel number', start);
  const number = s.slice(start, i);
  const params: Param[] = [];
  i = parseUriParams(s, i, s.length, params, 'tel');
  if (i !== s.length) throw new SipParseError('unexpected character in tel URI', i);
  const uri = new TelUri(number, params);
  // RFC 3966 §5.1.5: a local number needs a phone-context
  if (!uri.isGlobal && !uri.params.has('phone-context')) throw new SipParseError('local tel number without phone-context', start);
  return uri;
}

/**
 * Parses any absolute URI: sip/sips/tel into their classes, other schemes
 * (RFC 3986 scheme, then no whitespace, controls, `<`, `>` or `"`) as text.
 */
export function parseUri(s: string): Uri {
  const colon = s.indexOf(':');
  if (colon <= 0) throw new SipParseError('URI without scheme', 0);
  if (!isAlpha(s.charCodeAt(0))) throw new SipParseError('bad URI scheme', 0);
  for (let i = 1; i < colon; i++) {
    const c = s.charCodeAt(i);
    if (!isAlpha(c) && !isDigit(c) && c !== 43 && c !== 45 && c !== 46) throw new SipParseError('bad URI scheme', i);
  }
  const scheme = s.slice(0, colon).toLowerCase();
  if (scheme === 'sip' || scheme === 'sips') return parseSipUri(s);
  if (scheme === 'tel') return parseTelUri(s);
  if (colon + 1 === s.length) throw new SipParseError('empty URI after scheme', colon + 1);
  for (let i = colon + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c >= 127 || c === 60 || c === 62 || c === 34) throw new SipParseError('bad character in URI', i);
  }
  return new AbsoluteUri(s);
}

function paramsEqualWhereBothPresent(a: Params, b: Params, mustMatchIfOne: readonly string[]): boolean {
  for (const [name] of a.entries) {
    // by name, so a repeated parameter compares by its first occurrence on both sides
    const av = a.get(name);
    const bv = b.get(name);
    if (bv === undefined) {
      if (mustMatchIfOne.includes(name.toLowerCase())) return false;
      continue;
    }
    if ((av ?? '').toLowerCase() !== (bv ?? '').toLowerCase()) return false;
  }
  for (const [name] of b.entries) {
    if (!a.has(name) && mustMatchIfOne.includes(name.toLowerCase())) return false;
  }
  return true;
}

function stripVisual(n: string): string {
  let out = '';
  for (let i = 0; i < n.length; i++) {
    const c = n[i]!;
    if (c !== '-' && c !== '.' && c !== '(' && c !== ')') out += c.toLowerCase();
  }
  return out;
}

/** URI equality, RFC 3261 §19.1.4 for SIP/SIPS, RFC 3966 §4 for tel, exact text otherwise. */
export function uriEquals(a: Uri, b: Uri): boolean {
  if (a.scheme !== b.scheme) return false;
  if (a instanceof SipUri && b instanceof SipUri) {
    // "Comparison of the userinfo of SIP and SIPS URIs is case-sensitive"; escapes are already resolved
    if (a.user !== b.user || a.password !== b.password) return false;
    if (a.host.toLowerCase() !== b.host.toLowerCase()) return false;
    // "A URI omitting any component with a default value will not match a URI explicitly containing that component"
    if (a.port !== b.port) return false;
    // user, ttl, method and maddr in only one URI never match; other one-sided parameters are ignored
    if (!paramsEqualWhereBothPresent(a.params, b.params, ['user', 'ttl', 'method', 'maddr'])) return false;
    // "URI header components are never ignored"
    if (a.headers.size !== b.headers.size) return false;
    for (const [n, v] of a.headers.entries) if (b.headers.get(n) !== v) return false;
    return true;
  }
  if (a instanceof TelUri && b instanceof TelUri) {
    if (stripVisual(a.number) !== stripVisual(b.number)) return false;
    // RFC 3966 §4: parameters compare regardless of order, all must be present in both
    if (a.params.size !== b.params.size) return false;
    return paramsEqualWhereBothPresent(a.params, b.params, a.params.entries.map(([n]) => n.toLowerCase()));
  }
  return a.toString() === b.toString();
}
