import type { Clock, TimerHandle, WallClock } from '../../firmware/clock/index.js';

interface PendingTimer {
  id: number;
  due: number;
  callback: () => void;
}

/**
 * A simulated clock (after xstate's SimulatedClock): time moves only when a
 * test calls advance(). Timers due at the same instant fire in the order they
 * were set, and a timer set by a firing callback runs in the same advance()
 * if it falls inside the window, as it would in real time.
 */
export class FakeClock implements Clock, WallClock {
  private current: number;
  private nextId = 1;
  private timers: PendingTimer[] = [];
  private epochMs: number;

  constructor(startMs = 0, epochMs = Date.UTC(2026, 0, 1, 9, 0, 0)) {
    this.current = startMs;
    this.epochMs = epochMs - startMs;
  }

  now(): number {
    return this.current;
  }

  nowDate(): Date {
    return new Date(this.epochMs + this.current);
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const timer: PendingTimer = { id: this.nextId++, due: this.current + Math.max(0, delayMs), callback };
    this.timers.push(timer);
    return { id: timer.id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle === undefined) return;
    const id = (handle as { id: number }).id;
    this.timers = this.timers.filter((t) => t.id !== id);
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const next = this.nextDue();
      if (next === undefined || next.due > target) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.current = next.due;
      next.callback();
    }
    this.current = target;
  }

  /** Runs timers until none is left (bounded, so a timer loop fails the test instead of hanging it). */
  runAll(maxTimers = 10_000): void {
    for (let i = 0; i < maxTimers; i++) {
      const next = this.nextDue();
      if (next === undefined) return;
      this.advance(next.due - this.current);
    }
    throw new Error(`FakeClock.runAll: more than ${maxTimers} timers fired; a timer keeps rescheduling itself`);
  }

  /** Milliseconds until the next timer, or undefined when none is pending. */
  nextTimerIn(): number | undefined {
    const next = this.nextDue();
    return next === undefined ? undefined : next.due - this.current;
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  private nextDue(): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.timers) if (best === undefined || t.due < best.due || (t.due === best.due && t.id < best.id)) best = t;
    return best;
  }
}
