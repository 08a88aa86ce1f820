import { SipParseError } from './parse-error.js';
import { MAX_CONTENT_LENGTH, MAX_MESSAGE_BYTES } from './limits.js';
import { parseUnsigned } from './message.js';

const CL_LONG = Buffer.from('content-length', 'latin1');

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** Content-Length value inside buf[from..to) (the header section), or -1 if absent. */
function findContentLength(buf: Uint8Array, from: number, to: number): number {
  let value = -1;
  let i = from;
  while (i < to) {
    // i is at a line start
    let j = i;
    let k = 0;
    while (k < CL_LONG.length && j < to && lower(buf[j]!) === CL_LONG[k]) {
      j++;
      k++;
    }
    let nameEnd = -1;
    if (k === CL_LONG.length) nameEnd = j;
    else if (j === i && lower(buf[i]!) === 108 /* l */) nameEnd = i + 1; // compact form (§7.3.3)
    if (nameEnd >= 0) {
      let p = nameEnd;
      while (p < to && (buf[p] === 32 || buf[p] === 9)) p++;
      if (buf[p] === 58) {
        p++;
        let e = p;
        while (e < to && buf[e] !== 13) e++;
        const text = Buffer.from(buf.buffer, buf.byteOffset + p, e - p).toString('latin1').trim();
        let v: number;
        try {
          v = parseUnsigned(text, MAX_CONTENT_LENGTH);
        } catch {
          throw new SipParseError('bad Content-Length', p);
        }
        if (value >= 0 && v !== value) throw new SipParseError('conflicting Content-Length headers', p);
        value = v;
      }
    }
    while (i < to && !(buf[i] === 13 && buf[i + 1] === 10)) i++;
    i += 2;
  }
  return value;
}

/**
 * Stream framing (RFC 3261 §18.3): the length in bytes of the first complete
 * message in `buf` from `offset`, counting any CRLFs before it (which
 * parseMessage skips, §7.5), or 0 when more data is needed. Throws
 * SipParseError when the stream cannot be framed (header section over the
 * size limit, missing or bad Content-Length): the connection must then be
 * closed, since the next message boundary is unknown.
 */
export function frameStreamMessage(buf: Uint8Array, offset = 0): number {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  let start = offset;
  while (start + 1 < b.length && b[start] === 13 && b[start + 1] === 10) start += 2;
  const headEnd = b.indexOf('\r\n\r\n', start, 'latin1');
  if (headEnd < 0) {
    if (b.length - start > MAX_MESSAGE_BYTES) throw new SipParseError('header section too large', start);
    return 0;
  }
  const length = findContentLength(b, start, headEnd + 2);
  if (length < 0) throw new SipParseError('missing Content-Length on a stream transport', start);
  const end = headEnd + 4 + length;
  if (end - start > MAX_MESSAGE_BYTES) throw new SipParseError('message too large', start);
  return end <= b.length ? end - offset : 0;
}
