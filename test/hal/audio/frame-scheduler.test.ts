import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../support/fake-clock.js';
import { FrameScheduler } from '../../../hal/audio/index.js';
import type { HalClock, HalTimerHandle } from '../../../hal/clock.js';

/** A clock whose timers fire `lateMs` after they were due, like a busy event loop; `stallNext` blocks once. */
class LateClock implements HalClock {
  private stall = 0;
  constructor(private readonly inner: FakeClock, private readonly lateMs: number) {}
  stallNext(ms: number): void {
    this.stall = ms;
  }
  now(): number {
    return this.inner.now();
  }
  setTimeout(cb: () => void, ms: number): HalTimerHandle {
    const extra = this.stall;
    this.stall = 0;
    return this.inner.setTimeout(cb, ms + this.lateMs + extra);
  }
  clearTimeout(h: HalTimerHandle | undefined): void {
    this.inner.clearTimeout(h);
  }
}

describe('FrameScheduler (absolute deadlines)', () => {
  it('delivers period n at start + (n+1)·period', () => {
    const clock = new FakeClock(1000);
    const times: number[] = [];
    const s = new FrameScheduler({ clock, periodMs: 20, tick: () => times.push(clock.now()) });
    s.start();
    clock.advance(100);
    expect(times).toEqual([1020, 1040, 1060, 1080, 1100]);
  });

  it('does not drift when every timer fires late: 1500 periods in 30 s, none lost or added', () => {
    const fake = new FakeClock();
    let n = 0;
    const s = new FrameScheduler({ clock: new LateClock(fake, 3), periodMs: 20, tick: () => n++ });
    s.start();
    fake.advance(30_000);
    // The last period is delivered 3 ms after its deadline, so 1499 have been delivered at 30 000 ms.
    expect(n).toBe(1499);
    fake.advance(3);
    expect(n).toBe(1500);
  });

  it('after a stall delivers the periods that fell due back to back, then skips beyond maxCatchUp', () => {
    const fake = new FakeClock();
    const clock = new LateClock(fake, 0);
    const ticks: number[] = [];
    const skips: number[] = [];
    const s = new FrameScheduler({ clock, periodMs: 10, maxCatchUp: 5, tick: (i) => ticks.push(i), onSkip: (k) => skips.push(k) });
    s.start();
    // The loop will be blocked: the timer for period 1 (due at 20 ms) runs only at 120 ms.
    clock.stallNext(100);
    fake.advance(10);
    expect(ticks).toEqual([0]);
    fake.advance(110);
    // Periods 1–11 fell due; 5 are delivered at once, the 6 before them are skipped.
    expect(skips).toEqual([6]);
    expect(ticks).toEqual([0, 7, 8, 9, 10, 11]);
    fake.advance(10);
    expect(ticks.at(-1)).toBe(12);
  });

  it('stops delivering at once when stopped from inside a tick', () => {
    const clock = new FakeClock();
    let n = 0;
    const s = new FrameScheduler({ clock, periodMs: 20, tick: () => { if (++n === 3) s.stop(); } });
    s.start();
    clock.advance(1000);
    expect(n).toBe(3);
    expect(clock.pendingTimers).toBe(0);
  });
});
