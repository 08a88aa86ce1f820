import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyScanState } from '../../../hal/gpio/index.js';

const KEYMAP = [
  ['1', '2', '3'],
  ['4', '5', '6'],
  ['7', '8', '9'],
  ['*', '0', '#'],
] as const;
const KEYS = KEYMAP.flat();

interface Press {
  key: number;
  gapMs: number;
  holdMs: number;
  bounceInMs: number;
  bounceOutMs: number;
  seed: number;
}

/** A finger on the keypad: taps one key at a time, each contact chattering for up to 5 ms at both ends. */
const presses = fc.array(
  fc.record({
    key: fc.integer({ min: 0, max: KEYS.length - 1 }),
    gapMs: fc.integer({ min: 25, max: 300 }),
    holdMs: fc.integer({ min: 40, max: 600 }),
    bounceInMs: fc.integer({ min: 0, max: 5 }),
    bounceOutMs: fc.integer({ min: 0, max: 5 }),
    seed: fc.integer(),
  }),
  { minLength: 1, maxLength: 12 },
);

function contactAt(schedule: { start: number; end: number; p: Press }[], t: number): { key: number; closed: boolean } | undefined {
  for (const { start, end, p } of schedule) {
    if (t < start || t >= end + p.bounceOutMs) continue;
    const chatter = (ms: number): boolean => ((Math.imul(Math.floor(ms) + 1, 2654435761) ^ p.seed) >>> 9) % 2 === 1;
    if (t < start + p.bounceInMs) return { key: p.key, closed: chatter(t) };
    if (t < end) return { key: p.key, closed: true };
    return { key: p.key, closed: chatter(t) };
  }
  return undefined;
}

describe('key scan logic, property: a 5 ms scan with 10 ms debounce reports every tap of 40 ms or more exactly once', () => {
  it('holds for any sequence of taps, bounce up to 5 ms and any scan phase', () => {
    fc.assert(
      fc.property(presses, fc.integer({ min: 0, max: 4 }), (taps, phase) => {
        const schedule: { start: number; end: number; p: Press }[] = [];
        let t = 10;
        for (const p of taps) {
          t += p.gapMs;
          schedule.push({ start: t, end: t + p.holdMs, p });
          t += p.holdMs;
        }
        const state = new KeyScanState(KEYMAP, { debounceMs: 10, longPressMs: 10_000 });
        const seen: string[] = [];
        for (let now = phase; now < t + 100; now += 5) {
          const raw = KEYMAP.map((r) => r.map(() => false));
          const c = contactAt(schedule, now);
          if (c?.closed) raw[Math.floor(c.key / 3)]![c.key % 3] = true;
          for (const e of state.scan(raw, now)) seen.push(`${e.type} ${e.key}`);
        }
        expect(seen).toEqual(taps.flatMap((p) => [`down ${KEYS[p.key]}`, `up ${KEYS[p.key]}`]));
      }),
      { numRuns: 300, seed: 20261125 },
    );
  });
});
