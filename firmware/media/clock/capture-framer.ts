/**
 * The media clock of a real sound card: capture drives the sender. The card
 * delivers periods of whatever size its driver chose (ALSA may round 160 to
 * 128 or 256); the framer cuts them into exact ptime frames, and each frame
 * is one send. RTP timestamps then count the card's samples, so the sender
 * runs at the card's rate with no timer at all, and the card's crystal, not
 * the event loop, decides when a packet goes out.
 *
 * When the device lost samples (an overrun: its sample index jumps), the
 * partial frame is dropped and the gap is reported, so the stream advances its
 * RTP timestamp over it (RFC 3550 §5.1: timestamps follow the sampling clock;
 * the far end hears a loss, not a time-shifted stream).
 *
 * One preallocated frame; no allocation per chunk.
 */
export class CaptureFramer {
  private readonly frame: Int16Array;
  private fill = 0;
  private total = 0;

  constructor(
    readonly frameSamples: number,
    private readonly onFrame: (frame: Int16Array, firstSample: number) => void,
    private readonly onGap: (lostSamples: number) => void = () => {},
  ) {
    this.frame = new Int16Array(frameSamples);
  }

  /** Samples delivered so far: the device's own clock. */
  get samples(): number {
    return this.total;
  }

  /**
   * Feeds one capture chunk; calls onFrame once per complete frame (the frame
   * is reused). `sampleIndex` is the device's index of the chunk's first sample.
   */
  push(chunk: Int16Array, sampleIndex?: number): void {
    if (sampleIndex !== undefined && sampleIndex !== this.total) {
      if (sampleIndex > this.total) {
        // Samples never delivered, plus the partial frame that can no longer be completed.
        this.onGap(sampleIndex - this.total + this.fill);
        this.fill = 0;
      }
      // A device restart may also count from zero again: follow its numbering.
      this.total = sampleIndex;
    }
    let i = 0;
    while (i < chunk.length) {
      const take = Math.min(this.frameSamples - this.fill, chunk.length - i);
      this.frame.set(chunk.subarray(i, i + take), this.fill);
      this.fill += take;
      i += take;
      if (this.fill === this.frameSamples) {
        this.fill = 0;
        const first = this.total + i - this.frameSamples;
        this.onFrame(this.frame, first);
      }
    }
    this.total += chunk.length;
  }

  reset(): void {
    this.fill = 0;
    this.total = 0;
  }
}
