/**
 * When a crashed part of the phone is started again, and when to stop trying
 * (issue 7 point 8). Pure: failures come in with the monotonic time they
 * happened at, decisions go out; the supervisor owns the timers.
 *
 * The shape is the one systemd (RestartSec with StartLimitBurst within
 * StartLimitIntervalSec) and Erlang/OTP supervisors (intensity within period)
 * use: restart with a growing delay, and give up when too many failures fall
 * inside a sliding window — a part that keeps dying at once is broken, and
 * restarting it in a tight loop would only starve the calls of CPU.
 */
export interface RestartPolicyOptions {
  /** Delay before the first restart after a quiet spell. */
  initialDelayMs: number;
  /** The delay doubles with each failure inside the window, up to this. */
  maxDelayMs: number;
  /** Restarts allowed inside `windowMs`; the failure after them gives up. */
  maxRestarts: number;
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicyOptions = {
  initialDelayMs: 250,
  maxDelayMs: 30_000,
  maxRestarts: 5,
  windowMs: 60_000,
};

export type RestartDecision =
  /** Start the part again after `delayMs`; `failuresInWindow` counts this failure. */
  | { action: 'restart'; delayMs: number; failuresInWindow: number }
  /** Too many failures in the window: the part stays down (or, for a core part, the phone exits). */
  | { action: 'give-up'; failuresInWindow: number; windowMs: number };

export class RestartPolicy {
  readonly options: RestartPolicyOptions;
  /** Times of the failures still inside the window, oldest first. */
  private failures: number[] = [];
  private gaveUp = false;

  constructor(options: Partial<RestartPolicyOptions> = {}) {
    this.options = { ...DEFAULT_RESTART_POLICY, ...options };
    const { initialDelayMs, maxDelayMs, maxRestarts, windowMs } = this.options;
    if (!(initialDelayMs >= 0 && maxDelayMs >= initialDelayMs && Number.isInteger(maxRestarts) && maxRestarts >= 0 && windowMs > 0)) {
      throw new RangeError(`restart policy needs 0 ≤ initialDelayMs ≤ maxDelayMs, an integer maxRestarts ≥ 0 and windowMs > 0 (got ${JSON.stringify(this.options)})`);
    }
  }

  /** The part failed at `nowMs` (monotonic): restart it after a delay, or give up. */
  onFailure(nowMs: number): RestartDecision {
    const { initialDelayMs, maxDelayMs, maxRestarts, windowMs } = this.options;
    this.failures = this.failures.filter((t) => nowMs - t < windowMs);
    this.failures.push(nowMs);
    const n = this.failures.length;
    // Once given up, stay given up: a failure report that arrives late must not revive the part.
    if (this.gaveUp || n > maxRestarts) {
      this.gaveUp = true;
      return { action: 'give-up', failuresInWindow: n, windowMs };
    }
    // Failures that have left the window no longer count: a part that crashed once an hour ago restarts quickly.
    const delayMs = Math.min(maxDelayMs, initialDelayMs * 2 ** (n - 1));
    return { action: 'restart', delayMs, failuresInWindow: n };
  }

  get givenUp(): boolean {
    return this.gaveUp;
  }

  /** Forget the history (an operator restarted the part by hand). */
  reset(): void {
    this.failures = [];
    this.gaveUp = false;
  }
}
