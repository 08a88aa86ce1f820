import { SipParseError } from './parse-error.js';
import { Params, formatHeaderParams, parseHeaderParams, scanHeaderParams, type Param } from './params.js';
import { checkHost, isDigit, isIPv6, isTokenChar, skipWsTo } from './syntax.js';

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
  /** The parameters; for a parsed Via, built on first read from the text the parse checked. */
  private built: Params | undefined;
  private paramText = '';
  private paramStart = 0;
  private paramEnd = 0;
  /** For a parsed Via whose Params are not built yet: branch, received and rport as the parse found them. */
  private found = false;
  private foundBranch: string | null | undefined;
  private foundReceived: string | null | undefined;
  private foundRport: string | null | undefined;

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
    this.built = p === undefined ? Params.EMPTY : p instanceof Params ? p : new Params(p);
  }

  get params(): Params {
    return (this.built ??= parseHeaderParams(this.paramText, this.paramStart, this.paramEnd));
  }

  get branch(): string | undefined {
    const b = this.found && this.built === undefined ? this.foundBranch : this.params.get('branch');
    return typeof b === 'string' ? b : undefined;
  }

  get received(): string | undefined {
    const r = this.found && this.built === undefined ? this.foundReceived : this.params.get('received');
    return typeof r === 'string' ? r : undefined;
  }

  /** RFC 3581: null when requested (`;rport` without value), the port when filled in, undefined when absent. */
  get rport(): number | null | undefined {
    const r = this.found && this.built === undefined ? this.foundRport : this.params.get('rport');
    if (r === undefined || r === null) return r;
    return Number(r);
  }

  /** parseViaIn's result: parameters already checked in text[start, end), built when first read. */
  static checked(
    init: { protocol: string; version: string; transport: string; host: string; port: number | undefined },
    text: string,
    start: number,
    end: number,
    found: readonly (string | null | undefined)[],
  ): Via {
    const via = new Via(init);
    via.built = undefined;
    via.paramText = text;
    via.paramStart = start;
    via.paramEnd = end;
    via.found = true;
    via.foundBranch = found[0];
    via.foundReceived = found[1];
    via.foundRport = found[2];
    return via;
  }

  withParam(name: string, value: string | null): Via {
    return this.with({ params: this.params.with(name, value) });
  }

  /**
   * A copy with some fields changed (a sent-by rewritten at send time, §18.2.1). Use this, not
   * `new Via({ ...via })`: a parsed Via keeps its parameters behind a getter, which a spread loses.
   */
  with(changes: { transport?: string; host?: string; port?: number | undefined; params?: Params | readonly Param[] }): Via {
    return new Via({
      protocol: this.protocol,
      version: this.version,
      transport: changes.transport ?? this.transport,
      host: changes.host ?? this.host,
      port: 'port' in changes ? changes.port : this.port,
      params: changes.params ?? this.params,
    });
  }

  toString(): string {
    const port = this.port === undefined ? '' : ':' + this.port;
    return `${this.protocol}/${this.version}/${this.transport} ${this.host}${port}${formatHeaderParams(this.params)}`;
  }
}

function token(s: string, i: number, end: number, what: string): number {
  const start = i;
  while (i < end && isTokenChar(s.charCodeAt(i))) i++;
  if (i === start) throw new SipParseError(`bad ${what} in Via`, start);
  return i;
}

function slash(s: string, i: number, end: number): number {
  i = skipWsTo(s, i, end);
  if (i >= end || s.charCodeAt(i) !== 47) throw new SipParseError('expected / in Via sent-protocol', i);
  return skipWsTo(s, i + 1, end);
}

/** s[a, b) as a string, the constant `known` when it is spelled so (no new string for "SIP", "2.0", "UDP"…). */
function cut(s: string, a: number, b: number, known: string): string {
  if (b - a !== known.length) return s.slice(a, b);
  for (let k = 0; k < known.length; k++) if (s.charCodeAt(a + k) !== known.charCodeAt(k)) return s.slice(a, b);
  return known;
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

const VIA_PARAMS = ['branch', 'received', 'rport'] as const;
const found: (string | null | undefined)[] = [undefined, undefined, undefined];

/** Parses one via-parm (no list splitting). */
export function parseVia(s: string): Via {
  return parseViaIn(s, 0, s.length);
}

/** parseVia of s[start, end), read in place; error offsets are indexes into `s`. */
export function parseViaIn(s: string, start: number, end: number): Via {
  let i = skipWsTo(s, start, end);
  const p0 = i;
  i = token(s, i, end, 'protocol name');
  const protocol = cut(s, p0, i, 'SIP');
  i = slash(s, i, end);
  const v0 = i;
  i = token(s, i, end, 'protocol version');
  const version = cut(s, v0, i, '2.0');
  i = slash(s, i, end);
  const t0 = i;
  i = token(s, i, end, 'transport');
  const t = s.charCodeAt(t0);
  const transport = cut(s, t0, i, t === 84 ? (s.charCodeAt(t0 + 1) === 67 ? 'TCP' : 'TLS') : 'UDP');
  const ws = i;
  i = skipWsTo(s, i, end);
  if (i === ws) throw new SipParseError('expected space before Via sent-by', i);
  const h0 = i;
  if (i < end && s.charCodeAt(i) === 91) {
    const close = s.indexOf(']', i);
    if (close < 0 || close >= end) throw new SipParseError('unterminated IPv6 reference in Via', i);
    i = close + 1;
  } else {
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c === 58 || c === 59 || c === 32 || c === 9) break;
      i++;
    }
  }
  const host = s.slice(h0, i);
  const hostError = checkHost(host);
  if (hostError) throw new SipParseError(`${hostError} in Via`, h0);
  let port: number | undefined;
  i = skipWsTo(s, i, end);
  if (i < end && s.charCodeAt(i) === 58) {
    i = skipWsTo(s, i + 1, end);
    const d0 = i;
    let v = 0;
    while (i < end && isDigit(s.charCodeAt(i)) && i - d0 < 6) v = v * 10 + s.charCodeAt(i++) - 48;
    if (i === d0 || v > 65535) throw new SipParseError('bad port in Via', d0);
    port = v;
  }
  // checked now, built when first read: a transaction reads branch (and the transport received and rport) only
  scanHeaderParams(s, i, end, VIA_PARAMS, found);
  const rport = found[2];
  if (typeof rport === 'string' && !isPort(rport)) {
    throw new SipParseError('bad rport in Via', i);
  }
  // via-received = IPv4address / IPv6address (bare, §25.1); a bracketed one or a name is tolerated
  const received = found[1];
  if (received === null || (typeof received === 'string' && checkHost(received) !== undefined && !isIPv6(received))) {
    throw new SipParseError('bad received in Via', i);
  }
  if (found[0] === null) throw new SipParseError('empty branch in Via', i);
  return Via.checked({ protocol, version, transport, host, port }, s, i, end, found);
}
