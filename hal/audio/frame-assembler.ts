/**
 * Cuts a stream of arbitrarily sized chunks (a resampler's output, a capture
 * that delivered a short read) into whole periods in one preallocated frame,
 * handing each full period to `onPeriod` before the frame is reused.
 */
export class FrameAssembler {
  readonly frame: Int16Array;
  private filled = 0;

  constructor(periodSamples: number, private readonly onPeriod: (frame: Int16Array) => void) {
    this.frame = new Int16Array(periodSamples);
  }

  push(samples: Int16Array): void {
    let offset = 0;
    while (offset < samples.length) {
      const n = Math.min(this.frame.length - this.filled, samples.length - offset);
      this.frame.set(samples.subarray(offset, offset + n), this.filled);
      this.filled += n;
      offset += n;
      if (this.filled === this.frame.length) {
        this.filled = 0;
        this.onPeriod(this.frame);
      }
    }
  }

  /** Drops a partial period (after a gap, so the next period starts clean). */
  reset(): void {
    this.filled = 0;
  }
}
