/**
 * TZif, the Time Zone Information Format (RFC 8536), as tzdata installs it in
 * /usr/share/zoneinfo: the zone's recorded transitions, and for instants after
 * the last one the footer's POSIX TZ rule. Pure: bytes in, a zone out; the
 * file is read elsewhere (time-zone.ts).
 *
 *   header (44 bytes)  "TZif" version(1) unused(15) isutcnt isstdcnt leapcnt timecnt typecnt charcnt
 *   v1 data block      32-bit transition times …
 *   header + v2 data   (version 2+) the same with 64-bit times
 *   footer             (version 2+) "\n" TZ string "\n"
 */
import { DeskphoneError } from '../errors.js';
import { parsePosixTz, posixOffsetAt, type PosixTz } from './time-zone-posix.js';

/** A file that is not a TZif file we can use. */
export class TzifError extends DeskphoneError {
  constructor(
    readonly zone: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super('TIME_ZONE_FILE', `time zone ${zone}: ${reason}`, options);
  }
}

/** A zone's rules: the UTC offset at any instant. */
export interface TimeZone {
  readonly name: string;
  /** Seconds east of UTC in effect at `epochMs` (Berlin in summer: 7200). */
  offsetAt(epochMs: number): number;
}

const HEADER_BYTES = 44;

interface Counts {
  isutcnt: number;
  isstdcnt: number;
  leapcnt: number;
  timecnt: number;
  typecnt: number;
  charcnt: number;
}

/** A zone read from TZif data: recorded transitions, then the footer's rule. */
export class TzifZone implements TimeZone {
  constructor(
    readonly name: string,
    /** Transition instants in seconds since the epoch, ascending. */
    private readonly transitions: Float64Array,
    /** The UTC offset (seconds) from each transition on. */
    private readonly offsetsAfter: Int32Array,
    /** RFC 8536 §3.2: before the first transition, local time type 0 applies. */
    private readonly offsetBefore: number,
    /** RFC 8536 §3.3: after the last transition; absent (v1, or an empty footer) means the last type stays. */
    private readonly footer: PosixTz | undefined,
  ) {}

  offsetAt(epochMs: number): number {
    const t = Math.floor(epochMs / 1000);
    const n = this.transitions.length;
    if (n === 0 || t < this.transitions[0]!) return n === 0 && this.footer ? posixOffsetAt(this.footer, t).offsetS : this.offsetBefore;
    if (t >= this.transitions[n - 1]! && this.footer) return posixOffsetAt(this.footer, t).offsetS;
    // The last transition at or before t.
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.transitions[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    return this.offsetsAfter[lo]!;
  }
}

export function parseTzif(name: string, bytes: Uint8Array): TzifZone {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (reason: string): never => {
    throw new TzifError(name, reason);
  };
  const header = (at: number): { version: number; counts: Counts } => {
    if (bytes.length < at + HEADER_BYTES) fail('truncated header');
    // RFC 8536 §3.1: magic "TZif", then the version: NUL (1), '2', '3' or '4'.
    if (view.getUint32(at) !== 0x545a6966) fail('not a TZif file (no "TZif" magic)');
    const v = bytes[at + 4]!;
    const version = v === 0 ? 1 : v - 0x30;
    if (version < 1 || version > 9) fail(`unknown TZif version byte 0x${v.toString(16)}`);
    const c = (i: number) => view.getUint32(at + 20 + 4 * i);
    return { version, counts: { isutcnt: c(0), isstdcnt: c(1), leapcnt: c(2), timecnt: c(3), typecnt: c(4), charcnt: c(5) } };
  };
  const blockBytes = (c: Counts, timeSize: number) =>
    c.timecnt * timeSize + c.timecnt + c.typecnt * 6 + c.charcnt + c.leapcnt * (timeSize + 4) + c.isstdcnt + c.isutcnt;

  const first = header(0);
  let at = HEADER_BYTES;
  let counts = first.counts;
  let timeSize = 4;
  if (first.version >= 2) {
    // RFC 8536 §3: readers of version 2+ skip the v1 block and use the 64-bit one that follows.
    at += blockBytes(first.counts, 4);
    counts = header(at).counts;
    at += HEADER_BYTES;
    timeSize = 8;
  }
  if (bytes.length < at + blockBytes(counts, timeSize)) fail('truncated data block');
  // RFC 8536 §3.2: typecnt "MUST NOT be zero".
  if (counts.typecnt === 0) fail('no local time types');
  // Leap-second records (the right/ zones) count TAI-like seconds: offsets from them would be off by up to 27 s.
  if (counts.leapcnt > 0) fail('has leap-second records (a right/ zone): use the zone without them');

  const transitions = new Float64Array(counts.timecnt);
  for (let i = 0; i < counts.timecnt; i++) {
    transitions[i] = timeSize === 8 ? Number(view.getBigInt64(at + 8 * i)) : view.getInt32(at + 4 * i);
    // §3.2: "sorted in strictly ascending order".
    if (i > 0 && transitions[i]! <= transitions[i - 1]!) fail('transition times are not ascending');
  }
  at += counts.timecnt * timeSize;
  const typeOfTransition = bytes.subarray(at, at + counts.timecnt);
  at += counts.timecnt;
  const typeOffsets = new Int32Array(counts.typecnt);
  for (let i = 0; i < counts.typecnt; i++) typeOffsets[i] = view.getInt32(at + 6 * i);
  at += counts.typecnt * 6 + counts.charcnt + counts.isstdcnt + counts.isutcnt;

  const offsetsAfter = new Int32Array(counts.timecnt);
  for (let i = 0; i < counts.timecnt; i++) {
    const type = typeOfTransition[i]!;
    if (type >= counts.typecnt) fail(`transition ${i} names local time type ${type} of ${counts.typecnt}`);
    offsetsAfter[i] = typeOffsets[type]!;
  }

  let footer: PosixTz | undefined;
  if (first.version >= 2) {
    // RFC 8536 §3.3: the footer is a newline, a TZ string (possibly empty), a newline.
    if (bytes[at] !== 0x0a) fail('no footer after the data block');
    const close = bytes.indexOf(0x0a, at + 1);
    if (close < 0) fail('unterminated footer');
    const text = new TextDecoder('ascii').decode(bytes.subarray(at + 1, close));
    if (text !== '') {
      try {
        footer = parsePosixTz(text);
      } catch (err) {
        throw new TzifError(name, `footer: ${(err as Error).message}`, { cause: err });
      }
    }
  }
  return new TzifZone(name, transitions, offsetsAfter, typeOffsets[0]!, footer);
}
