import type { HalClock, HalTimerHandle } from '../clock.js';

/**
 * Plays a repeating on/off cadence ([on, off, on, off, …] in ms) by calling
 * `apply(on)` at each step. Steps are scheduled against absolute deadlines from
 * the start, so a late timer does not push every later step back (DESIGN.md:
 * absolute deadlines, not setInterval).
 */
export class CadencePlayer {
  private timer: HalTimerHandle | undefined;
  private steps: readonly number[] = [];
  private index = 0;
  private deadline = 0;
  private on = false;

  constructor(
    private readonly clock: HalClock,
    private readonly apply: (on: boolean) => void,
  ) {}

  /** Whether the current step is an "on" step. */
  get active(): boolean {
    return this.on;
  }

  play(steps: readonly number[]): void {
    this.stop(false);
    this.steps = steps;
    this.index = 0;
    this.deadline = this.clock.now();
    this.step();
  }

  /** Holds a constant level (no timer). */
  hold(on: boolean): void {
    this.stop(on);
  }

  stop(on = false): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.steps = [];
    this.set(on);
  }

  /** `deadline` is when the step at `index` starts; the timer fires at that instant (or late). */
  private step(): void {
    const now = this.clock.now();
    const n = this.steps.length;
    // After a stall, skip the steps that have already ended rather than flicker through them.
    while (this.deadline + this.steps[this.index]! <= now) {
      this.deadline += this.steps[this.index]!;
      this.index = (this.index + 1) % n;
    }
    this.set(this.index % 2 === 0);
    this.deadline += this.steps[this.index]!;
    this.index = (this.index + 1) % n;
    this.timer = this.clock.setTimeout(() => this.step(), this.deadline - now);
  }

  private set(on: boolean): void {
    if (on === this.on) return;
    this.on = on;
    this.apply(on);
  }
}
