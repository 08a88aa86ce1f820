import { describe, expect, it } from 'vitest';
import { RestartPolicy } from '../../../firmware/lifecycle/restart-policy.js';

// When a crashed part is started again, and when the phone stops trying:
// a delay that doubles while failures crowd a window, and a budget per window.

describe('RestartPolicy', () => {
  const policy = () => new RestartPolicy({ initialDelayMs: 100, maxDelayMs: 1000, maxRestarts: 5, windowMs: 60_000 });

  it('restarts after the initial delay, doubling it for each failure inside the window, up to the cap', () => {
    const p = policy();
    const delays = [0, 1, 2, 3, 4].map((i) => p.onFailure(i * 10));
    expect(delays).toEqual([
      { action: 'restart', delayMs: 100, failuresInWindow: 1 },
      { action: 'restart', delayMs: 200, failuresInWindow: 2 },
      { action: 'restart', delayMs: 400, failuresInWindow: 3 },
      { action: 'restart', delayMs: 800, failuresInWindow: 4 },
      { action: 'restart', delayMs: 1000, failuresInWindow: 5 },
    ]);
  });

  it('gives up on the failure after the budget when all of them fall inside the window, and stays given up', () => {
    const p = policy();
    for (let i = 0; i < 5; i++) expect(p.onFailure(i * 1000).action).toBe('restart');
    expect(p.onFailure(59_000)).toEqual({ action: 'give-up', failuresInWindow: 6, windowMs: 60_000 });
    expect(p.givenUp).toBe(true);
    // A late report, long after: still given up (the supervisor must not revive a part it gave up on).
    expect(p.onFailure(10 * 60_000).action).toBe('give-up');
  });

  it('forgets failures that left the window: a part that fails once an hour is restarted quickly every time', () => {
    const p = policy();
    for (let hour = 0; hour < 24; hour++) {
      expect(p.onFailure(hour * 3_600_000)).toEqual({ action: 'restart', delayMs: 100, failuresInWindow: 1 });
    }
  });

  it('counts only the failures of the last window: five spread over two minutes never reach the budget', () => {
    const p = policy();
    const decisions = [0, 20_000, 40_000, 61_000, 81_000, 101_000, 121_000].map((t) => p.onFailure(t));
    expect(decisions.every((d) => d.action === 'restart')).toBe(true);
    expect(decisions.map((d) => d.failuresInWindow)).toEqual([1, 2, 3, 3, 3, 3, 3]);
  });

  it('starts afresh after reset() (an operator restarted the part by hand)', () => {
    const p = new RestartPolicy({ maxRestarts: 0 });
    expect(p.onFailure(0).action).toBe('give-up');
    p.reset();
    expect(p.onFailure(1).action).toBe('give-up');
    p.reset();
    expect(p.givenUp).toBe(false);
  });

  it('refuses a policy that could not work', () => {
    expect(() => new RestartPolicy({ initialDelayMs: 500, maxDelayMs: 100 })).toThrow(/initialDelayMs ≤ maxDelayMs/);
    expect(() => new RestartPolicy({ maxRestarts: 1.5 })).toThrow(RangeError);
    expect(() => new RestartPolicy({ windowMs: 0 })).toThrow(RangeError);
  });
});
