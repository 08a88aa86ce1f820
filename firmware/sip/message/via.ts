import { SipParseError } from './parse-error.js';
import { Params, formatHeaderParams, parseHeaderParams, type Param } from './params.js';
import { checkHost, isDigit, isIPv6, isTokenChar, skipWs } from './syntax.js';

/** RFC 3261 §8.1.1.7: a branch starting with this cookie was made by an RFC 3261 element. */
export const BRANCH_MAGIC_COOKIE = 'z9hG4bK';

/**
 * One Via value (RFC 3261 §20.42, §18.2.1; RFC 3581 rport):
 * `SIP/2.0/UDP pc33.example.com:5060;branch=z9hG4bK776asdhds;rport`.
 */
export class Via {
  readonly protocol: string;
  readonly version: string;
  /** Upper-case transport name (UDP, TCP, TLS, SCTP, WS…). */
  readonly transport: string;
  readonly host: string;
  readonly port: number | undefined;
  readonly params: Params;

  constructor(init: {
    transport: string;
    host: string;
    port?: number | undefined;
    params?: Params | readonly Param[];
    protocol?: string;
    version?: string;
  }) {
    this.protocol = init.protocol ?? 'SIP';
    this.version = init.version ?? '2.0';
    const t = init.transport;
    this.transport = t === 'UDP' || t === 'TCP' || t === 'TLS' ? t : t.toUpperCase();
    this.host = init.host;
    this.port = init.port;
    const p = init.params;
    this.params = p === undefined ? Params.EMPTY : p instanceof Params ? p : new Params(p);
  }

  get branch(): string | undefined {
    const b = this.params.get('branch');
    return typeof b === 'string' ? b : undefined;
  }

  get received(): string | undefined {
    const r = this.params.get('received');
    return typeof r === 'string' ? r : undefined;
  }

  /** RFC 3581: null when requested (`;rport` without value), the port when filled in, undefined when absent. */
  get rport(): number | null | undefined {
    const r = this.params.get('rport');
    if (r === undefined || r === null) return r;
    return Number(r);
  }

  withParam(name: string, value: string | null): Via {
    return new Via({ ...this, params: this.params.with(name, value) });
  }

  toString(): string {
    const port = this.port === undefined ? '' : ':' + this.port;
    return `${this.protocol}/${this.version}/${this.transport} ${this.host}${port}${formatHeaderParams(this.params)}`;
  }
}

function token(s: string, i: number, what: string): number {
  const start = i;
  while (i < s.length && isTokenChar(s.charCodeAt(i))) i++;
  if (i === start) throw new SipParseError(`bad ${what} in Via`, start);
  return i;
}

function slash(s: string, i: number): number {
  i = skipWs(s, i);
  if (s.charCodeAt(i) !== 47) throw new SipParseError('expected / in Via sent-protocol', i);
  return skipWs(s, i + 1);
}

function isPort(s: string): boolean {
  if (s.length === 0 || s.length > 5) return false;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) return false;
    v = v * 10 + c - 48;
  }
  return v <= 65535;
}

/** Parses one via-parm (no list splitting). */
export function parseVia(s: string): Via {
  let i = skipWs(s, 0);
  const p0 = i;
  i = token(s, i, 'protocol name');
  const protocol = s.slice(p0, i);
  i = slash(s, i);
  const v0 = i;
  i = token(s, i, 'protocol version');
  const version = s.slice(v0, i);
  i = slash(s, i);
  const t0 = i;
  i = token(s, i, 'transport');
  const transport = s.slice(t0, i);
  const ws = i;
  i = skipWs(s, i);
  if (i === ws) throw new SipParseError('expected space before Via sent-by', i);
  const h0 = i;
  if (s.charCodeAt(i) === 91) {
    const close = s.indexOf(']', i);
    if (close < 0) throw new SipParseError('unterminated IPv6 reference in Via', i);
    i = close + 1;
  } else {
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c === 58 || c === 59 || c === 32 || c === 9) break;
      i++;
    }
  }
  const host = s.slice(h0, i);
  const hostError = checkHost(host);
  if (hostError) throw new SipParseError(`${hostError} in Via`, h0);
  let port: number | undefined;
  i = skipWs(s, i);
  if (s.charCodeAt(i) === 58) {
    i = skipWs(s, i + 1);
    const d0 = i;
    let v = 0;
    while (i < s.length && isDigit(s.charCodeAt(i)) && i - d0 < 6) v = v * 10 + s.charCodeAt(i++) - 48;
    if (i === d0 || v > 65535) throw new SipParseError('bad port in Via', d0);
    port = v;
  }
  const params = parseHeaderParams(s, i);
  const rport = params.get('rport');
  if (typeof rport === 'string' && !isPort(rport)) {
    throw new SipParseError('bad rport in Via', i);
  }
  // via-received = IPv4address / IPv6address (bare, §25.1); a bracketed one or a name is tolerated
  const received = params.get('received');
  if (received === null || (typeof received === 'string' && checkHost(received) !== undefined && !isIPv6(received))) {
    throw new SipParseError('bad received in Via', i);
  }
  if (params.get('branch') === null) throw new SipParseError('empty branch in Via', i);
  return new Via({ protocol, version, transport, host, port, params });
}
