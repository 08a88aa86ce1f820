/**
 * Turns received RFC 4733 telephone-event packets into digits, each reported
 * once: the begin of an event when its first packet (of any kind) arrives,
 * and its end once, however many redundant end packets follow (§2.5.1.4 has
 * the sender repeat it three times) and also when all of them are lost.
 *
 * Pure: packets and the current time go in, reports go to a listener.
 */
import { SAMPLE_RATE } from '../constants.js';
import { eventToDigit } from './events.js';
import type { DtmfDigit } from './events.js';
import { MAX_EVENT_DURATION, TELEPHONE_EVENT_SIZE } from './telephone-event.js';

export type DtmfReceiverReport =
  | { type: 'begin'; digit: DtmfDigit | undefined; event: number; timestamp: number }
  | { type: 'end'; digit: DtmfDigit | undefined; event: number; timestamp: number; durationMs: number; endSeen: boolean };

export type DtmfReceiverListener = (report: DtmfReceiverReport) => void;

export interface DtmfReceiverOptions {
  sampleRate?: number;
  /**
   * RFC 4733 §2.5.2 (receiving): with no update for this long the event is taken as
   * ended — its end packets were lost.
   */
  endTimeoutMs?: number;
}

export interface DtmfReceiverCounters {
  packets: number;
  malformed: number;
  duplicates: number;
  late: number;
}

interface Active {
  event: number;
  /** Timestamp of the event's first segment (reported) and of the current segment. */
  startTs: number;
  segmentTs: number;
  /** Duration of the finished segments plus the latest duration of the current one. */
  doneSegments: number;
  duration: number;
  lastSeenMs: number;
}

/** Signed difference a − b of two 32-bit RTP timestamps (RFC 3550 §5.1 arithmetic). */
function tsDiff(a: number, b: number): number {
  return ((a - b) << 0) | 0;
}

export class DtmfReceiver {
  readonly counters: DtmfReceiverCounters = { packets: 0, malformed: 0, duplicates: 0, late: 0 };
  private readonly rate: number;
  private readonly endTimeoutMs: number;
  private active: Active | undefined;
  /** Timestamp of the last finished event: its late and redundant packets are not a new digit. */
  private lastEndedTs: number | undefined;

  constructor(
    private readonly listener: DtmfReceiverListener,
    options: DtmfReceiverOptions = {},
  ) {
    this.rate = options.sampleRate ?? SAMPLE_RATE;
    this.endTimeoutMs = options.endTimeoutMs ?? 250;
  }

  /** One telephone-event RTP payload with its packet's RTP timestamp and marker bit. */
  push(payload: Uint8Array, timestamp: number, marker: boolean, nowMs: number): void {
    this.counters.packets++;
    if (payload.length < TELEPHONE_EVENT_SIZE) {
      this.counters.malformed++;
      return;
    }
    const event = payload[0]!;
    const end = (payload[1]! & 0x80) !== 0;
    const duration = (payload[2]! << 8) | payload[3]!;
    const ts = timestamp >>> 0;

    const a = this.active;
    if (a !== undefined) {
      if (ts === a.segmentTs && event === a.event) {
        a.duration = Math.max(a.duration, duration);
        a.lastSeenMs = nowMs;
        if (end) this.finish(true);
        return;
      }
      // §2.5.2.3: a long event continues in a new segment whose timestamp is
      // the previous segment's plus its duration (0xFFFF), without the marker.
      if (event === a.event && !marker && tsDiff(ts, a.segmentTs) > 0 && tsDiff(ts, a.segmentTs) <= MAX_EVENT_DURATION) {
        a.doneSegments += tsDiff(ts, a.segmentTs);
        a.segmentTs = ts;
        a.duration = duration;
        a.lastSeenMs = nowMs;
        if (end) this.finish(true);
        return;
      }
      if (tsDiff(ts, a.segmentTs) < 0) {
        // A straggler from before the current event.
        this.counters.late++;
        return;
      }
      // A new event while the old one never ended: its end packets were lost.
      this.finish(false);
    }

    if (this.lastEndedTs !== undefined && tsDiff(ts, this.lastEndedTs) <= 0) {
      // §2.5.1.4: the redundant copies of an end packet, or reordered updates of a finished event.
      if (ts === this.lastEndedTs) this.counters.duplicates++;
      else this.counters.late++;
      return;
    }
    // A new event. Its first packet (the one with the marker) may have been
    // lost: any packet with a new timestamp starts it (§2.5.2).
    this.active = { event, startTs: ts, segmentTs: ts, doneSegments: 0, duration, lastSeenMs: nowMs };
    this.listener({ type: 'begin', digit: eventToDigit(event), event, timestamp: ts });
    if (end) this.finish(true);
  }

  /** Call now and then (each frame): ends an event whose updates stopped. */
  poll(nowMs: number): void {
    if (this.active !== undefined && nowMs - this.active.lastSeenMs >= this.endTimeoutMs) this.finish(false);
  }

  /** The event being received now, if any (the phone may play it locally while it lasts). */
  get current(): { event: number; digit: DtmfDigit | undefined } | undefined {
    return this.active && { event: this.active.event, digit: eventToDigit(this.active.event) };
  }

  private finish(endSeen: boolean): void {
    const a = this.active!;
    this.active = undefined;
    this.lastEndedTs = a.segmentTs;
    const samples = a.doneSegments + a.duration;
    this.listener({
      type: 'end',
      digit: eventToDigit(a.event),
      event: a.event,
      timestamp: a.startTs,
      durationMs: (samples * 1000) / this.rate,
      endSeen,
    });
  }
}
