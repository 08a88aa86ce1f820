import type { HalClock, HalTimerHandle } from '../../../hal/clock.js';

/** Real time for the host-level tests (hal/ gets its clock injected; firmware's SystemClock is not hal's to import). */
export class HostClock implements HalClock {
  now(): number {
    return performance.now();
  }
  setTimeout(callback: () => void, delayMs: number): HalTimerHandle {
    return setTimeout(callback, Math.max(0, delayMs));
  }
  clearTimeout(handle: HalTimerHandle | undefined): void {
    if (handle !== undefined) clearTimeout(handle as NodeJS.Timeout);
  }
}
