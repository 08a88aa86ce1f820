/**
 * A histogram of packet delays with exponential forgetting, for the jitter
 * buffer's target: the delay below which a chosen fraction of packets arrive.
 * Forgetting is done by growing the weight of new samples instead of shrinking
 * all bins, so adding is O(1); the bins are rescaled only when the weight grows large.
 */
export class DelayHistogram {
  private readonly bins: Float64Array;
  private readonly binMs: number;
  private readonly growth: number;
  private weight = 1;
  private total = 0;

  constructor(maxMs: number, binMs: number, forgetting: number) {
    this.binMs = binMs;
    this.bins = new Float64Array(Math.ceil(maxMs / binMs) + 1);
    this.growth = 1 / forgetting;
  }

  add(delayMs: number): void {
    const i = Math.min(this.bins.length - 1, Math.max(0, Math.floor(delayMs / this.binMs)));
    this.weight *= this.growth;
    this.bins[i]! += this.weight;
    this.total += this.weight;
    if (this.weight > 1e100) this.rescale();
  }

  /** How many samples the histogram holds, counting forgotten ones by their remaining weight. */
  get effectiveCount(): number {
    return this.total / this.weight;
  }

  get empty(): boolean {
    return this.total === 0;
  }

  /**
   * Lower edge (ms) of the bin where the cumulative weight reaches `q` of the total:
   * delays are recorded to the bin's resolution, so a constant delay reads as exactly
   * itself (a jitter-free path needs no extra buffering).
   */
  quantile(q: number): number {
    const goal = q * this.total;
    let acc = 0;
    for (let i = 0; i < this.bins.length; i++) {
      acc += this.bins[i]!;
      if (acc >= goal) return i * this.binMs;
    }
    return this.bins.length * this.binMs;
  }

  /**
   * Re-expresses every sample relative to a reference that moved by −`ms`: samples
   * move by `ms` (those pushed below zero pile up in the first bin, those above the
   * range in the last).
   */
  shift(ms: number): void {
    const k = Math.round(ms / this.binMs);
    if (k === 0) return;
    const n = this.bins.length;
    const moved = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const j = Math.min(n - 1, Math.max(0, i + k));
      moved[j]! += this.bins[i]!;
    }
    this.bins.set(moved);
  }

  private rescale(): void {
    const s = 1 / this.weight;
    for (let i = 0; i < this.bins.length; i++) this.bins[i]! *= s;
    this.total *= s;
    this.weight = 1;
  }
}
