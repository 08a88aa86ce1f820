/**
 * How late each media tick ran, kept as a histogram (0.1 ms bins up to 100 ms,
 * one overflow bin): bounded memory for a call of any length, no allocation
 * per frame, and percentiles for the call's diagnostics and the pacing bench.
 */
const BIN_MS = 0.1;
const BINS = 1000;

export class LatenessHistogram {
  private readonly bins = new Uint32Array(BINS + 1);
  private n = 0;
  private maxMs = 0;

  /** Records one tick's deviation from its deadline (early wake-ups count by their magnitude). */
  record(lateMs: number): void {
    const d = Math.abs(lateMs);
    this.bins[Math.min(BINS, Math.floor(d / BIN_MS))]!++;
    this.n++;
    if (d > this.maxMs) this.maxMs = d;
  }

  get count(): number {
    return this.n;
  }

  get max(): number {
    return this.maxMs;
  }

  /** The p-th percentile in ms (upper edge of its bin, never above the maximum seen). */
  percentile(p: number): number {
    if (this.n === 0) return 0;
    const goal = Math.ceil((p / 100) * this.n);
    let acc = 0;
    for (let i = 0; i <= BINS; i++) {
      acc += this.bins[i]!;
      if (acc >= goal) return Math.min((i + 1) * BIN_MS, this.maxMs);
    }
    return this.maxMs;
  }

  reset(): void {
    this.bins.fill(0);
    this.n = 0;
    this.maxMs = 0;
  }
}
