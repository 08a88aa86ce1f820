import { performance } from 'node:perf_hooks';
import type { Clock, TimerHandle, WallClock } from './clock.js';

/**
 * The clock adapter: the only place in firmware/ that touches the global timers
 * and the system date (DESIGN.md). Timers are unref'd so a pending retransmission
 * never keeps a stopped phone alive.
 */
export class SystemClock implements Clock, WallClock {
  now(): number {
    return performance.now();
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const t = setTimeout(callback, Math.max(0, delayMs));
    t.unref();
    return t;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle !== undefined) clearTimeout(handle as NodeJS.Timeout);
  }

  nowDate(): Date {
    return new Date();
  }
}
