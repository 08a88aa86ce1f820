/**
 * RFC 4733 §2.3 telephone-event payload (one event per packet):
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |     event     |E|R| volume    |          duration             |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
import { DeskphoneError } from '../../errors.js';

export const TELEPHONE_EVENT_SIZE = 4;
/** §2.3.5: the duration field is 16 bits of timestamp units. */
export const MAX_EVENT_DURATION = 0xffff;

export class TelephoneEventError extends DeskphoneError {
  constructor(
    message: string,
    readonly length: number,
  ) {
    super('TELEPHONE_EVENT_INVALID', message);
  }
}

export class TelephoneEvent {
  constructor(
    /** §2.3.1: event code (0–255). */
    readonly event: number,
    /** §2.3.2 E bit: the last packet(s) of the event. */
    readonly end: boolean,
    /** §2.3.4: power level as 0 to −63 dBm0, carried as its magnitude 0–63. */
    readonly volume: number,
    /** §2.3.5: duration so far in timestamp units, counted from the event's RTP timestamp. */
    readonly duration: number,
  ) {}

  /**
   * §2.3: a receiver ignores the R bit; a payload shorter than 4 bytes is an
   * error. Longer payloads (RFC 4733 §2.5.2.1 allows several events in one
   * packet via redundancy, RFC 2198) are read for their first event only.
   */
  static parse(buf: Uint8Array): TelephoneEvent {
    if (buf.length < TELEPHONE_EVENT_SIZE) {
      throw new TelephoneEventError(`telephone-event payload is ${buf.length} bytes, needs 4`, buf.length);
    }
    return new TelephoneEvent(buf[0]!, (buf[1]! & 0x80) !== 0, buf[1]! & 0x3f, (buf[2]! << 8) | buf[3]!);
  }

  serialize(): Uint8Array {
    return writeTelephoneEvent(new Uint8Array(TELEPHONE_EVENT_SIZE), this.event, this.end, this.volume, this.duration);
  }
}

/** Writes the 4 payload bytes into `out` (no allocation: the sender's hot path). */
export function writeTelephoneEvent(out: Uint8Array, event: number, end: boolean, volume: number, duration: number): Uint8Array {
  out[0] = event & 0xff;
  // §2.3.3: the R bit MUST be zero on send.
  out[1] = (end ? 0x80 : 0) | (volume & 0x3f);
  out[2] = (duration >>> 8) & 0xff;
  out[3] = duration & 0xff;
  return out;
}
