import { estimateMos, rFactor } from './e-model.js';

/** Per-call quality as the phone shows it (web page, call log) and as the replay tool prints it. */
export interface CallQuality {
  packets: number;
  lost: number;
  lossPercent: number;
  lateDropped: number;
  duplicates: number;
  /** RFC 3550 interarrival jitter, ms. */
  jitterMs: number;
  rttMs: number | undefined;
  /** From each packet's arrival to its playout. */
  playoutDelayMs: { mean: number; p95: number; max: number };
  concealedMs: number;
  rFactor: number;
  mos: number;
}

export interface CallStatisticsOptions {
  /** Packetization time (ms): the sender holds a frame this long before it is sent. */
  ptimeMs?: number;
  /** Audio device buffering on both ends (ms), added to the one-way delay estimate. */
  deviceDelayMs?: number;
}

const DELAY_BIN_LIMIT_MS = 5000;

/**
 * Collects one call's receive statistics: counters come from the RTP receiver
 * and the jitter buffer, playout delays are recorded per played frame in a 1 ms
 * histogram (bounded memory, exact enough for a p95), and MOS follows from the
 * E-model with Ta = RTT/2 (or nothing, when there is no RTCP) + mean playout
 * delay + packetization + device buffering.
 */
export class CallStatistics {
  private readonly delays = new Uint32Array(DELAY_BIN_LIMIT_MS + 1);
  private delayCount = 0;
  private delaySum = 0;
  private delayMax = 0;
  packets = 0;
  lost = 0;
  lateDropped = 0;
  duplicates = 0;
  jitterMs = 0;
  rttMs: number | undefined;
  concealedMs = 0;
  burstRatio = 1;
  private readonly ptimeMs: number;
  private readonly deviceDelayMs: number;

  constructor(options: CallStatisticsOptions = {}) {
    this.ptimeMs = options.ptimeMs ?? 20;
    this.deviceDelayMs = options.deviceDelayMs ?? 0;
  }

  recordPlayoutDelay(ms: number): void {
    const d = Math.max(0, ms);
    this.delays[Math.min(DELAY_BIN_LIMIT_MS, Math.round(d))]!++;
    this.delayCount++;
    this.delaySum += d;
    if (d > this.delayMax) this.delayMax = d;
  }

  snapshot(): CallQuality {
    const expected = this.packets + this.lost;
    // Packets discarded as late are lost to the listener too (G.107's Ppl).
    const lossPercent = expected > 0 ? (100 * this.lost) / expected : 0;
    const effectiveLoss = expected > 0 ? (100 * (this.lost + this.lateDropped)) / expected : 0;
    const mean = this.delayCount > 0 ? this.delaySum / this.delayCount : 0;
    const oneWayDelayMs = (this.rttMs ?? 0) / 2 + mean + this.ptimeMs + this.deviceDelayMs;
    const input = { oneWayDelayMs, packetLossPercent: effectiveLoss, burstRatio: this.burstRatio };
    return {
      packets: this.packets,
      lost: this.lost,
      lossPercent: round(lossPercent, 2),
      lateDropped: this.lateDropped,
      duplicates: this.duplicates,
      jitterMs: round(this.jitterMs, 2),
      rttMs: this.rttMs === undefined ? undefined : round(this.rttMs, 1),
      playoutDelayMs: { mean: round(mean, 1), p95: this.percentile(95), max: round(this.delayMax, 1) },
      concealedMs: round(this.concealedMs, 1),
      rFactor: round(rFactor(input), 1),
      mos: round(estimateMos(input), 2),
    };
  }

  private percentile(p: number): number {
    if (this.delayCount === 0) return 0;
    const goal = Math.ceil((p / 100) * this.delayCount);
    let acc = 0;
    for (let i = 0; i < this.delays.length; i++) {
      acc += this.delays[i]!;
      // Bins are rounded to whole ms: never report a percentile above the true maximum.
      if (acc >= goal) return Math.min(i, round(this.delayMax, 1));
    }
    return DELAY_BIN_LIMIT_MS;
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
