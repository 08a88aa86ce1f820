import { DeskphoneError } from '../../errors.js';

/**
 * Cuts a byte stream (TCP, TLS) into SIP messages (RFC 3261 §18.3): the header
 * ends at the first empty line and Content-Length says how many body bytes
 * follow. Handles partial and coalesced messages and RFC 5626 §3.5.1
 * keep-alives (CRLFCRLF ping, CRLF pong) between messages.
 *
 * It reads only the Content-Length header; everything else is the parser's job.
 * Work is linear in the bytes received: a header scan resumes where the last
 * chunk stopped instead of starting over.
 */
export type FramedUnit = { type: 'message'; data: Uint8Array } | { type: 'ping' } | { type: 'pong' };

export interface StreamFramerLimits {
  /** Largest header section accepted; a stream that exceeds it cannot be resynchronised. */
  maxHeaderBytes: number;
  maxBodyBytes: number;
}

export const DEFAULT_FRAMER_LIMITS: StreamFramerLimits = { maxHeaderBytes: 16 * 1024, maxBodyBytes: 64 * 1024 };

/** The stream is unusable: the connection must be closed (there is no way to find the next message). */
export class StreamFramingError extends DeskphoneError {
  readonly reason: 'header-too-large' | 'body-too-large' | 'bad-content-length';
  constructor(reason: StreamFramingError['reason'], message: string) {
    super('SIP_FRAMING', message);
    this.reason = reason;
  }
}

const CR = 0x0d;
const LF = 0x0a;

export class StreamFramer {
  private buffer: Uint8Array = new Uint8Array(0);
  /** Header end search resumes here, so a slowly arriving header is scanned once. */
  private scanFrom = 0;
  private pending: { headerEnd: number; total: number } | undefined;
  private readonly limits: StreamFramerLimits;

  constructor(limits: Partial<StreamFramerLimits> = {}) {
    this.limits = { ...DEFAULT_FRAMER_LIMITS, ...limits };
  }

  /** Feeds received bytes; returns every unit completed by them, in order. Throws StreamFramingError. */
  push(chunk: Uint8Array): FramedUnit[] {
    this.buffer = this.buffer.length === 0 ? chunk : concat(this.buffer, chunk);
    const out: FramedUnit[] = [];
    for (;;) {
      if (this.pending === undefined) {
        if (!this.skipKeepAlives(out)) break;
        const headerEnd = this.findHeaderEnd();
        if (headerEnd < 0) {
          if (this.buffer.length > this.limits.maxHeaderBytes) {
            throw new StreamFramingError('header-too-large', `header section exceeds ${this.limits.maxHeaderBytes} bytes`);
          }
          break;
        }
        const length = contentLength(this.buffer, headerEnd);
        if (length > this.limits.maxBodyBytes) {
          throw new StreamFramingError('body-too-large', `Content-Length ${length} exceeds ${this.limits.maxBodyBytes}`);
        }
        this.pending = { headerEnd, total: headerEnd + length };
      }
      if (this.buffer.length < this.pending.total) break;
      const total = this.pending.total;
      out.push({ type: 'message', data: this.buffer.slice(0, total) });
      this.buffer = this.buffer.subarray(total);
      this.pending = undefined;
      this.scanFrom = 0;
    }
    return out;
  }

  /** Bytes held for an incomplete message. */
  get buffered(): number {
    return this.buffer.length;
  }

  /**
   * §7.5: CRLFs before a start-line are ignored on streams; RFC 5626 §3.5.1
   * gives them meaning: a double CRLF is a ping, a single one a pong.
   * Returns false when more bytes are needed to decide.
   */
  private skipKeepAlives(out: FramedUnit[]): boolean {
    const b = this.buffer;
    let i = 0;
    while (i + 1 < b.length && b[i] === CR && b[i + 1] === LF) {
      if (i + 3 < b.length && b[i + 2] === CR && b[i + 3] === LF) {
        out.push({ type: 'ping' });
        i += 4;
      } else if (i + 2 < b.length) {
        out.push({ type: 'pong' });
        i += 2;
      } else {
        // A lone CRLF ending the chunk: a pong. A ping split after its first CRLF
        // reads as two pongs, which only costs a needless keep-alive answer.
        out.push({ type: 'pong' });
        i += 2;
      }
    }
    if (i > 0) {
      this.buffer = b.subarray(i);
      this.scanFrom = 0;
    }
    if (this.buffer.length === 1 && this.buffer[0] === CR) return false;
    return this.buffer.length > 0;
  }

  /** Index just after the empty line ending the header (CRLFCRLF, or bare LFs from lenient peers), or -1. */
  private findHeaderEnd(): number {
    const b = this.buffer;
    for (let i = Math.max(0, this.scanFrom); i < b.length; i++) {
      if (b[i] !== LF) continue;
      if (i + 1 < b.length && b[i + 1] === LF) return i + 2;
      if (i + 2 < b.length && b[i + 1] === CR && b[i + 2] === LF) return i + 3;
    }
    // Resume a few bytes back: the terminator may straddle chunks.
    this.scanFrom = Math.max(0, b.length - 3);
    return -1;
  }
}

/**
 * The Content-Length value (long form or compact `l`, §7.3.3, names
 * case-insensitive); 0 when absent. §18.3 makes it mandatory on streams, but a
 * missing one framing as an empty body keeps the connection usable, and the UA
 * core still sees the message.
 */
function contentLength(b: Uint8Array, headerEnd: number): number {
  let found: number | undefined;
  let lineStart = 0;
  while (lineStart < headerEnd) {
    let lineEnd = lineStart;
    while (lineEnd < headerEnd && b[lineEnd] !== LF) lineEnd++;
    const value = headerValue(b, lineStart, lineEnd);
    if (value !== undefined) {
      const text = value.trim();
      if (!/^\d{1,10}$/.test(text)) {
        throw new StreamFramingError('bad-content-length', `Content-Length "${text.slice(0, 20)}" is not a number`);
      }
      // Two lengths that disagree leave no safe place to cut the stream (the
      // request-smuggling pattern of HTTP): the connection has to go.
      if (found !== undefined && found !== Number(text)) {
        throw new StreamFramingError('bad-content-length', `conflicting Content-Length values ${found} and ${text}`);
      }
      found = Number(text);
    }
    lineStart = lineEnd + 1;
  }
  return found ?? 0;
}

function headerValue(b: Uint8Array, start: number, end: number): string | undefined {
  const first = b[start]! | 0x20;
  if (first !== 0x6c /* l */ && first !== 0x63 /* c */) return undefined;
  let colon = start;
  while (colon < end && b[colon] !== 0x3a) colon++;
  if (colon === end) return undefined;
  let nameEnd = colon;
  while (nameEnd > start && (b[nameEnd - 1] === 0x20 || b[nameEnd - 1] === 0x09)) nameEnd--;
  const name = ascii(b, start, nameEnd).toLowerCase();
  if (name !== 'content-length' && name !== 'l') return undefined;
  return ascii(b, colon + 1, end);
}

function ascii(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]!);
  return s;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
