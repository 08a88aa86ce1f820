import { DelayHistogram } from './delay-histogram.js';
import { JITTER_DEFAULTS, type JitterBufferOptions } from './jitter-config.js';
import { SlidingMinimum } from './sliding-minimum.js';

/** What the jitter buffer needs of a packet; RtpPacket satisfies it. */
export interface JitterPacket {
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly marker: boolean;
  readonly payloadType: number;
  readonly ssrc: number;
  readonly payload: Uint8Array;
}

/**
 * - frame: play `payload` (decode it).
 * - conceal: no frame to play; synthesize from the past (PLC for speech, more
 *   noise while in comfort noise). `stretched` says no packet was lost: time was
 *   stretched to grow the delay.
 * - silence: nothing is playing (before the first packet, between talk spurts).
 */
export type PlayoutKind = 'frame' | 'conceal' | 'silence';

/** The result of pop(); one object reused by every call (no allocation per frame). */
export interface PlayoutFrame {
  kind: PlayoutKind;
  /** The slot's storage; only the first payloadLength bytes belong to this frame. */
  payload: Uint8Array;
  payloadLength: number;
  payloadType: number;
  /** RTP timestamp (32-bit) of the frame's first sample. */
  timestamp: number;
  /** Samples this output lasts. */
  samples: number;
  marker: boolean;
  /** ms from the packet's arrival to this playout (frames only). */
  playoutDelayMs: number;
  /** Frames discarded right before this one to shorten the delay: the consumer should smooth the splice. */
  skipped: number;
  stretched: boolean;
}

export type PushVerdict = 'queued' | 'late' | 'duplicate' | 'overflow';

export interface JitterBufferStats {
  packets: number;
  lateDropped: number;
  duplicates: number;
  overflowDropped: number;
  /** Frames played from packets. */
  played: number;
  /** Frames concealed for a missing packet. */
  concealed: number;
  /** Frames synthesized to grow the delay. */
  stretched: number;
  /** Frame slots discarded to shrink the delay (with their packet, or a missing one never concealed). */
  skipped: number;
  resyncs: number;
  timestampJumps: number;
}

const EMPTY = 0;
const QUEUED = 1;
const PLAYED = 2;

/** A timestamp that moves the transit time by more than this beyond maxDelay is a sender jump, not jitter. */
const TIMESTAMP_JUMP_MARGIN_MS = 1000;
const HISTOGRAM_BIN_MS = 1;
/** Two packets above the target this close together are a delay spike, not a straggler. */
const PEAK_PAIR_WINDOW_MS = 2000;

/**
 * Adaptive jitter buffer (after baresip's jbuf and WebRTC NetEq's delay
 * manager, written from their descriptions):
 *
 * - Delay is measured per packet as its transit time (arrival − timestamp)
 *   minus that of the fastest packet in the last baselineWindowMs; that window
 *   follows a sender whose clock runs fast or slow, so skew cannot grow the
 *   delay without bound.
 * - The target delay is the inTimeQuantile of a forgetting histogram of those
 *   delays (slow decay), raised at once when packets start arriving later than
 *   it (fast attack) and relaxed back with time constant peakDecayMs; clamped
 *   to [min, max].
 * - pop() is called once per frame by the playout clock. The current delay is
 *   how late the next frame is played relative to the fastest-path arrival;
 *   it is kept in [target, target + one frame): above, a frame is discarded
 *   (freely in comfort noise or at a talk-spurt start, at most once per
 *   speechCompressIntervalMs in speech); below, a concealment frame stretches time.
 * - A new SSRC, a timestamp jump or a talk spurt after silence re-anchors
 *   playout to the target delay.
 */
export class JitterBuffer {
  private readonly o: Required<JitterBufferOptions>;
  private readonly msPerTs: number;
  private readonly capacity: number;
  private readonly mask: number;
  private readonly slotState: Uint8Array;
  private readonly slotSeq: Float64Array;
  private readonly slotTs: Float64Array;
  private readonly slotArrival: Float64Array;
  private readonly slotPt: Uint8Array;
  private readonly slotMarker: Uint8Array;
  private readonly slotLength: Uint16Array;
  private readonly slotViews: Uint8Array[];
  private queued = 0;

  private readonly baseline: SlidingMinimum;
  private readonly histogram: DelayHistogram;
  private peakMs: number;
  private peakAtMs = 0;
  private lastExceedMs = -Infinity;
  private lastLateArrivalMs = -Infinity;
  private lastExceedDelayMs = 0;
  private targetMs: number;

  private ssrc: number | undefined;
  private highestSeq = 0;
  private lastTsExt = 0;
  private lastPushedSeq = NaN;
  private frameSamples: number;
  /** Extended timestamp of the next frame to play; NaN while waiting to (re)start. */
  private playTs = NaN;
  /** While waiting to re-anchor, frames older than this are late (the end of the last frame played). */
  private horizonTs = -Infinity;
  private playedEndTs = -Infinity;
  private concealedRunMs = 0;
  private lastCompressMs = -Infinity;
  private lastPlayedPt = -1;
  private lastDelayMs = NaN;
  /** Largest `aheadMs` a pop has asked with since the last resync. */
  private leadMs = 0;

  readonly stats: JitterBufferStats = {
    packets: 0,
    lateDropped: 0,
    duplicates: 0,
    overflowDropped: 0,
    played: 0,
    concealed: 0,
    stretched: 0,
    skipped: 0,
    resyncs: 0,
    timestampJumps: 0,
  };
  private readonly out: PlayoutFrame;

  constructor(options: JitterBufferOptions = {}) {
    this.o = { ...JITTER_DEFAULTS, ...options };
    const o = this.o;
    if (!(o.minDelayMs >= 0 && o.minDelayMs <= o.maxDelayMs)) throw new RangeError('jitter buffer: need 0 <= minDelayMs <= maxDelayMs');
    this.msPerTs = 1000 / o.clockRate;
    this.frameSamples = Math.round((o.frameMs * o.clockRate) / 1000);
    // Room for maxDelay of 10 ms packets plus the same again of reordering headroom.
    let cap = 16;
    while (cap < (2 * o.maxDelayMs) / 10 + 16) cap <<= 1;
    this.capacity = cap;
    this.mask = cap - 1;
    this.slotState = new Uint8Array(cap);
    this.slotSeq = new Float64Array(cap);
    this.slotTs = new Float64Array(cap);
    this.slotArrival = new Float64Array(cap);
    this.slotPt = new Uint8Array(cap);
    this.slotMarker = new Uint8Array(cap);
    this.slotLength = new Uint16Array(cap);
    const storage = new Uint8Array(cap * o.maxPayloadBytes);
    this.slotViews = Array.from({ length: cap }, (_, i) => storage.subarray(i * o.maxPayloadBytes, (i + 1) * o.maxPayloadBytes));
    this.baseline = new SlidingMinimum(o.baselineWindowMs, 1024);
    this.histogram = new DelayHistogram(2 * o.maxDelayMs, HISTOGRAM_BIN_MS, o.histogramForgetting);
    this.targetMs = clamp(o.initialDelayMs, o.minDelayMs, o.maxDelayMs);
    this.peakMs = this.targetMs;
    this.out = {
      kind: 'silence',
      payload: this.slotViews[0]!,
      payloadLength: 0,
      payloadType: 0,
      timestamp: 0,
      samples: this.frameSamples,
      marker: false,
      playoutDelayMs: 0,
      skipped: 0,
      stretched: false,
    };
  }

  /** The delay the buffer is steering towards (ms above the fastest packet's path). */
  get targetDelayMs(): number {
    return this.targetMs;
  }

  /** The delay of the last pop (ms above the fastest packet's path), NaN before playout starts. */
  get currentDelayMs(): number {
    return this.lastDelayMs;
  }

  /** Packets waiting to be played. */
  get size(): number {
    return this.queued;
  }

  /** Samples per packet, as learned from consecutive packets. */
  get packetSamples(): number {
    return this.frameSamples;
  }

  /**
   * Offers a packet that arrived at `arrivalMs` (the Clock's time).
   * `newSource` (from RtpReceiver) forces a resync, e.g. after a sequence restart.
   */
  push(packet: JitterPacket, arrivalMs: number, newSource = false): PushVerdict {
    this.stats.packets++;
    if (newSource || packet.ssrc !== this.ssrc) {
      this.resync();
      this.ssrc = packet.ssrc;
      this.highestSeq = packet.sequenceNumber;
      this.lastTsExt = packet.timestamp;
      this.lastPushedSeq = NaN;
    }
    const seq = this.highestSeq + (((packet.sequenceNumber - this.highestSeq) << 16) >> 16);
    // 32-bit timestamp difference taken as signed, so wraps extend the timeline.
    const tsExt = this.lastTsExt + ((packet.timestamp - this.lastTsExt) | 0);
    let transit = arrivalMs - tsExt * this.msPerTs;

    if (!this.baseline.empty) {
      const rel = transit - this.baseline.min;
      if (rel > this.o.maxDelayMs + TIMESTAMP_JUMP_MARGIN_MS || rel < -TIMESTAMP_JUMP_MARGIN_MS) {
        // The sender's timestamps jumped (RFC 3550 §5.1 allows a new random base after a restart).
        this.stats.timestampJumps++;
        this.resync();
        transit = arrivalMs - tsExt * this.msPerTs;
      }
    }
    if (seq > this.highestSeq) this.highestSeq = seq;
    this.lastTsExt = tsExt;
    if (seq === this.lastPushedSeq + 1) {
      const d = tsExt - this.slotTsOf(this.lastPushedSeq);
      if (d > 0 && d * this.msPerTs <= 120) this.frameSamples = d;
    }

    // Measure delay before judging lateness: late packets are the evidence the target is too low.
    const before = this.baseline.min;
    this.baseline.push(arrivalMs, transit);
    const step = this.baseline.min - before;
    if (Math.abs(step) > this.frameSamples * this.msPerTs) {
      // The reference moved by more than a frame at once (the fastest packet of the window
      // expired after a route change, or a new fastest one arrived): re-express past delays
      // against it. Small steady steps (clock skew, 0.4 ms per packet at 2 %) are left alone:
      // then every delay carries the same reference lag, and the lag cancels in the target.
      this.histogram.shift(-step);
      this.peakMs -= step;
    }
    const delay = transit - this.baseline.min;
    this.histogram.add(delay);
    if (delay > this.targetMs) this.lastLateArrivalMs = arrivalMs;
    this.updateTarget(delay, arrivalMs);

    const slot = seq & this.mask;
    if (this.slotSeq[slot] === seq && this.slotState[slot] !== EMPTY) {
      this.stats.duplicates++;
      return 'duplicate';
    }
    // A frame behind the playout point is late; so, while waiting to re-anchor, is one
    // older than the last frame played (playing it now would run time backwards).
    if (tsExt < (Number.isNaN(this.playTs) ? this.horizonTs : this.playTs)) {
      this.stats.lateDropped++;
      return 'late';
    }
    if (this.slotState[slot] === QUEUED && this.slotSeq[slot]! > seq) {
      this.stats.overflowDropped++;
      return 'overflow';
    }
    if (this.slotState[slot] === QUEUED) {
      // An old packet still queued a whole ring behind: the ring overflowed.
      this.stats.overflowDropped++;
      this.queued--;
    }

    // RFC 3551 §4.1: a marker starts a talk spurt; with nothing queued we are in a
    // pause, where the delay can be re-anchored to the target without cutting speech.
    if (packet.marker && this.queued === 0 && !Number.isNaN(this.playTs) && this.concealedRunMs > 0) this.stopPlayout();

    const len = Math.min(packet.payload.length, this.o.maxPayloadBytes);
    const view = this.slotViews[slot]!;
    for (let i = 0; i < len; i++) view[i] = packet.payload[i]!;
    this.slotLength[slot] = len;
    this.slotState[slot] = QUEUED;
    this.slotSeq[slot] = seq;
    this.slotTs[slot] = tsExt;
    this.slotArrival[slot] = arrivalMs;
    this.slotPt[slot] = packet.payloadType;
    this.slotMarker[slot] = packet.marker ? 1 : 0;
    this.queued++;
    this.lastPushedSeq = seq;
    return 'queued';
  }

  /**
   * Called once per output frame by the playout clock; returns what to play at
   * `nowMs`. `aheadMs`: how long before its play time the frame is taken (a
   * consumer whose frames are shorter than the packets takes a packet while
   * it still plays the last one: 10 ms early with 30 ms packets against 20 ms
   * frames). A packet must have arrived by then, so the delay kept is the
   * target plus the largest lead seen since the last resync.
   */
  pop(nowMs: number, aheadMs = 0): PlayoutFrame {
    if (aheadMs > this.leadMs) this.leadMs = aheadMs;
    const target = this.targetMs + this.leadMs;
    const out = this.out;
    out.skipped = 0;
    out.stretched = false;
    out.marker = false;
    out.playoutDelayMs = 0;
    out.payloadLength = 0;
    out.samples = this.frameSamples;
    const frameMs = this.frameSamples * this.msPerTs;

    if (Number.isNaN(this.playTs)) {
      // Waiting to start (or restart): play silence until the earliest packet has waited `target`.
      const first = this.earliestQueued();
      if (first < 0) return this.silence();
      const delay = nowMs - this.baseline.min - this.slotTs[first]! * this.msPerTs;
      this.lastDelayMs = delay;
      if (delay < target) return this.silence();
      this.playTs = this.slotTs[first]!;
      this.concealedRunMs = 0;
    }

    let delay = nowMs - this.baseline.min - this.playTs * this.msPerTs;
    // Too much delay: discard frames. In silence (comfort noise) or past maxDelay at
    // once; in speech one frame per speechCompressIntervalMs so the cuts stay rare.
    while (delay >= target + frameMs && this.queued > 0) {
      delay -= this.alignPlayout();
      const slot = this.slotAt(this.playTs);
      const inSilence = slot >= 0 && this.slotPt[slot] === this.o.comfortNoisePayloadType;
      const overMax = delay > this.o.maxDelayMs + frameMs;
      if (!inSilence && !overMax && (out.skipped > 0 || nowMs - this.lastCompressMs < this.o.speechCompressIntervalMs)) break;
      const skippedSamples = slot >= 0 ? this.consume(slot) : this.frameSamples;
      this.playTs += skippedSamples;
      if (slot >= 0) this.playedEndTs = this.playTs;
      delay -= skippedSamples * this.msPerTs;
      out.skipped++;
      this.stats.skipped++;
      this.lastCompressMs = nowMs;
    }
    delay -= this.alignPlayout();
    this.lastDelayMs = delay;

    const slot = this.slotAt(this.playTs);
    if (delay < target && this.lastPlayedPt >= 0) {
      // Too little delay (the target rose): stretch by one synthesized frame, keep the next frame for later.
      this.stats.stretched++;
      out.kind = 'conceal';
      out.stretched = true;
      out.timestamp = (this.playTs - this.frameSamples) >>> 0;
      out.payloadType = this.lastPlayedPt;
      return out;
    }
    if (slot >= 0) {
      out.kind = 'frame';
      out.payload = this.slotViews[slot]!;
      out.payloadLength = this.slotLength[slot]!;
      out.payloadType = this.slotPt[slot]!;
      out.timestamp = this.slotTs[slot]! >>> 0;
      out.marker = this.slotMarker[slot] === 1;
      out.playoutDelayMs = nowMs - this.slotArrival[slot]!;
      out.samples = this.consume(slot);
      this.playTs += out.samples;
      this.playedEndTs = this.playTs;
      this.lastPlayedPt = out.payloadType;
      this.concealedRunMs = 0;
      this.stats.played++;
      return out;
    }
    // The frame is missing. With later packets queued it is lost (or reordered beyond
    // help): conceal it and move on. With nothing queued and the last packets arriving
    // later than the target (a delay spike building), it is more likely late than lost:
    // conceal but keep its place, growing the delay by a frame (NetEq's "expand"), so it
    // still plays when it comes. Otherwise the target says it should have been here: lost.
    out.kind = 'conceal';
    out.timestamp = this.playTs >>> 0;
    out.payloadType = this.lastPlayedPt;
    this.concealedRunMs += frameMs;
    if (this.queued > 0 || nowMs - this.lastLateArrivalMs > 3 * frameMs) {
      this.playTs += this.frameSamples;
      this.stats.concealed++;
    } else {
      out.stretched = true;
      this.stats.stretched++;
    }
    if (this.queued === 0 && this.concealedRunMs >= this.o.maxConcealMs) {
      // Nothing is coming: the talker paused (DTX without CN) or the stream stopped.
      // Re-anchor on whatever arrives next instead of concealing forever.
      this.stopPlayout();
    }
    return out;
  }

  /** Drops everything queued and restarts playout at the next packet (keeps the learned delay statistics). */
  resync(): void {
    this.slotState.fill(EMPTY);
    this.queued = 0;
    this.baseline.clear();
    this.playTs = NaN;
    this.horizonTs = -Infinity;
    this.playedEndTs = -Infinity;
    this.lastPlayedPt = -1;
    this.lastPushedSeq = NaN;
    this.leadMs = 0;
    this.stats.resyncs++;
  }

  /** Pauses playout until the next packet re-anchors it, remembering where it stopped. */
  private stopPlayout(): void {
    // Only frames really played (or discarded) are behind us: concealed slots may still be
    // filled by the talk spurt that re-anchors playout.
    this.horizonTs = this.playedEndTs;
    this.playTs = NaN;
  }

  private silence(): PlayoutFrame {
    this.out.kind = 'silence';
    this.lastPlayedPt = -1;
    return this.out;
  }

  private updateTarget(delayMs: number, nowMs: number): void {
    const o = this.o;
    // Never let the top two packets alone set the target: early in a call (few samples) a single
    // straggler would otherwise be the 99.5th percentile. Pairs are the fast-attack rule's business.
    const q = Math.min(o.inTimeQuantile, 1 - 2 / Math.max(1, this.histogram.effectiveCount));
    const quantile = q > 0 ? this.histogram.quantile(q) : 0;
    // Slow decay of the last spike back towards the histogram's view.
    let decayed = quantile + (this.peakMs - quantile) * Math.exp(-(nowMs - this.peakAtMs) / o.peakDecayMs);
    if (decayed - quantile < 0.5) decayed = quantile; // an exponential never arrives; half a ms is "there"
    this.peakMs = Math.max(quantile, decayed);
    this.peakAtMs = nowMs;
    // Fast attack: a second packet later than the target within PEAK_PAIR_WINDOW_MS raises it at
    // once, to the smaller of the two delays. Network delay spikes hold up runs of packets; a lone
    // straggler (one packet routed badly) is left to the histogram, or every outlier would add
    // its whole delay to the call for seconds.
    if (delayMs > this.peakMs) {
      if (nowMs - this.lastExceedMs <= PEAK_PAIR_WINDOW_MS) this.peakMs = Math.max(this.peakMs, Math.min(delayMs, this.lastExceedDelayMs));
      this.lastExceedMs = nowMs;
      this.lastExceedDelayMs = delayMs;
    }
    this.targetMs = clamp(Math.max(quantile, this.peakMs), o.minDelayMs, o.maxDelayMs);
  }

  private consume(slot: number): number {
    this.slotState[slot] = PLAYED;
    this.queued--;
    // A packet lasts until the next one in sequence starts, else the learned packet length.
    const next = (this.slotSeq[slot]! + 1) & this.mask;
    if (this.slotState[next] !== EMPTY && this.slotSeq[next] === this.slotSeq[slot]! + 1) {
      const d = this.slotTs[next]! - this.slotTs[slot]!;
      if (d > 0 && d * this.msPerTs <= 120) return d;
    }
    return this.frameSamples;
  }

  private slotTsOf(seq: number): number {
    const slot = seq & this.mask;
    return this.slotSeq[slot] === seq && this.slotState[slot] !== EMPTY ? this.slotTs[slot]! : NaN;
  }

  /**
   * Moves the playout point forward to a queued packet that starts less than
   * one packet after it; returns the ms skipped (0 when none). A packet with
   * nothing queued behind it is assumed to last frameMs (or the length learned
   * so far), which is wrong for the first packet of a far end that sends a
   * longer ptime than ours (RFC 3264 §6.1: ptime is only a wish; a 30 ms
   * packet against our 20 ms frame). Without this, playout would then look
   * for timestamps that never come (160, 400, 640… against 240, 480…) and
   * conceal every packet of the call, each of them discarded as superseded
   * (at a 10 ms target, 20 of the 30 phases of the two clocks).
   */
  private alignPlayout(): number {
    if (this.queued === 0) return 0;
    let next = Infinity;
    for (let i = 0; i < this.capacity; i++) {
      if (this.slotState[i] !== QUEUED) continue;
      const t = this.slotTs[i]!;
      if (t === this.playTs) return 0;
      if (t > this.playTs && t < next) next = t;
    }
    if (next - this.playTs >= this.frameSamples) return 0; // a real gap: the missing packet is concealed
    const gap = next - this.playTs;
    this.playTs = next;
    return gap * this.msPerTs;
  }

  /** The queued slot holding timestamp `ts`, discarding queued slots older than it; -1 if none. */
  private slotAt(ts: number): number {
    if (this.queued === 0) return -1;
    let found = -1;
    for (let i = 0; i < this.capacity; i++) {
      if (this.slotState[i] !== QUEUED) continue;
      const t = this.slotTs[i]!;
      if (t === ts) found = i;
      else if (t < ts) {
        // Superseded (e.g. a skipped frame's duplicate): it can never play.
        this.slotState[i] = PLAYED;
        this.queued--;
      }
    }
    return found;
  }

  private earliestQueued(): number {
    let best = -1;
    for (let i = 0; i < this.capacity; i++) if (this.slotState[i] === QUEUED && (best < 0 || this.slotTs[i]! < this.slotTs[best]!)) best = i;
    return best;
  }
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
