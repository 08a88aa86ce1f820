/**
 * When to try a lost device again: quickly at first (a USB handset re-plugged
 * is back within a second), then exponentially less often up to a ceiling, so
 * an absent device costs a few opens a minute and never becomes a crash loop.
 * Jitter is left out on purpose: there is one device, not a fleet to spread.
 */
export interface RetryBackoffOptions {
  initialMs?: number;
  maxMs?: number;
  factor?: number;
}

export class RetryBackoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private attempt = 0;

  constructor(options: RetryBackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 250;
    this.maxMs = options.maxMs ?? 30_000;
    this.factor = options.factor ?? 2;
  }

  /** Delay before the next attempt; each call lengthens the following one. */
  next(): number {
    const delay = Math.min(this.maxMs, this.initialMs * this.factor ** this.attempt);
    this.attempt++;
    return delay;
  }

  get attempts(): number {
    return this.attempt;
  }

  reset(): void {
    this.attempt = 0;
  }
}
