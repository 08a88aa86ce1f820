import { describe, expect, it } from 'vitest';
import { CaptureFramer, FrameScheduler, LatenessHistogram, SchedulerStateError } from '../../../../firmware/media/clock/index.js';
import type { FrameTick } from '../../../../firmware/media/clock/index.js';
import type { Clock, TimerHandle } from '../../../../firmware/clock/index.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { prng } from '../tones/signal-analysis.js';

/** A clock whose timers fire late by `lag()` ms, as a loaded event loop's do. */
class LateClock implements Clock {
  constructor(
    readonly inner: FakeClock,
    private readonly lag: () => number,
  ) {}
  now(): number {
    return this.inner.now();
  }
  setTimeout(cb: () => void, ms: number): TimerHandle {
    return this.inner.setTimeout(cb, Math.max(0, ms) + this.lag());
  }
  clearTimeout(h: TimerHandle | undefined): void {
    this.inner.clearTimeout(h);
  }
}

function record(clock: Clock, period = 20): { ticks: FrameTick[]; times: number[]; s: FrameScheduler } {
  const ticks: FrameTick[] = [];
  const times: number[] = [];
  const s = new FrameScheduler(clock, period, (t) => {
    ticks.push({ ...t });
    times.push(clock.now());
  });
  return { ticks, times, s };
}

describe('FrameScheduler (drift-free media clock)', () => {
  it('ticks exactly on the absolute 20 ms grid from its start', () => {
    const clock = new FakeClock(1000);
    const { ticks, times, s } = record(clock);
    s.begin();
    clock.advance(1000);
    expect(ticks).toHaveLength(51); // frames 0…50, both ends included
    expect(times).toEqual(ticks.map((_, k) => 1000 + 20 * k));
    expect(ticks.every((t) => t.lateMs === 0 && t.skipped === 0)).toBe(true);
  });

  it('does not drift when every timer fires late: the next deadline stays on the grid', () => {
    const r = prng(9);
    const clock = new FakeClock(0);
    const { ticks, times, s } = record(new LateClock(clock, () => r() * 4)); // 0–4 ms late, every time
    s.begin();
    clock.advance(60_000);
    // A naive "period from now" timer would lose ~2 ms per frame: 6 s over a minute.
    expect(ticks.length).toBeGreaterThanOrEqual(3000);
    const last = ticks[ticks.length - 1]!;
    expect(last.deadline).toBe(20 * last.index);
    expect(times[times.length - 1]! - last.deadline).toBeLessThan(4);
    expect(ticks.every((t, k) => t.index === k)).toBe(true);
    expect(s.stats.skippedFrames).toBe(0);
  });

  it('runs a late tick at once and keeps the following one on the grid', () => {
    let lagNext = 0;
    const clock = new FakeClock(0);
    const { ticks, times, s } = record(new LateClock(clock, () => lagNext));
    s.begin();
    clock.advance(20);
    lagNext = 15; // the timer armed at 40 for frame 3 (due 60) fires at 75
    clock.advance(20);
    lagNext = 0;
    clock.advance(80);
    expect(times).toEqual([0, 20, 40, 75, 80, 100, 120]);
    expect(ticks[3]).toMatchObject({ index: 3, lateMs: 15, skipped: 0 });
    expect(ticks[4]).toMatchObject({ index: 4, lateMs: 0 });
  });

  it('skips frames after a long block instead of sending a burst', () => {
    let lagNext = 0;
    const clock = new FakeClock(0);
    const { ticks, times, s } = record(new LateClock(clock, () => lagNext));
    s.begin();
    clock.advance(0);
    lagNext = 75; // the thread blocks: the timer armed at 20 for frame 2 (due 40) fires at 115
    clock.advance(20);
    lagNext = 0;
    clock.advance(120);
    // One tick at 115 for frame 5 (due 100), frames 2–4 skipped; then on the grid again.
    expect(times).toEqual([0, 20, 115, 120, 140]);
    expect(ticks[2]).toMatchObject({ index: 5, deadline: 100, lateMs: 15, skipped: 3 });
    expect(ticks[3]).toMatchObject({ index: 6, deadline: 120, skipped: 0 });
    expect(s.stats.skippedFrames).toBe(3);
  });

  it('accepts a wake-up up to 1 ms early (whole-millisecond timers) and stays on a fractional grid', () => {
    const clock = new FakeClock(0.4);
    // Like Node: delays below 1 ms become 1 ms, others fire on whole milliseconds.
    const msClock: Clock = {
      now: () => clock.now(),
      setTimeout: (cb, ms) => clock.setTimeout(cb, ms < 1 ? 1 : Math.floor(ms)),
      clearTimeout: (h) => clock.clearTimeout(h),
    };
    const { ticks, times, s } = record(msClock, 1000 / 30);
    s.begin();
    clock.advance(1000);
    expect(ticks).toHaveLength(31);
    ticks.forEach((t, k) => {
      expect(t.index).toBe(k);
      expect(Math.abs(times[k]! - t.deadline)).toBeLessThanOrEqual(1);
    });
  });

  it('waits for the deadline when woken more than the tolerance early', () => {
    const clock = new FakeClock(0);
    const earlyClock: Clock = {
      now: () => clock.now(),
      setTimeout: (cb, ms) => clock.setTimeout(cb, ms > 10 ? ms - 5 : ms),
      clearTimeout: (h) => clock.clearTimeout(h),
    };
    const { times, s } = record(earlyClock);
    s.begin();
    clock.advance(100);
    expect(times).toEqual([0, 20, 40, 60, 80, 100]);
  });

  describe('with a precise final wait (the media worker)', () => {
    /**
     * Node-like timers (whole milliseconds, fired up to 1 ms early or late) plus a sleep that
     * only moves time on, as Atomics.wait does for the thread that calls it.
     */
    function setup(lag: () => number = () => 0) {
      const inner = new FakeClock(0.3);
      let slept = 0;
      const sleeps: number[] = [];
      const clock: Clock = {
        now: () => inner.now() + slept,
        setTimeout: (cb, ms) => inner.setTimeout(cb, (ms < 1 ? 1 : Math.floor(ms)) + lag()),
        clearTimeout: (h) => inner.clearTimeout(h),
      };
      const ticks: FrameTick[] = [];
      const s = new FrameScheduler(clock, 20, (t) => ticks.push({ ...t }), {
        finalWait: {
          leadMs: 2,
          sleep: (ms) => {
            sleeps.push(ms);
            slept += ms;
          },
        },
      });
      return { inner, ticks, sleeps, s };
    }

    it('sends every frame exactly on its deadline although the timers only have whole milliseconds', () => {
      const { inner, ticks, sleeps, s } = setup();
      s.begin();
      inner.advance(2000);
      expect(ticks.length).toBeGreaterThanOrEqual(95);
      expect(ticks.every((t, k) => t.index === k)).toBe(true);
      // Frame 0 is due at begin(), so its timer waits Node's 1 ms minimum; every later frame is exact.
      expect(ticks.slice(1).every((t) => Math.abs(t.lateMs) < 1e-9)).toBe(true);
      // Each sleep is the last stretch only: at most the lead plus the timers' 1 ms of slack.
      expect(Math.max(...sleeps)).toBeLessThanOrEqual(3);
      expect(sleeps.length).toBeGreaterThan(90);
    });

    it('does not sleep when the timer fires after the deadline, and reports the lateness', () => {
      const { inner, ticks, sleeps, s } = setup(() => 4); // every timer 4 ms late: 2 ms past the deadline
      s.begin();
      inner.advance(1000);
      expect(sleeps).toEqual([]);
      expect(ticks.length).toBeGreaterThanOrEqual(45);
      expect(ticks.slice(1).every((t) => t.lateMs >= 1 && t.lateMs <= 3 && t.skipped === 0)).toBe(true);
    });

    it('refuses a final wait longer than half a period', () => {
      expect(() => new FrameScheduler(new FakeClock(), 20, () => {}, { finalWait: { leadMs: 15, sleep: () => {} } })).toThrow(SchedulerStateError);
    });
  });

  it('keeps ticking when a tick callback throws', () => {
    const clock = new FakeClock(0);
    let n = 0;
    const s = new FrameScheduler(clock, 20, () => {
      n++;
      if (n === 2) throw new Error('boom');
    });
    s.begin();
    expect(() => clock.advance(20)).toThrow('boom');
    clock.advance(40);
    expect(n).toBe(4);
  });

  it('stops cleanly: no timer left behind, no tick after stop()', () => {
    const clock = new FakeClock(0);
    const { ticks, s } = record(clock);
    s.begin();
    clock.advance(50);
    s.stop();
    expect(clock.pendingTimers).toBe(0);
    clock.advance(100);
    expect(ticks).toHaveLength(3);
    expect(s.running).toBe(false);
  });

  it('refuses to start twice or with a non-positive period', () => {
    const clock = new FakeClock(0);
    const { s } = record(clock);
    s.begin();
    expect(() => s.begin()).toThrow(SchedulerStateError);
    expect(() => new FrameScheduler(clock, 0, () => {})).toThrow(SchedulerStateError);
  });
});

describe('CaptureFramer (capture-driven media clock)', () => {
  it('cuts device periods of any size into exact ptime frames, in order', () => {
    const frames: Array<[number[], number]> = [];
    const f = new CaptureFramer(160, (frame, first) => frames.push([[...frame], first]));
    const chunk = (start: number, n: number): Int16Array => Int16Array.from({ length: n }, (_, i) => (start + i) % 30000);
    let pos = 0;
    for (const n of [128, 128, 256, 100, 60, 500, 8]) {
      f.push(chunk(pos, n));
      pos += n;
    }
    expect(f.samples).toBe(1180);
    expect(frames.map(([, first]) => first)).toEqual([0, 160, 320, 480, 640, 800, 960]);
    frames.forEach(([samples, first]) => expect(samples).toEqual(Array.from({ length: 160 }, (_, i) => (first + i) % 30000)));
  });

  it('reports samples the device lost (an overrun) and drops the partial frame', () => {
    const frames: number[] = [];
    const gaps: number[] = [];
    const f = new CaptureFramer(
      160,
      (_, first) => frames.push(first),
      (lost) => gaps.push(lost),
    );
    f.push(new Int16Array(240), 0); // one frame + 80 samples pending
    f.push(new Int16Array(160), 400); // 160 samples never arrived
    f.push(new Int16Array(160), 560);
    expect(gaps).toEqual([160 + 80]);
    expect(frames).toEqual([0, 400, 560]);
  });

  it('reuses one frame buffer', () => {
    const seen = new Set<Int16Array>();
    const f = new CaptureFramer(80, (frame) => seen.add(frame));
    f.push(new Int16Array(400));
    expect(seen.size).toBe(1);
  });
});

describe('LatenessHistogram', () => {
  it('gives percentiles of tick lateness to 0.1 ms, bounded by the maximum seen', () => {
    const h = new LatenessHistogram();
    for (let i = 0; i < 98; i++) h.record(0.25);
    h.record(3.05);
    h.record(-0.5); // an early wake-up counts by its magnitude
    expect(h.count).toBe(100);
    expect(h.percentile(50)).toBeCloseTo(0.3, 5);
    expect(h.percentile(99)).toBeCloseTo(0.6, 5);
    expect(h.percentile(100)).toBeCloseTo(3.05, 5);
    expect(h.max).toBe(3.05);
  });

  it('is filled by the scheduler for every tick', () => {
    const clock = new FakeClock(0);
    const s = new FrameScheduler(clock, 20, () => {});
    s.begin();
    clock.advance(200);
    expect(s.lateness.count).toBe(11);
    expect(s.lateness.percentile(99)).toBe(0);
  });
});
