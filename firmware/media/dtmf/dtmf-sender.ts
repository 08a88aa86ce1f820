/**
 * Sends DTMF as RFC 4733 telephone-events, one packet per packetization
 * interval, driven by the stream's media clock: the stream calls `next(ts)`
 * where it would otherwise send an audio frame and sends the returned packet
 * instead (the event replaces the audio it describes: were the tone also sent
 * in-band, a far end that regenerates it from the event would play it twice).
 *
 * Pure: no clock, no sockets; one preallocated 4-byte payload.
 */
import { PTIME_DEFAULT_MS, SAMPLE_RATE } from '../constants.js';
import { DeskphoneError } from '../../errors.js';
import { digitToEvent } from './events.js';
import { MAX_EVENT_DURATION, TELEPHONE_EVENT_SIZE, writeTelephoneEvent } from './telephone-event.js';

export interface DtmfSenderOptions {
  sampleRate?: number;
  /** Interval between event packets: the stream's ptime (RFC 4733 §2.5.1.2 suggests the audio packetization interval). */
  ptimeMs?: number;
  /** §2.3.4: power level, 0 to 63 meaning 0 to −63 dBm0. */
  volume?: number;
  /** Duration of a queued digit (a key click, not held). */
  digitMs?: number;
  /** Silence between queued digits, so the far end sees separate events. */
  gapMs?: number;
  /** Shortest event sent even if the key is released at once (Q.24 receivers need ≥ 40 ms). */
  minDurationMs?: number;
  /** §2.5.1.4: the final packet is sent three times. */
  endPackets?: number;
}

export interface DtmfPacket {
  /** 4 bytes, valid until the next call to next(). */
  readonly payload: Uint8Array;
  readonly marker: boolean;
  readonly timestamp: number;
  readonly end: boolean;
  readonly event: number;
  readonly duration: number;
}

export class DtmfBusyError extends DeskphoneError {
  constructor() {
    super('DTMF_BUSY', 'a held DTMF key is already being sent');
  }
}

interface QueuedDigit {
  event: number;
  /** Samples; undefined while a key is held. */
  durationSamples: number | undefined;
}

type State = 'idle' | 'sending' | 'ending' | 'gap';

export class DtmfSender {
  private readonly rate: number;
  private readonly frame: number;
  private readonly volume: number;
  private readonly digitSamples: number;
  private readonly gapSamples: number;
  private readonly minSamples: number;
  private readonly endPackets: number;
  private readonly payload = new Uint8Array(TELEPHONE_EVENT_SIZE);
  private readonly packet: {
    payload: Uint8Array;
    marker: boolean;
    timestamp: number;
    end: boolean;
    event: number;
    duration: number;
  };
  private readonly queue: QueuedDigit[] = [];
  private state: State = 'idle';
  private current: QueuedDigit | undefined;
  /** The digit whose key is down and not yet released (its duration is open). */
  private held: QueuedDigit | undefined;
  /** RTP timestamp of the current segment (§2.5.1.3: long events restart it every 0xFFFF). */
  private segmentTs = 0;
  /** Samples of the whole event so far, and of the segments before the current one. */
  private elapsed = 0;
  private segmentOffset = 0;
  private endsLeft = 0;
  private gapLeft = 0;
  private firstPacket = true;

  constructor(options: DtmfSenderOptions = {}) {
    this.rate = options.sampleRate ?? SAMPLE_RATE;
    this.frame = this.samples(options.ptimeMs ?? PTIME_DEFAULT_MS);
    this.volume = options.volume ?? 10;
    this.digitSamples = this.samples(options.digitMs ?? 100);
    this.gapSamples = this.samples(options.gapMs ?? 60);
    this.minSamples = this.samples(options.minDurationMs ?? 40);
    this.endPackets = Math.max(1, options.endPackets ?? 3);
    this.packet = { payload: this.payload, marker: false, timestamp: 0, end: false, event: 0, duration: 0 };
  }

  /** True while an event (or its end packets, or the gap after it) is in progress or digits are queued. */
  get busy(): boolean {
    return this.state !== 'idle' || this.queue.length > 0;
  }

  /** Queues digits to be sent one after the other, each `durationMs` long (at least the minimum). */
  enqueue(digits: string, durationMs?: number): void {
    const samples = Math.max(this.minSamples, durationMs === undefined ? this.digitSamples : this.samples(durationMs));
    const events = [...digits].map(digitToEvent);
    for (const event of events) this.queue.push({ event, durationSamples: samples });
  }

  /** A key went down: its event lasts until keyUp() (and at least the minimum duration). */
  keyDown(digit: string): void {
    if (this.held !== undefined) throw new DtmfBusyError();
    this.held = { event: digitToEvent(digit), durationSamples: undefined };
    this.queue.push(this.held);
  }

  keyUp(): void {
    const held = this.held;
    if (held === undefined) return;
    this.held = undefined;
    // Not started yet: it goes out with the minimum duration; on the wire: it ends at the next interval.
    held.durationSamples = held === this.current ? Math.max(this.minSamples, this.elapsed) : this.minSamples;
  }

  /** Drops queued digits and ends the current event properly (its end packets still go out). */
  cancel(): void {
    this.queue.length = 0;
    this.held = undefined;
    if (this.current && this.state === 'sending') {
      this.current.durationSamples = Math.max(this.minSamples, Math.min(this.current.durationSamples ?? this.elapsed, this.elapsed));
    }
  }

  /**
   * Called once per packetization interval with the RTP timestamp this
   * interval's audio frame would carry. Returns the event packet to send in
   * its place (valid until the next call), or null to send audio.
   */
  next(frameTimestamp: number): DtmfPacket | null {
    if (this.state === 'gap') {
      // The pause between digits is audio (silence or speech), whole intervals of it.
      this.gapLeft -= this.frame;
      if (this.gapLeft <= 0) this.state = 'idle';
      return null;
    }
    if (this.state === 'idle') {
      const q = this.queue.shift();
      if (q === undefined) return null;
      this.current = q;
      this.state = 'sending';
      // §2.2.1: the event's RTP timestamp is the instant it began; every update repeats it.
      this.segmentTs = frameTimestamp >>> 0;
      this.segmentOffset = 0;
      this.elapsed = 0;
      this.firstPacket = true;
    }
    const cur = this.current!;
    if (this.state === 'ending') {
      // §2.5.1.4: the final packet is sent a total of three times, at the update interval.
      this.emit(cur.event, true, this.elapsed - this.segmentOffset);
      if (--this.endsLeft === 0) this.finish();
      return this.packet;
    }

    // §2.5.1.2: each update carries the duration from the event's timestamp to the end of this interval.
    this.elapsed += this.frame;
    if (cur.durationSamples !== undefined && this.elapsed >= cur.durationSamples) {
      this.state = 'ending';
      this.endsLeft = this.endPackets - 1;
      this.emit(cur.event, true, Math.min(this.elapsed - this.segmentOffset, MAX_EVENT_DURATION));
      if (this.endsLeft === 0) this.finish();
      return this.packet;
    }
    const duration = this.elapsed - this.segmentOffset;
    if (duration >= MAX_EVENT_DURATION) {
      // §2.5.1.3: an event longer than the 16-bit duration field is sent in
      // segments: this update closes the segment at 0xFFFF, and the next one
      // starts at a timestamp 0xFFFF later, without the marker bit.
      this.emit(cur.event, false, MAX_EVENT_DURATION);
      this.segmentTs = (this.segmentTs + MAX_EVENT_DURATION) >>> 0;
      this.segmentOffset += MAX_EVENT_DURATION;
      return this.packet;
    }
    this.emit(cur.event, false, duration);
    return this.packet;
  }

  private finish(): void {
    this.state = 'gap';
    this.gapLeft = this.gapSamples;
    this.current = undefined;
  }

  private emit(event: number, end: boolean, duration: number): void {
    writeTelephoneEvent(this.payload, event, end, this.volume, duration);
    // §2.2.2: the marker bit is set on the first packet of an event only
    // (not on end retransmissions, not on a long event's later segments).
    this.packet.marker = this.firstPacket;
    this.firstPacket = false;
    this.packet.timestamp = this.segmentTs;
    this.packet.end = end;
    this.packet.event = event;
    this.packet.duration = duration;
  }

  private samples(ms: number): number {
    return Math.round((ms * this.rate) / 1000);
  }
}
