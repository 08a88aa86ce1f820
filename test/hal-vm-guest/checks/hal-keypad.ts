import { MatrixKeypad, OnoffGpioBackend } from '../../../hal/gpio/index.js';
import type { KeyEvent } from '../../../hal/index.js';
import { SystemClock } from '../../../firmware/clock/index.js';
import { GPIO_MOCKUP } from '../../../scripts/vm/guest-devices.js';
import { driveLine, findChip, lineLevel } from '../sysfs-gpio.js';
import { sleep, waitFor } from '../sleep.js';
import type { CheckResult } from '../report.js';

/**
 * gpio-mockup has no wires between lines, so an output cannot feed an input
 * the way a key contact joins a row to a column. With a single driven row
 * the column's level is the key's state whatever the scan is doing, so the
 * "finger" is a debugfs write on the column line: the real driver scans real
 * sysfs lines (drive the row, read the columns) at its real rate.
 */
const ROW = 20;
const COLUMNS = [21, 22, 23] as const;
const KEYMAP = [['1', '2', 'ok']] as const;
const TIMING = { debounceMs: 10, longPressMs: 800 };
const EVENT_TIMEOUT_MS = 5_000;
/**
 * Long enough that a guest stall (the scanner and the "finger" share one
 * event loop, so a stall delays both and their overdue timers then fire back
 * to back) still leaves two scans inside the press for the debounce.
 */
const SHORT_PRESS_MS = 300;

/** One keypad session: three presses on the mock's column lines, the events that came out. */
async function session(idle: 'poll' | 'edge'): Promise<{ rowDrivenWhileIdle: number; events: string[]; held: string[]; counters: Record<string, number> }> {
  const chip = await findChip(GPIO_MOCKUP.label);
  for (const c of COLUMNS) await driveLine(chip, c, 0);
  const events: KeyEvent[] = [];
  const ref = (offset: number) => ({ chip: GPIO_MOCKUP.label, offset });
  const keypad = await MatrixKeypad.open({
    gpio: new OnoffGpioBackend(),
    clock: new SystemClock(),
    rows: [ref(ROW)],
    columns: COLUMNS.map(ref),
    keymap: KEYMAP.map((r) => [...r]),
    timing: TIMING,
    idle,
  });
  keypad.onKey((e) => events.push(e));
  try {
    // Idle: every drive line active, so any key shows on its sense line.
    const rowDrivenWhileIdle = await lineLevel(chip, ROW);
    const press = async (column: number, holdMs: number, expected: number): Promise<void> => {
      await driveLine(chip, column, 1);
      await sleep(holdMs);
      await driveLine(chip, column, 0);
      await waitFor(() => events.length >= expected, EVENT_TIMEOUT_MS, `key events after column ${column}`);
    };
    await sleep(300); // idle for a while: polling scans, or sleeping on the sense lines' interrupts
    await press(COLUMNS[1], SHORT_PRESS_MS, 2); // '2': down, up
    await press(COLUMNS[0], SHORT_PRESS_MS, 4); // '1': down, up
    await press(COLUMNS[2], 1_300, 7); // 'ok' held past longPressMs: down, long-press, up
    await sleep(300);
    return { rowDrivenWhileIdle, events: events.map((e) => `${e.type} ${e.key}`), held: [...keypad.held()], counters: { ...keypad.counters } };
  } finally {
    await keypad.close();
  }
}

/**
 * Both idle modes of the driver: 'poll' keeps reading the sense lines;
 * 'edge' sleeps on their interrupts (real ones, from gpio-mockup's irq_sim)
 * and must not miss a press for it.
 */
export async function halKeypad(): Promise<CheckResult> {
  const poll = await session('poll');
  const edge = await session('edge');
  return { ok: true, poll, edge };
}
