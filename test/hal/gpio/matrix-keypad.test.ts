import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MatrixKeypad } from '../../../hal/gpio/index.js';
import type { GpioBackend, LineRef } from '../../../hal/gpio/index.js';
import type { KeyEvent } from '../../../hal/index.js';
import { GpioModel, KeypadMatrixModel } from '../../../hal/sim/index.js';
import { FakeClock } from '../../support/fake-clock.js';
import { advance } from '../support/async-clock.js';

const CHIP = 'pinctrl-bcm2711';
const line = (offset: number): LineRef => ({ chip: CHIP, offset, activeLow: true });
const ROWS = [5, 6, 13, 19].map(line);
const COLS = [12, 16, 20, 21].map(line);
const KEYMAP = [
  ['1', '2', '3', 'up'],
  ['4', '5', '6', 'down'],
  ['7', '8', '9', 'ok'],
  ['*', '0', '#', 'cancel'],
] as const;

let clock: FakeClock;
let gpio: GpioModel;
let matrix: KeypadMatrixModel;
let keypad: MatrixKeypad;
let events: string[];

async function open(drive: 'rows' | 'columns' = 'rows'): Promise<void> {
  clock = new FakeClock();
  gpio = new GpioModel({ now: () => clock.now() });
  matrix = new KeypadMatrixModel({ gpio, rows: ROWS, columns: COLS, keymap: KEYMAP, drive, now: () => clock.now(), seed: 7 });
  keypad = await MatrixKeypad.open({ gpio, clock, rows: ROWS, columns: COLS, keymap: KEYMAP, drive, scanIntervalMs: 5, timing: { debounceMs: 10, longPressMs: 800 } });
  events = [];
  keypad.onKey((e: KeyEvent) => events.push(`${e.type} ${e.key}`));
}

describe('matrix keypad on GPIO against a key matrix model', () => {
  beforeEach(() => open());
  afterEach(() => keypad.close());

  it('reads a press and a release of each key where the keymap puts it', async () => {
    for (const key of ['1', '5', '9', '#', 'up', 'cancel'] as const) {
      matrix.press(key);
      await advance(clock, 30);
      matrix.release(key);
      await advance(clock, 30);
    }
    expect(events).toEqual(['down 1', 'up 1', 'down 5', 'up 5', 'down 9', 'up 9', 'down #', 'up #', 'down up', 'up up', 'down cancel', 'up cancel']);
  });

  it('never misses a 40 ms tap whose contacts bounce for 8 ms, and reports it once', async () => {
    for (let i = 0; i < 20; i++) {
      matrix.press('7', 8);
      await advance(clock, 40);
      matrix.release('7', 8);
      await advance(clock, 60);
    }
    expect(events.filter((e) => e === 'down 7')).toHaveLength(20);
    expect(events.filter((e) => e === 'up 7')).toHaveLength(20);
  });

  it('reports a long press of a held digit', async () => {
    matrix.press('0');
    await advance(clock, 900, 5);
    expect(events).toEqual(['down 0', 'long-press 0']);
  });

  it('auto-repeats a held navigation key', async () => {
    matrix.press('down');
    await advance(clock, 1000, 5);
    expect(events.filter((e) => e === 'repeat down').length).toBeGreaterThanOrEqual(3);
  });

  it('rejects the ghost key when three keys of a rectangle are held', async () => {
    matrix.press('1');
    await advance(clock, 30);
    matrix.press('2');
    await advance(clock, 30);
    matrix.press('4'); // '5' now reads closed through 1–2–4
    await advance(clock, 100);
    expect(keypad.held()).toEqual(new Set(['1', '2']));
    expect(events).not.toContain('down 5');
    matrix.release('2');
    await advance(clock, 30);
    expect(keypad.held()).toEqual(new Set(['1', '4']));
  });

  it('costs one read per column while idle and scans line by line only when a key is closed', async () => {
    await advance(clock, 100);
    expect(keypad.counters.fullScans).toBe(0);
    expect(keypad.counters.idleScans).toBeGreaterThan(10);
    matrix.press('3');
    await advance(clock, 30);
    expect(keypad.counters.fullScans).toBeGreaterThan(0);
  });

  it('releases every GPIO line on close, and reports held keys as released', async () => {
    matrix.press('8');
    await advance(clock, 30);
    await keypad.close();
    expect(events).toEqual(['down 8', 'up 8']);
    expect(gpio.claimedLines()).toEqual([]);
  });
});

describe('matrix keypad driven by columns', () => {
  afterEach(() => keypad.close());
  it('reads the same keys when the board drives columns and reads rows', async () => {
    await open('columns');
    matrix.press('6');
    await advance(clock, 30);
    matrix.release('6');
    await advance(clock, 30);
    expect(events).toEqual(['down 6', 'up 6']);
  });
});

describe('matrix keypad set-up errors', () => {
  it('gives back the lines it claimed when one of them cannot be claimed', async () => {
    const clock = new FakeClock();
    const gpio = new GpioModel();
    const held = await gpio.request({ line: COLS[3]!, direction: 'in', consumer: 'someone else' });
    await expect(MatrixKeypad.open({ gpio, clock, rows: ROWS, columns: COLS, keymap: KEYMAP })).rejects.toThrow(/busy/);
    expect(gpio.claimedLines()).toEqual([`${CHIP}:21`]);
    await held.release();
  });

  it('refuses a keymap that does not match the wiring', async () => {
    await expect(MatrixKeypad.open({ gpio: new GpioModel(), clock: new FakeClock(), rows: ROWS.slice(0, 3), columns: COLS, keymap: KEYMAP })).rejects.toThrow(/keymap is 4×4 but the board wires 3 rows × 4 columns/);
  });
});

describe('matrix keypad waiting for edge interrupts while idle', () => {
  let edgeKeypad: MatrixKeypad;
  let m: KeypadMatrixModel;
  let c: FakeClock;
  let g: GpioModel;
  let seen: string[];
  beforeEach(async () => {
    c = new FakeClock();
    g = new GpioModel({ now: () => c.now() });
    m = new KeypadMatrixModel({ gpio: g, rows: ROWS, columns: COLS, keymap: KEYMAP, now: () => c.now(), seed: 3 });
    edgeKeypad = await MatrixKeypad.open({ gpio: g, clock: c, rows: ROWS, columns: COLS, keymap: KEYMAP, idle: 'edge', timing: { debounceMs: 10, longPressMs: 800 } });
    seen = [];
    edgeKeypad.onKey((e) => seen.push(`${e.type} ${e.key}`));
  });
  afterEach(() => edgeKeypad.close());

  it('stops scanning when nothing is pressed: no timer runs, no line is read', async () => {
    await advance(c, 50);
    const scans = edgeKeypad.counters.idleScans;
    expect(edgeKeypad.counters.edgeWaits).toBe(1);
    expect(c.pendingTimers).toBe(0);
    await advance(c, 1000, 10);
    expect(edgeKeypad.counters.idleScans).toBe(scans);
  });

  it('wakes on the edge of a press and sees every 40 ms tap with bouncing contacts', async () => {
    await advance(c, 50);
    for (let i = 0; i < 10; i++) {
      m.press('8', 5);
      await advance(c, 40);
      m.release('8', 5);
      await advance(c, 60);
    }
    expect(seen.filter((e) => e === 'down 8')).toHaveLength(10);
    expect(seen.filter((e) => e === 'up 8')).toHaveLength(10);
    expect(edgeKeypad.counters.edgeWaits).toBe(11);
  });

  it('keeps scanning while a key is held, for long press and repeat', async () => {
    await advance(c, 50);
    m.press('0');
    await advance(c, 900, 5);
    m.release('0');
    await advance(c, 30);
    m.press('up');
    await advance(c, 900, 5);
    expect(seen.slice(0, 3)).toEqual(['down 0', 'long-press 0', 'up 0']);
    expect(seen.filter((e) => e === 'repeat up').length).toBeGreaterThanOrEqual(2);
  });
});

describe('matrix keypad edge wait: a press during the last idle scan', () => {
  it('is caught by the read after arming, even though its edge came too early to wake the loop', async () => {
    const c = new FakeClock();
    const g = new GpioModel({ now: () => c.now() });
    const m = new KeypadMatrixModel({ gpio: g, rows: ROWS, columns: COLS, keymap: KEYMAP, now: () => c.now() });
    // A GPIO backend that lets the finger land just after the idle scan has read the last column.
    let reads = 0;
    let pressAtRead = -1;
    const racing: GpioBackend = {
      request: async (req) => {
        const line = await g.request(req);
        if (req.direction === 'out') return line;
        return {
          ref: line.ref,
          onEdge: (l) => line.onEdge(l),
          release: () => line.release(),
          write: (v) => line.write(v),
          read: async () => {
            const level = await line.read();
            if (++reads === pressAtRead) m.press('5');
            return level;
          },
        };
      },
    };
    const k = await MatrixKeypad.open({ gpio: racing, clock: c, rows: ROWS, columns: COLS, keymap: KEYMAP, idle: 'edge', timing: { debounceMs: 10 } });
    const seen: string[] = [];
    k.onKey((e) => seen.push(`${e.type} ${e.key}`));
    // The first idle scan reads the 4 columns: the press lands on the 4th read, before the loop arms.
    pressAtRead = COLS.length;
    await advance(c, 60);
    expect(seen).toEqual(['down 5']);
    await k.close();
  });
});
