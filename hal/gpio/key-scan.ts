import type { KeyEvent, KeyName } from '../types/index.js';
import { DEFAULT_REPEAT_KEYS } from '../types/index.js';

/**
 * What the keypad driver needs to know to turn contact readings into key events.
 * Defaults: a 5 ms scan and a 10 ms debounce leave room for a 40 ms tap with
 * 5–10 ms of contact bounce to be seen (the "never misses a 40 ms press").
 */
export interface KeyScanTiming {
  /** A contact must read the same for this long before its change is believed. */
  debounceMs: number;
  /** Held this long, a non-repeating key reports `long-press` once. */
  longPressMs: number;
  /** Held this long, a repeating key starts reporting `repeat`… */
  repeatDelayMs: number;
  /** …and then reports one every this many milliseconds. */
  repeatIntervalMs: number;
  repeatKeys: readonly KeyName[];
}

export const DEFAULT_KEY_SCAN_TIMING: KeyScanTiming = {
  debounceMs: 10,
  longPressMs: 800,
  repeatDelayMs: 500,
  repeatIntervalMs: 150,
  repeatKeys: DEFAULT_REPEAT_KEYS,
};

/** One key position of the matrix: null where the board has no key. */
export type Keymap = readonly (readonly (KeyName | null)[])[];

interface KeyCell {
  key: KeyName;
  row: number;
  column: number;
  repeats: boolean;
  /** The last reading, and since when it has read so. */
  raw: boolean;
  rawSince: number;
  /** The debounced state the phone has been told about. */
  down: boolean;
  /** When the next long-press or repeat falls due (only while down). */
  dueAt: number;
  longSent: boolean;
}

/**
 * The keypad's logic, free of I/O: each call to `scan` takes one reading of
 * the whole matrix (raw[row][column] = contact closed) and the time it was
 * taken, and returns the key events it implies. Debounce, long press, auto
 * repeat and ghost-key rejection live here so they are tested from tables.
 */
export class KeyScanState {
  private readonly cells: KeyCell[] = [];
  private readonly timing: KeyScanTiming;

  constructor(
    readonly keymap: Keymap,
    timing: Partial<KeyScanTiming> = {},
  ) {
    this.timing = { ...DEFAULT_KEY_SCAN_TIMING, ...timing };
    const repeat = new Set(this.timing.repeatKeys);
    keymap.forEach((cols, row) =>
      cols.forEach((key, column) => {
        if (key !== null) this.cells.push({ key, row, column, repeats: repeat.has(key), raw: false, rawSince: -Infinity, down: false, dueAt: Infinity, longSent: false });
      }),
    );
  }

  get rows(): number {
    return this.keymap.length;
  }

  get columns(): number {
    return Math.max(0, ...this.keymap.map((r) => r.length));
  }

  /** Keys currently down (debounced). */
  held(): Set<KeyName> {
    return new Set(this.cells.filter((c) => c.down).map((c) => c.key));
  }

  /** Whether a scan is still needed to settle something (a key down, a change not yet debounced). */
  get busy(): boolean {
    return this.cells.some((c) => c.down || c.raw);
  }

  scan(raw: readonly (readonly boolean[])[], nowMs: number): KeyEvent[] {
    const ambiguous = ghostCandidates(raw);
    const events: KeyEvent[] = [];
    for (const cell of this.cells) {
      let closed = raw[cell.row]?.[cell.column] === true;
      // Ghost keys: with three keys of a rectangle held, the fourth corner reads
      // closed through the other three. A scan cannot tell which corner is real,
      // so a key inside such a rectangle may stay down but may not newly go down.
      if (closed && !cell.down && ambiguous.has(cell.row * 1024 + cell.column)) closed = false;
      if (closed !== cell.raw) {
        cell.raw = closed;
        cell.rawSince = nowMs;
      }
      if (cell.raw !== cell.down && nowMs - cell.rawSince >= this.timing.debounceMs) {
        cell.down = cell.raw;
        if (cell.down) {
          cell.longSent = false;
          cell.dueAt = nowMs + (cell.repeats ? this.timing.repeatDelayMs : this.timing.longPressMs);
          events.push({ type: 'down', key: cell.key, atMs: nowMs });
        } else {
          cell.dueAt = Infinity;
          events.push({ type: 'up', key: cell.key, atMs: nowMs });
        }
        continue;
      }
      if (cell.down && nowMs >= cell.dueAt) {
        if (cell.repeats) {
          events.push({ type: 'repeat', key: cell.key, atMs: nowMs });
          // After a stall (a busy event loop), resume the rhythm instead of bursting the missed repeats.
          const next = cell.dueAt + this.timing.repeatIntervalMs;
          cell.dueAt = next > nowMs ? next : nowMs + this.timing.repeatIntervalMs;
        } else if (!cell.longSent) {
          cell.longSent = true;
          cell.dueAt = Infinity;
          events.push({ type: 'long-press', key: cell.key, atMs: nowMs });
        }
      }
    }
    return events;
  }

  /** Releases every held key (used when the driver closes, so no key is left stuck down). */
  releaseAll(nowMs: number): KeyEvent[] {
    const events: KeyEvent[] = [];
    for (const cell of this.cells) {
      if (cell.down) events.push({ type: 'up', key: cell.key, atMs: nowMs });
      cell.down = false;
      cell.raw = false;
      cell.dueAt = Infinity;
    }
    return events;
  }
}

/**
 * Positions (row * 1024 + column) that belong to a rectangle of closed contacts:
 * two rows closed on the same two columns. Without a diode per key such a
 * rectangle is what three real presses and one ghost look like.
 */
export function ghostCandidates(raw: readonly (readonly boolean[])[]): Set<number> {
  const out = new Set<number>();
  for (let r1 = 0; r1 < raw.length; r1++) {
    for (let r2 = r1 + 1; r2 < raw.length; r2++) {
      const shared: number[] = [];
      const a = raw[r1]!;
      const b = raw[r2]!;
      for (let c = 0; c < Math.min(a.length, b.length); c++) if (a[c] && b[c]) shared.push(c);
      if (shared.length >= 2) for (const c of shared) out.add(r1 * 1024 + c).add(r2 * 1024 + c);
    }
  }
  return out;
}
