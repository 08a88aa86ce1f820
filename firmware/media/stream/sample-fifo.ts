/**
 * A fixed-capacity FIFO of 16-bit samples (a ring), for the places where frame
 * sizes differ on the two sides: device periods vs ptime frames, a far end
 * sending 30 ms packets into our 20 ms playout. Preallocated; push and pull
 * copy and never allocate.
 */
export class SampleFifo {
  private readonly buf: Int16Array;
  private head = 0;
  private count = 0;
  /** Samples dropped because the FIFO was full (the oldest go first). */
  overflowed = 0;

  constructor(readonly capacity: number) {
    this.buf = new Int16Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }

  /** Appends samples; when full, the oldest samples make room (bounded latency beats unbounded delay). */
  push(samples: Int16Array): void {
    const cap = this.capacity;
    let src = samples;
    if (src.length > cap) {
      this.overflowed += src.length - cap;
      src = src.subarray(src.length - cap);
    }
    const excess = this.count + src.length - cap;
    if (excess > 0) {
      this.head = (this.head + excess) % cap;
      this.count -= excess;
      this.overflowed += excess;
    }
    let tail = (this.head + this.count) % cap;
    const first = Math.min(src.length, cap - tail);
    this.buf.set(src.subarray(0, first), tail);
    if (first < src.length) this.buf.set(src.subarray(first), 0);
    tail = (tail + src.length) % cap;
    this.count += src.length;
  }

  /** Moves out.length samples into `out`; returns false (and leaves the FIFO alone) if there are fewer. */
  pull(out: Int16Array): boolean {
    const n = out.length;
    if (n > this.count) return false;
    const cap = this.capacity;
    const first = Math.min(n, cap - this.head);
    out.set(this.buf.subarray(this.head, this.head + first));
    if (first < n) out.set(this.buf.subarray(0, n - first), first);
    this.head = (this.head + n) % cap;
    this.count -= n;
    return true;
  }
}
