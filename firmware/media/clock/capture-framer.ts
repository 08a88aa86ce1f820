/**
 * The media clock of a real sound card: capture drives the sender. The card
 * delivers periods of whatever size its driver chose (ALSA may round 160 to
 * 128 or 256); the framer cuts them into exact ptime frames, and each frame
 * is one send. RTP timestamps then count the card's samples, so the sender
 * runs at the card's rate with no timer at all, and the card's crystal, not
 * the event loop, decides when a packet goes out.
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
  ) {
    this.frame = new Int16Array(frameSamples);
  }

  /** Samples delivered so far: the device's own clock. */
  get samples(): number {
    return this.total;
  }

  /** Feeds one capture chunk; calls onFrame once per complete frame (the frame is reused). */
  push(chunk: Int16Array): void {
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
