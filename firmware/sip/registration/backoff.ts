/**
 * Retry delay after a failed registration (RFC 5626 §4.5):
 *
 *   W = min(max-time, base-time * 2^consecutive-failures)
 *   "a random number between 50% and 100% of W"
 *
 * with base-time 30 s and max-time 1800 s by default. The jitter keeps a
 * building's worth of phones from hammering a registrar that just restarted
 * at the same instant. `random` is injected so tests are exact.
 */
export interface BackoffOptions {
  /** RFC 5626 §4.5 base-time, ms (30 s when all flows failed). */
  baseMs: number;
  /** RFC 5626 §4.5 max-time, ms. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({ baseMs: 30_000, maxMs: 1_800_000 });

export function backoffDelay(consecutiveFailures: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  // After the first failure consecutive-failures is 1, so the first wait is 50–100% of 2 * base-time.
  const exponent = Math.min(Math.max(0, consecutiveFailures), 30);
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  return Math.round(ceiling * (0.5 + 0.5 * random()));
}
