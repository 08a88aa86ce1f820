import type { FakeClock } from '../../support/fake-clock.js';

/** Lets pending promise callbacks and microtasks (model edges, awaited I2C writes) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Advances fake time in small steps, letting async driver code run between
 * steps the way it would between real milliseconds. Drivers that await GPIO or
 * I2C calls between timers need this instead of a single clock.advance().
 */
export async function advance(clock: FakeClock, ms: number, stepMs = 1): Promise<void> {
  await settle();
  let left = ms;
  while (left > 0) {
    const step = Math.min(stepMs, left);
    clock.advance(step);
    left -= step;
    await settle();
  }
}

/** Runs fake time forward, timer to timer, until `promise` settles (for I2C init sequences that sleep). */
export async function untilSettled<T>(clock: FakeClock, promise: Promise<T>, maxMs = 60_000): Promise<T> {
  let done = false;
  const tracked = promise.finally(() => {
    done = true;
  });
  tracked.catch(() => undefined);
  const start = clock.now();
  await settle();
  while (!done) {
    const next = clock.nextTimerIn();
    if (next === undefined) {
      await settle();
      if (!done && clock.nextTimerIn() === undefined) throw new Error('untilSettled: the promise waits on nothing the fake clock controls');
      continue;
    }
    if (clock.now() - start + next > maxMs) throw new Error(`untilSettled: still pending after ${maxMs} fake ms`);
    clock.advance(next);
    await settle();
  }
  return tracked;
}
