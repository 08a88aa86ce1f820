/**
 * The one source of time for firmware/ (DESIGN.md "One injected Clock").
 *
 * Every state machine takes a Clock instead of calling the global timers, so
 * tests drive time with FakeClock (test/support/fake-clock.ts) and production
 * uses SystemClock. `now()` is monotonic milliseconds, never wall-clock time:
 * SIP timers and media deadlines must not jump when NTP steps the date.
 */
export type TimerHandle = { readonly __timer: unique symbol } | object;

export interface Clock {
  /** Monotonic milliseconds (fractional allowed); only differences are meaningful. */
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

/** Wall-clock time, kept apart from Clock: only screens, logs and call records want a date. */
export interface WallClock {
  nowDate(): Date;
}
