import type { Clock, TimerHandle } from '../../clock/index.js';

/**
 * Retransmits a response the transaction layer does not retransmit for us:
 * a 2xx to INVITE until its ACK (RFC 3261 §13.3.1.4: "passed to the transport
 * with an interval that starts at T1 seconds and doubles for each
 * retransmission until it reaches T2 seconds ... ceases when an ACK request
 * for the response is received. This is independent of whatever transport
 * protocols are used", with RFC 6026 keeping the transaction to send them),
 * and a reliable provisional response until its PRACK (RFC 3262 §3: "the UAS
 * MUST retransmit ... with an exponential backoff ... starting at T1 ...
 * doubled ... the retransmissions cease when a matching PRACK is received").
 * Both give up after 64*T1 — Timer H's span for 2xx (RFC 6026 §8.3 names the
 * 2xx timers G and H as well).
 */
export class ResponseRetransmitter {
  private interval: number;
  private timerG: TimerHandle | undefined;
  private timerH: TimerHandle | undefined;
  private done = false;

  constructor(
    private readonly clock: Clock,
    private readonly timers: { T1: number; T2: number },
    private readonly resend: () => void,
    private readonly giveUp: () => void,
    /** Reliable provisional responses double without the T2 cap (RFC 3262 §3 says only "doubled"). */
    private readonly capAtT2 = true,
  ) {
    this.interval = timers.T1;
    this.timerG = clock.setTimeout(() => this.fireG(), this.interval);
    this.timerH = clock.setTimeout(() => {
      if (this.done) return;
      this.stop();
      this.giveUp();
    }, 64 * timers.T1);
  }

  get active(): boolean {
    return !this.done;
  }

  /** The ACK (or PRACK) arrived. */
  stop(): void {
    this.done = true;
    this.clock.clearTimeout(this.timerG);
    this.clock.clearTimeout(this.timerH);
    this.timerG = this.timerH = undefined;
  }

  private fireG(): void {
    if (this.done) return;
    this.resend();
    this.interval = this.capAtT2 ? Math.min(2 * this.interval, this.timers.T2) : 2 * this.interval;
    this.timerG = this.clock.setTimeout(() => this.fireG(), this.interval);
  }
}
