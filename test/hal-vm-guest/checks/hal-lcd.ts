import { CharacterLcd } from '../../../hal/lcd/index.js';
import { Glyph } from '../../../hal/index.js';
import { SystemClock } from '../../../firmware/clock/index.js';
import { I2C_STUB_ADDRESS } from '../../../scripts/vm/guest-devices.js';
import { findStubBus } from './i2c-bus-stub.js';
import { startSmbusTrace, stopSmbusTrace } from '../smbus-trace.js';
import type { CheckResult } from '../report.js';

/** What the phone puts on the glass in this check: an idle screen, then a clock tick. */
export const LCD_SCREEN = [`${Glyph.registered} 201 Alice`, '12:34  Menu'] as const;
export const LCD_TICK = { row: 1, column: 3, text: '5' } as const;
/** Nothing answers here on the VM's bus (i2c-stub serves only 0x27). */
const ABSENT_ADDRESS = 0x3f;

/**
 * hal/lcd's HD44780 driver on i2c-bus against the kernel's i2c-stub at the
 * backpack's address. The stub keeps no display, so every byte the driver
 * sends is taken from the smbus_write trace (with the kernel's timestamps)
 * and returned to the host, which replays it into the HD44780 model.
 */
/** An LCD configured where nothing answers: the driver must report it missing, keep the text, and not throw. */
async function absentDisplay(bus: number): Promise<{ status: string; error: string; writeRejected: boolean; contents: string[] }> {
  const lcd = new CharacterLcd({ clock: new SystemClock(), bus, address: ABSENT_ADDRESS, rows: 2, columns: 16, retryMs: 60_000 });
  try {
    await lcd.ready;
    const writeRejected = await lcd.writeLine(0, 'nobody home').then(
      () => false,
      () => true,
    );
    const status = lcd.status;
    return { status: status.state, error: status.state === 'missing' ? status.error.message : '', writeRejected, contents: lcd.contents() };
  } finally {
    await lcd.close();
  }
}

export async function halLcd(): Promise<CheckResult> {
  const bus = await findStubBus();
  await startSmbusTrace();
  const lcd = new CharacterLcd({ clock: new SystemClock(), bus, address: I2C_STUB_ADDRESS, rows: 2, columns: 16 });
  try {
    await lcd.ready;
    const status = lcd.status.state;
    await lcd.writeLine(0, LCD_SCREEN[0]);
    await lcd.writeLine(1, LCD_SCREEN[1]);
    const bytesBeforeTick = lcd.counters.bytesSent;
    const t0 = performance.now();
    await lcd.write(LCD_TICK.row, LCD_TICK.column, LCD_TICK.text);
    const tickMs = performance.now() - t0;
    const tickBytes = lcd.counters.bytesSent - bytesBeforeTick;
    const writes = await stopSmbusTrace();
    const absent = await absentDisplay(bus);
    return {
      ok: true,
      bus,
      status,
      contents: lcd.contents(),
      counters: { ...lcd.counters },
      tickBytes,
      tickMs,
      absent,
      // Compact for the console: [ms, protocol, command, ...data].
      writes: writes.map((w) => [Math.round(w.atMs * 1000) / 1000, w.address, w.protocol, w.command, ...w.data]),
    };
  } finally {
    await lcd.close();
  }
}
