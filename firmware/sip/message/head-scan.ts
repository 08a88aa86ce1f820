/**
 * The fast check of a header section's bytes: the parse's one pass over
 * every byte, done four bytes at a time.
 *
 * RFC 3261 §7.3 / §25.1: outside the body a message is text lines ended by
 * CRLF; a header value may hold SP, HTAB and printable characters (and
 * UTF-8, which this fast path leaves to the careful scanner), never another
 * control character or DEL. Checking that one character at a time in
 * JavaScript was a third of the parse (node --cpu-prof), so the bytes
 * are read as 32-bit words and a word is looked at closely only when it
 * holds a byte below 0x20 (CR, LF, HTAB or a fault), DEL, or a byte ≥ 0x80.
 * Most words hold none, and the CRs the close look finds are the line ends
 * the parser needs anyway.
 *
 * The answer is only "clean" or "look again": anything unusual (a control
 * byte, a bare CR or LF, non-ASCII text) makes the parser rerun the
 * character-by-character scanner, which names the fault and its position or
 * accepts the valid UTF-8. So this file decides no error message, and
 * test/firmware/sip/message/fast-path.test.ts holds both paths to the same
 * answers.
 */

/** Line ends recorded per call; a header section with more lines takes the careful path. */
export const MAX_FAST_LINES = 512;

/**
 * Views over the ArrayBuffer last scanned: Node's Buffer pool hands out many
 * messages from one 8 KiB buffer, so the views are made once per pool
 * buffer, not per message. (This keeps that one buffer reachable until the
 * next message comes from another: at most one pool buffer or datagram.)
 */
let viewOf: ArrayBufferLike | undefined;
let words: Int32Array<ArrayBufferLike> = new Int32Array(0);
let bytes: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

function wordsOver(ab: ArrayBufferLike): Int32Array<ArrayBufferLike> {
  if (ab !== viewOf) {
    viewOf = ab;
    words = new Int32Array(ab, 0, ab.byteLength >>> 2);
    bytes = new DataView(ab);
  }
  return words;
}

/** A DataView over the whole ArrayBuffer under `buf` (the one scanAsciiHead last read). */
export function dataViewOver(buf: Uint8Array): DataView<ArrayBufferLike> {
  wordsOver(buf.buffer);
  return bytes;
}

/** byteAt's answer when the CR of the empty line that ends the header section is reached. */
const END = -2;

/**
 * Checks `buf` from `start` (the start line) up to the empty line that ends
 * the header section (§7: CRLF CRLF), writing the index of each line's CR
 * into `lineEnds` — the last one recorded is where the header section ends.
 * Returns the number of lines, or -1 when the bytes need the careful
 * scanner: no empty line before the end of `buf`, a byte outside HTAB /
 * printable ASCII other than a CR immediately followed by LF, or more than
 * MAX_FAST_LINES lines. Bytes after the empty line (the body) are not read.
 */
export function scanAsciiHead(buf: Uint8Array, start: number, lineEnds: Int32Array): number {
  const end = buf.length;
  let lines = 0;
  let p = start;
  const base = buf.byteOffset;
  // bytes up to the first word boundary of the underlying ArrayBuffer
  for (; p < end && ((base + p) & 3) !== 0; p++) {
    const b = buf[p]!;
    if (b < 32 || b >= 127) {
      const r = byteAt(buf, p, start, lines, lineEnds);
      if (r < 0) return r === END ? lines : -1;
      lines = r;
    }
  }
  const firstWord = (base + p) >>> 2;
  const endWord = (base + end) >>> 2;
  if (firstWord < endWord) {
    const w = wordsOver(buf.buffer);
    if (w.length < endWord) return -1; // the buffer changed size under the cached view: take the careful path
    for (let wi = firstWord; wi < endWord; wi++) {
      const x = w[wi]!;
      // the high bit of a byte ends up set when that byte is < 0x20 ((x - 0x20…) & ~x, the classic
      // "has less than" test), 0x7F (x + 0x01…) or ≥ 0x80 (x itself). Borrows and carries between
      // bytes start only at a byte that is flagged anyway: they can add flags, never hide one.
      if (((((x - 0x20202020) & ~x) | (x + 0x01010101) | x) & 0x80808080) === 0) continue;
      const q = (wi << 2) - base;
      for (let k = q; k < q + 4; k++) {
        const b = buf[k]!;
        if (b < 32 || b >= 127) {
          const r = byteAt(buf, k, start, lines, lineEnds);
          if (r < 0) return r === END ? lines : -1;
          lines = r;
        }
      }
    }
    p = (endWord << 2) - base;
  }
  for (; p < end; p++) {
    const b = buf[p]!;
    if (b < 32 || b >= 127) {
      const r = byteAt(buf, p, start, lines, lineEnds);
      if (r < 0) return r === END ? lines : -1;
      lines = r;
    }
  }
  return -1;
}

/**
 * A byte below 0x20 or ≥ 0x7F at `p`: HTAB passes, CR must start a CRLF (and
 * is recorded, or is END when it starts the empty line), LF must end one;
 * anything else fails (-1).
 */
function byteAt(buf: Uint8Array, p: number, start: number, lines: number, lineEnds: Int32Array): number {
  const b = buf[p]!;
  if (b === 9) return lines;
  if (b === 13) {
    if (buf[p + 1] !== 10) return -1;
    if (lines > 0 && lineEnds[lines - 1] === p - 2) return END;
    if (lines >= MAX_FAST_LINES) return -1;
    lineEnds[lines] = p;
    return lines + 1;
  }
  if (b === 10) return p > start && buf[p - 1] === 13 ? lines : -1;
  return -1;
}
