import { describe, expect, it } from 'vitest';
import { ghostCandidates, KeyScanState } from '../../../hal/gpio/index.js';
import type { KeyEvent } from '../../../hal/index.js';

const KEYMAP = [
  ['1', '2', '3'],
  ['4', '5', '6'],
  ['7', '8', '9'],
  ['*', '0', '#'],
] as const;
const NAV = [['up', 'down', 'ok']] as const;

/** A matrix reading with the listed positions closed. */
function reading(rows: number, cols: number, ...closed: [number, number][]): boolean[][] {
  const m = Array.from({ length: rows }, () => new Array<boolean>(cols).fill(false));
  for (const [r, c] of closed) m[r]![c] = true;
  return m;
}

/** Feeds one reading per row of the table and collects what comes out, as "type key @ms". */
function run(state: KeyScanState, rows: { t: number; closed: [number, number][] }[]): string[] {
  const out: string[] = [];
  for (const { t, closed } of rows) for (const e of state.scan(reading(state.rows, state.columns, ...closed), t)) out.push(fmt(e));
  return out;
}
const fmt = (e: KeyEvent): string => `${e.type} ${e.key} @${e.atMs}`;

describe('key scan logic: debounce', () => {
  it('reports a key once its contact has read closed for the debounce time, and its release likewise', () => {
    const s = new KeyScanState(KEYMAP, { debounceMs: 10 });
    const five: [number, number] = [1, 1];
    expect(
      run(s, [
        { t: 0, closed: [] },
        { t: 5, closed: [five] },
        { t: 10, closed: [five] },
        { t: 15, closed: [five] },
        { t: 40, closed: [five] },
        { t: 45, closed: [] },
        { t: 50, closed: [] },
        { t: 55, closed: [] },
      ]),
    ).toEqual(['down 5 @15', 'up 5 @55']);
  });

  it('ignores chatter shorter than the debounce time', () => {
    const s = new KeyScanState(KEYMAP, { debounceMs: 10 });
    const rows = [0, 5, 10, 15, 20, 25].map((t, i) => ({ t, closed: i % 2 === 0 ? ([[0, 0]] as [number, number][]) : [] }));
    expect(run(s, rows)).toEqual([]);
  });
});

describe('key scan logic: long press and auto-repeat', () => {
  it('reports long-press once for a held digit key', () => {
    const s = new KeyScanState(KEYMAP, { debounceMs: 10, longPressMs: 800 });
    const held = Array.from({ length: 400 }, (_, i) => ({ t: i * 5, closed: [[0, 0]] as [number, number][] }));
    expect(run(s, held)).toEqual(['down 1 @10', 'long-press 1 @810']);
  });

  it('repeats a held navigation key after the delay, at the repeat rate, and never long-presses it', () => {
    const s = new KeyScanState(NAV, { debounceMs: 10, repeatDelayMs: 500, repeatIntervalMs: 150, longPressMs: 300 });
    const held = Array.from({ length: 193 }, (_, i) => ({ t: i * 5, closed: [[0, 1]] as [number, number][] }));
    expect(run(s, [...held, { t: 965, closed: [] }, { t: 975, closed: [] }])).toEqual(['down down @10', 'repeat down @510', 'repeat down @660', 'repeat down @810', 'repeat down @960', 'up down @975']);
  });

  it('resumes the repeat rhythm after a stalled scan instead of bursting the missed repeats', () => {
    const s = new KeyScanState(NAV, { debounceMs: 0, repeatDelayMs: 100, repeatIntervalMs: 100 });
    expect(run(s, [0, 1000, 1050, 1100].map((t) => ({ t, closed: [[0, 0]] as [number, number][] })))).toEqual(['down up @0', 'repeat up @1000', 'repeat up @1100']);
  });
});

describe('key scan logic: ghost keys', () => {
  it('marks the four corners of a rectangle of closed contacts as ambiguous', () => {
    const g = ghostCandidates(reading(4, 3, [0, 0], [0, 1], [1, 0], [1, 1]));
    expect([...g].sort((a, b) => a - b)).toEqual([0, 1, 1024, 1025]);
    expect(ghostCandidates(reading(4, 3, [0, 0], [0, 1], [1, 0])).size).toBe(0);
  });

  it('keeps two held keys, rejects the third and its ghost, and accepts the third once the rectangle breaks', () => {
    const s = new KeyScanState(KEYMAP, { debounceMs: 0 });
    const one: [number, number] = [0, 0];
    const two: [number, number] = [0, 1];
    const four: [number, number] = [1, 0];
    const ghostFive: [number, number] = [1, 1];
    expect(
      run(s, [
        { t: 0, closed: [one] },
        { t: 5, closed: [one, two] },
        // '4' goes down: electrically '5' now reads closed too; neither is believed.
        { t: 10, closed: [one, two, four, ghostFive] },
        { t: 15, closed: [one, two, four, ghostFive] },
        // '2' released: the rectangle is gone and '4' is real.
        { t: 20, closed: [one, four] },
      ]),
    ).toEqual(['down 1 @0', 'down 2 @5', 'up 2 @20', 'down 4 @20']);
  });
});
