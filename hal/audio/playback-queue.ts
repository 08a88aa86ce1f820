/**
 * The samples waiting to be played, as a sound card's buffer holds them: a ring
 * of bounded size, so latency stays bounded when the writer runs ahead (extra
 * periods are dropped and counted) and a late writer shows up as an underrun
 * (silence is played and counted) instead of the mouth drifting from the ear.
 */
export class PlaybackQueue {
  private readonly ring: Int16Array;
  private head = 0;
  private size = 0;
  private playing = false;
  dropped = 0;
  underruns = 0;

  constructor(capacitySamples: number) {
    this.ring = new Int16Array(capacitySamples);
  }

  get length(): number {
    return this.size;
  }

  /** Queues all of `samples`, or none of them when they do not fit (returns false, counts a drop). */
  push(samples: Int16Array): boolean {
    if (this.size + samples.length > this.ring.length) {
      this.dropped++;
      return false;
    }
    let tail = (this.head + this.size) % this.ring.length;
    for (let i = 0; i < samples.length; i++) {
      this.ring[tail] = samples[i]!;
      if (++tail === this.ring.length) tail = 0;
    }
    this.size += samples.length;
    this.playing = true;
    return true;
  }

  /**
   * Fills `out` with the next samples, silence where the queue runs dry, scaled by `gain`.
   * Returns true when this pull underran (the queue had been playing and ran out).
   */
  pull(out: Int16Array, gain = 1): boolean {
    const n = Math.min(out.length, this.size);
    for (let i = 0; i < n; i++) {
      const v = Math.round(this.ring[this.head]! * gain);
      out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
      if (++this.head === this.ring.length) this.head = 0;
    }
    out.fill(0, n);
    this.size -= n;
    if (n < out.length && this.playing) {
      // Only a stream that was playing can underrun; an idle speaker is not an xrun.
      this.playing = false;
      this.underruns++;
      return true;
    }
    return false;
  }

  clear(): void {
    this.head = 0;
    this.size = 0;
    this.playing = false;
  }
}
