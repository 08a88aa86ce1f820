import { describe, expect, it } from 'vitest';
import { RetryBackoff } from '../../../hal/audio/index.js';

describe('RetryBackoff', () => {
  it('retries quickly at first, then doubles up to a ceiling it never passes (no crash loop, no silence for ever)', () => {
    const b = new RetryBackoff();
    const delays = Array.from({ length: 12 }, () => b.next());
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000, 30000]);
    // An absent card costs two open attempts a minute once the ceiling is reached.
    b.reset();
    expect(b.next()).toBe(250);
  });
});
