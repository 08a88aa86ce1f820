import { SipParseError } from './parse-error.js';
import { MAX_CSEQ } from './limits.js';
import { isDigit, isTokenChar, skipWsTo } from './syntax.js';

/** RFC 3261 §20.16: `CSeq: 4711 INVITE`. */
export class CSeq {
  readonly seq: number;
  readonly method: string;

  constructor(seq: number, method: string) {
    this.seq = seq;
    this.method = method;
  }

  toString(): string {
    return `${this.seq} ${this.method}`;
  }
}

export function parseCSeq(s: string): CSeq {
  return parseCSeqIn(s, 0, s.length);
}

/** Methods a phone sees, so a CSeq read in place makes no new string for them. */
const METHODS = ['INVITE', 'ACK', 'BYE', 'CANCEL', 'REGISTER', 'OPTIONS', 'NOTIFY', 'SUBSCRIBE', 'REFER', 'INFO', 'UPDATE', 'PRACK', 'MESSAGE', 'PUBLISH'];

/** parseCSeq of s[start, end), read in place; error offsets are indexes into `s`. */
export function parseCSeqIn(s: string, start: number, end: number): CSeq {
  let i = skipWsTo(s, start, end);
  const d0 = i;
  let seq = 0;
  while (i < end && isDigit(s.charCodeAt(i))) {
    seq = seq * 10 + s.charCodeAt(i++) - 48;
    // §8.1.1.5: the sequence number MUST be expressible as a 32-bit unsigned integer and less than 2**31
    if (seq > MAX_CSEQ) throw new SipParseError('CSeq number too large', d0);
  }
  if (i === d0) throw new SipParseError('bad CSeq number', d0);
  const ws = i;
  i = skipWsTo(s, i, end);
  if (i === ws) throw new SipParseError('expected space in CSeq', i);
  let e = end;
  while (e > i && (s.charCodeAt(e - 1) === 32 || s.charCodeAt(e - 1) === 9)) e--;
  for (let k = i; k < e; k++) if (!isTokenChar(s.charCodeAt(k))) throw new SipParseError('bad CSeq method', i);
  if (e === i) throw new SipParseError('bad CSeq method', i);
  return new CSeq(seq, known(s, i, e));
}

function known(s: string, a: number, b: number): string {
  next: for (const m of METHODS) {
    if (m.length !== b - a) continue;
    for (let k = 0; k < m.length; k++) if (s.charCodeAt(a + k) !== m.charCodeAt(k)) continue next;
    return m;
  }
  return s.slice(a, b);
}
