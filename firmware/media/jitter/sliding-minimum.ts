/**
 * Minimum of (time, value) samples over a sliding time window, O(1) amortized
 * per sample (a monotonic deque in preallocated rings). The jitter buffer uses
 * it for the transit time of the fastest recent packet: the reference its
 * delays are measured from, which follows a drifting sender clock.
 */
export class SlidingMinimum {
  private readonly times: Float64Array;
  private readonly values: Float64Array;
  private readonly mask: number;
  private head = 0;
  private tail = 0;
  private readonly windowMs: number;

  constructor(windowMs: number, capacity = 1024) {
    let cap = 1;
    while (cap < capacity) cap <<= 1;
    this.times = new Float64Array(cap);
    this.values = new Float64Array(cap);
    this.mask = cap - 1;
    this.windowMs = windowMs;
  }

  push(timeMs: number, value: number): void {
    // Values larger than the newcomer can never be the minimum again.
    while (this.tail !== this.head && this.values[(this.tail - 1) & this.mask]! >= value) this.tail = (this.tail - 1) & this.mask;
    this.times[this.tail] = timeMs;
    this.values[this.tail] = value;
    this.tail = (this.tail + 1) & this.mask;
    if (this.tail === this.head) this.head = (this.head + 1) & this.mask; // full: forget the oldest
    while (this.times[this.head]! < timeMs - this.windowMs) this.head = (this.head + 1) & this.mask;
  }

  get empty(): boolean {
    return this.head === this.tail;
  }

  /** Current minimum; NaN when empty. */
  get min(): number {
    return this.head === this.tail ? NaN : this.values[this.head]!;
  }

  clear(): void {
    this.head = this.tail = 0;
  }
}
