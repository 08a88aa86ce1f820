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

/**
 * hal/lcd's HD44780 driver on i2c-bus against the kernel's i2c-stub at the
 * backpack's address. The stub keeps no display, so every byte the driver
 * sends is taken from the smbus_write trace (with the kernel's timestamps)
 * and returned to the host, which replays it into the HD44780 model.
 */
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
    return {
      ok: true,
      bus,
      status,
      contents: lcd.contents(),
      counters: { ...lcd.counters },
      tickBytes,
      tickMs,
      // Compact for the console: [ms, protocol, command, ...data].
      writes: writes.map((w) => [Math.round(w.atMs * 1000) / 1000, w.address, w.protocol, w.command, ...w.data]),
    };
  } finally {
    await lcd.close();
  }
}
