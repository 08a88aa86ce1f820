import type { HalClock, HalTimerHandle } from '../clock.js';

/**
 * Calls `tick(n)` once per period on absolute deadlines: period n is due at
 * start + n · period, computed from the start, never by adding delays. A late
 * timer therefore makes one frame late, not all the ones after it
 * (DESIGN.md: `setInterval(20)` drifts ~250 ms in 30 s; deadlines do not).
 *
 * When the loop was blocked for longer than a period, the periods that fell due
 * meanwhile are delivered at once (a real sound card's buffer does the same
 * after a stall) up to `maxCatchUp`; beyond that the schedule skips forward and
 * reports how many periods were lost, so a suspended laptop does not flood
 * the media engine with minutes of audio.
 */
export interface FrameSchedulerOptions {
  clock: HalClock;
  periodMs: number;
  /** Periods delivered back to back after a stall before the rest are skipped; 5 by default. */
  maxCatchUp?: number;
  tick: (index: number) => void;
  onSkip?: (skipped: number) => void;
}

export class FrameScheduler {
  private readonly clock: HalClock;
  private readonly periodMs: number;
  private readonly maxCatchUp: number;
  private readonly tick: (index: number) => void;
  private readonly onSkip: ((skipped: number) => void) | undefined;
  private startMs = 0;
  private next = 0;
  private timer: HalTimerHandle | undefined;
  private active = false;

  constructor(options: FrameSchedulerOptions) {
    if (!(options.periodMs > 0)) throw new RangeError(`FrameScheduler: periodMs must be positive (got ${options.periodMs})`);
    this.clock = options.clock;
    this.periodMs = options.periodMs;
    this.maxCatchUp = options.maxCatchUp ?? 5;
    this.tick = options.tick;
    this.onSkip = options.onSkip;
  }

  get running(): boolean {
    return this.active;
  }

  /** Index of the next period to be delivered. */
  get nextIndex(): number {
    return this.next;
  }

  /** Starts with period 0 due one period from now (a period is delivered once it has been "recorded"). */
  start(): void {
    if (this.active) return;
    this.active = true;
    this.startMs = this.clock.now();
    this.next = 0;
    this.arm();
  }

  stop(): void {
    this.active = false;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Deadline of period `index`, in clock milliseconds. */
  deadline(index: number): number {
    return this.startMs + (index + 1) * this.periodMs;
  }

  private arm(): void {
    const delay = this.deadline(this.next) - this.clock.now();
    this.timer = this.clock.setTimeout(() => this.fire(), Math.max(0, delay));
  }

  private fire(): void {
    this.timer = undefined;
    if (!this.active) return;
    const now = this.clock.now();
    let due = Math.floor((now - this.startMs) / this.periodMs); // periods whose deadline has passed
    if (due - this.next > this.maxCatchUp) {
      const skipped = due - this.next - this.maxCatchUp;
      this.next += skipped;
      this.onSkip?.(skipped);
    }
    if (due <= this.next) due = this.next + 1; // a timer that fires a hair early still delivers its period
    while (this.active && this.next < due) this.tick(this.next++);
    if (this.active) this.arm();
  }
}
