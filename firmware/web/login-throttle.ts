import type { Clock } from '../clock/index.js';

export interface LockoutPolicy {
  /** Failed logins from one address before it is locked out. */
  maxFailures: number;
  /** The first lockout; each further one doubles, up to maxLockMs. */
  lockMs: number;
  maxLockMs: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 5, lockMs: 30_000, maxLockMs: 15 * 60_000 };

interface Record {
  failures: number;
  lockouts: number;
  lockedUntilMs: number;
}

/**
 * The lockout after repeated login failures (issue 7 §6), per client address:
 * after `maxFailures` wrong passwords the address must wait, longer each time,
 * and a right password only counts once the wait is over. Time is the injected Clock.
 */
export class LoginThrottle {
  private readonly records = new Map<string, Record>();

  constructor(
    private readonly clock: Clock,
    private readonly policy: LockoutPolicy = DEFAULT_LOCKOUT,
  ) {}

  /** Milliseconds the address must still wait, or 0 when it may try. */
  retryAfterMs(address: string): number {
    const r = this.records.get(address);
    return r ? Math.max(0, r.lockedUntilMs - this.clock.now()) : 0;
  }

  failed(address: string): void {
    const r = this.records.get(address) ?? { failures: 0, lockouts: 0, lockedUntilMs: 0 };
    r.failures++;
    if (r.failures >= this.policy.maxFailures) {
      r.lockedUntilMs = this.clock.now() + Math.min(this.policy.lockMs * 2 ** r.lockouts, this.policy.maxLockMs);
      r.lockouts++;
      r.failures = 0;
    }
    this.records.set(address, r);
    // Bound the table: a scan from many addresses must not grow it forever.
    if (this.records.size > 1024) this.records.delete(this.records.keys().next().value!);
  }

  succeeded(address: string): void {
    this.records.delete(address);
  }
}
