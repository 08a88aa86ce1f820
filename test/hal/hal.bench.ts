/**
 * Hardware-layer figures (issue 6 "Performance"), all on the device models so
 * they run anywhere:
 *  1. key press to LCD updated: contact closes in the key matrix model → the GPIO
 *     keypad scans and debounces → the phone's handler writes the digit → the
 *     HD44780 model's glass shows it; real time, real timers.
 *  2. keypad scan CPU cost: one idle scan (all rows driven, columns read) against
 *     one row-by-row scan, and what each costs per second at the 5 ms scan rate.
 *  3. LCD traffic for a one-character change: the changed-cells sync against a
 *     naive full-screen rewrite, in I2C transfers and bus time at 100 kHz.
 *
 *   npm run bench -- hal.bench
 */
import { performance } from 'node:perf_hooks';
import { MatrixKeypad } from '../../hal/gpio/index.js';
import type { LineRef } from '../../hal/gpio/index.js';
import type { HalClock } from '../../hal/index.js';
import { CharacterLcd } from '../../hal/lcd/index.js';
import { GpioModel, Hd44780Model, KeypadMatrixModel } from '../../hal/sim/index.js';
import { opsPerSecond, percentile, printBench } from '../support/bench-report.js';

const presses = Number(process.env.BENCH_PRESSES ?? 60);
const pin = (offset: number): LineRef => ({ chip: 'pinctrl-bcm2711', offset, activeLow: true });
const ROWS = [4, 17, 27, 22].map(pin);
const COLS = [11, 5, 6, 13].map(pin);
const KEYMAP = [
  ['1', '2', '3', 'up'],
  ['4', '5', '6', 'down'],
  ['7', '8', '9', 'ok'],
  ['*', '0', '#', 'cancel'],
] as const;
const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'] as const;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Real timers that keep the process alive (SystemClock's are unref'd, which would let a bench exit mid-await). */
const realClock: HalClock = {
  now: () => performance.now(),
  setTimeout: (cb, ms) => setTimeout(cb, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

async function keyToGlass(scanIntervalMs: number, debounceMs: number, idle: 'poll' | 'edge'): Promise<number[]> {
  const clock = realClock;
  const now = (): number => performance.now();
  const gpio = new GpioModel({ now });
  const matrix = new KeypadMatrixModel({ gpio, rows: ROWS, columns: COLS, keymap: KEYMAP, now });
  const keypad = await MatrixKeypad.open({ gpio, clock, rows: ROWS, columns: COLS, keymap: KEYMAP, scanIntervalMs, idle, timing: { debounceMs } });
  const glass = new Hd44780Model({ now, rows: 2, columns: 16 });
  const lcd = new CharacterLcd({ clock, bus: 1, address: 0x27, rows: 2, columns: 16, openBus: async () => glass });
  await lcd.ready;
  const latencies: number[] = [];
  // The first presses warm the JIT up; they are not counted.
  const warmUp = 5;
  let counted = false;
  let pressedAt = 0;
  let column = 0;
  // The phone's part: echo each digit on the glass, as the dialling screen does.
  keypad.onKey((e) => {
    if (e.type !== 'down') return;
    const col = column++ % 16;
    void lcd.write(0, col, e.key).then(() => {
      if (counted && glass.glass()[0]![col] === e.key) latencies.push(performance.now() - pressedAt);
    });
  });
  for (let i = 0; i < presses + warmUp; i++) {
    counted = i >= warmUp;
    const key = DIGITS[i % DIGITS.length]!;
    pressedAt = performance.now();
    matrix.press(key);
    await sleep(40);
    matrix.release(key);
    await sleep(40);
  }
  await keypad.close();
  await lcd.close();
  return latencies;
}

async function main(): Promise<void> {
  // 1. Key press to LCD updated.
  const rows1 = [];
  for (const [name, scan, debounce, idle] of [
    ['scan 5 ms, debounce 10 ms (default)', 5, 10, 'poll'],
    ["same, idle: 'edge' (rpi-deskphone)", 5, 10, 'edge'],
    ['scan 10 ms, debounce 20 ms', 10, 20, 'poll'],
  ] as const) {
    const lat = Float64Array.from(await keyToGlass(scan, debounce, idle)).sort();
    rows1.push({ name: `${name} p50`, value: percentile(lat, 50), unit: 'ms', note: `${lat.length}/${presses} presses seen` });
    rows1.push({ name: `${name} p99`, value: percentile(lat, 99), unit: 'ms' });
  }
  printBench('key press to LCD updated (matrix model → MatrixKeypad → CharacterLcd → HD44780 model), real timers', rows1, 'scan 5 ms, debounce 10 ms (default) p50');

  // 2. Keypad scan CPU cost (the scan loop's own timer is parked far away; scans are driven directly).
  const parked = { now: () => performance.now(), setTimeout: () => ({}), clearTimeout: () => undefined };
  const gpio = new GpioModel();
  const matrix = new KeypadMatrixModel({ gpio, rows: ROWS, columns: COLS, keymap: KEYMAP, now: () => performance.now() });
  const keypad = await MatrixKeypad.open({ gpio, clock: parked, rows: ROWS, columns: COLS, keymap: KEYMAP });
  const timeScans = async (n: number): Promise<number> => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await keypad.scanNow();
    return ((performance.now() - t0) * 1000) / n;
  };
  await timeScans(2000);
  const idleUs = await timeScans(20000);
  matrix.press('5');
  await timeScans(2000);
  const fullUs = await timeScans(20000);
  await keypad.close();
  const perSecond = 1000 / 5;
  // An idle keypad left alone for half a second in each mode (counted: in edge mode there is nothing to time).
  const idleScansIn500ms = async (idle: 'poll' | 'edge'): Promise<number> => {
    const g = new GpioModel();
    new KeypadMatrixModel({ gpio: g, rows: ROWS, columns: COLS, keymap: KEYMAP, now: () => performance.now() });
    const k = await MatrixKeypad.open({ gpio: g, clock: realClock, rows: ROWS, columns: COLS, keymap: KEYMAP, idle });
    await sleep(500);
    const n = k.counters.idleScans;
    await k.close();
    return n;
  };
  const pollScans = await idleScansIn500ms('poll');
  const edgeScans = await idleScansIn500ms('edge');
  printBench(
    'keypad scan CPU cost on the GPIO model (the driver logic; sysfs reads on a Pi add ~20–50 µs each)',
    [
      { name: 'idle scan (4 column reads)', value: idleUs, unit: 'µs/scan', note: `${((idleUs * perSecond) / 10_000).toFixed(3)} % of a core at 200 scans/s` },
      { name: 'full scan (4 rows × 4 columns)', value: fullUs, unit: 'µs/scan', note: `${((fullUs * perSecond) / 10_000).toFixed(3)} % of a core at 200 scans/s` },
    ],
    'full scan (4 rows × 4 columns)',
  );
  printBench('idle keypad over 0.5 s of real time', [
    { name: "idle: 'poll'", value: pollScans, unit: 'scans', note: 'an idle scan every 5 ms (plus timer lateness)' },
    { name: "idle: 'edge'", value: edgeScans, unit: 'scans', note: 'one idle scan, then asleep on edge interrupts' },
  ], "idle: 'poll'");

  // 3. LCD traffic for a one-character change.
  let t = 0;
  const fake = { now: () => t, setTimeout: (cb: () => void, ms: number) => (queueMicrotask(() => ((t += ms), cb())), {}), clearTimeout: () => undefined };
  const model = new Hd44780Model({ now: () => t, rows: 4, columns: 20 });
  const lcd = new CharacterLcd({ clock: fake, bus: 1, address: 0x27, rows: 4, columns: 20, openBus: async () => model });
  await lcd.ready;
  for (let r = 0; r < 4; r++) await lcd.writeLine(r, `row ${r} 00:00 ......`);
  let tick = 0;
  const before = model.counters.bytesReceived;
  await lcd.write(0, 10, String(++tick % 10));
  const oneChar = model.counters.bytesReceived - before;
  // A naive driver rewrites every row: per row one address instruction and 20 characters, 4 expander bytes each.
  const naive = 4 * (1 + 20) * 4;
  const busMs = (bytes: number): number => (bytes * 20) / 100; // ~20 bit times per SMBus send-byte at 100 kHz
  const syncRate = opsPerSecond(() => void lcd.write(0, 10, String(++tick % 10)), 300);
  await lcd.close();
  printBench(
    'LCD update for a one-character change (20×4), I2C send-byte transfers',
    [
      { name: 'changed cells only (ours)', value: oneChar, unit: 'transfers', note: `≈${busMs(oneChar).toFixed(1)} ms on a 100 kHz bus` },
      { name: 'full-screen rewrite (naive)', value: naive, unit: 'transfers', note: `≈${busMs(naive).toFixed(1)} ms on a 100 kHz bus` },
    ],
    'full-screen rewrite (naive)',
  );
  printBench('LCD driver CPU: one-character writes through the sync pass to the model', [{ name: 'CharacterLcd.write (1 char)', value: syncRate, unit: 'writes/s' }]);
}

await main();
