import { SipParseError } from './parse-error.js';
import { MAX_CSEQ } from './limits.js';
import { isDigit, isToken, skipWs } from './syntax.js';

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
  let i = skipWs(s, 0);
  const d0 = i;
  let seq = 0;
  while (i < s.length && isDigit(s.charCodeAt(i))) {
    seq = seq * 10 + s.charCodeAt(i++) - 48;
    // §8.1.1.5: the sequence number MUST be expressible as a 32-bit unsigned integer and less than 2**31
    if (seq > MAX_CSEQ) throw new SipParseError('CSeq number too large', d0);
  }
  if (i === d0) throw new SipParseError('bad CSeq number', d0);
  const ws = i;
  i = skipWs(s, i);
  if (i === ws) throw new SipParseError('expected space in CSeq', i);
  const method = s.slice(i).trimEnd();
  if (!isToken(method)) throw new SipParseError('bad CSeq method', i);
  return new CSeq(seq, method);
}
