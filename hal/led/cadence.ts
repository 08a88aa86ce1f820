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

  private step(): void {
    const ms = this.steps[this.index]!;
    this.set(this.index % 2 === 0);
    this.deadline += ms;
    this.index = (this.index + 1) % this.steps.length;
    // If the loop was stalled past whole steps, skip them rather than flicker through them.
    const now = this.clock.now();
    while (this.deadline <= now - 1 && this.steps.length > 0) {
      this.deadline += this.steps[this.index]!;
      this.index = (this.index + 1) % this.steps.length;
    }
    this.timer = this.clock.setTimeout(() => this.step(), this.deadline - now);
  }

  private set(on: boolean): void {
    if (on === this.on) return;
    this.on = on;
    this.apply(on);
  }
}
