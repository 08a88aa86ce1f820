/**
 * Burst ratio of a loss sequence (ITU-T G.107's BurstR, as G.113 Appendix I uses it):
 * with p = P(loss | previous packet received) and q = P(received | previous
 * lost), BurstR = 1 / (p + q); 1 means losses are independent. Fed one packet
 * outcome at a time, in sequence order.
 */
export class LossPattern {
  private prevLost: boolean | undefined;
  private receivedThenLost = 0;
  private receivedThenAny = 0;
  private lostThenReceived = 0;
  private lostThenAny = 0;

  record(lost: boolean): void {
    if (this.prevLost === false) {
      this.receivedThenAny++;
      if (lost) this.receivedThenLost++;
    } else if (this.prevLost === true) {
      this.lostThenAny++;
      if (!lost) this.lostThenReceived++;
    }
    this.prevLost = lost;
  }

  get burstRatio(): number {
    if (this.receivedThenAny === 0 || this.lostThenAny === 0 || this.receivedThenLost === 0) return 1;
    const p = this.receivedThenLost / this.receivedThenAny;
    const q = this.lostThenReceived / this.lostThenAny;
    return p + q > 0 ? Math.max(1, 1 / (p + q)) : 1;
  }
}
