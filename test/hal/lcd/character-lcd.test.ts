import { afterEach, describe, expect, it } from 'vitest';
import { CharacterLcd } from '../../../hal/lcd/index.js';
import type { CharacterLcdOptions } from '../../../hal/lcd/index.js';
import { Glyph, HardwareError } from '../../../hal/index.js';
import type { HalLog } from '../../../hal/index.js';
import { Hd44780Model } from '../../../hal/sim/index.js';
import type { Hd44780ModelOptions } from '../../../hal/sim/index.js';
import { FakeClock } from '../../support/fake-clock.js';
import { untilSettled } from '../support/async-clock.js';

let lcd: CharacterLcd | undefined;
afterEach(async () => {
  await lcd?.close();
  lcd = undefined;
});

function recordingLog(): HalLog & { warnings: string[]; infos: string[] } {
  const warnings: string[] = [];
  const infos: string[] = [];
  return { warnings, infos, debug() {}, info: (_o, m) => void infos.push(m ?? ''), warn: (_o, m) => void warnings.push(m ?? ''), error: (_o, m) => void warnings.push(m ?? '') };
}

async function setup(model: Partial<Hd44780ModelOptions> = {}, driver: Partial<CharacterLcdOptions> = {}) {
  const clock = new FakeClock(1000);
  const glass = new Hd44780Model({ now: () => clock.now(), rows: driver.rows ?? 2, columns: driver.columns ?? 16, ...model });
  const log = recordingLog();
  let opens = 0;
  lcd = new CharacterLcd({ clock, log, bus: 1, address: 0x27, rows: 2, columns: 16, openBus: async () => (opens++, glass), ...driver });
  await untilSettled(clock, lcd.ready);
  return { clock, glass, log, lcd, opens: () => opens };
}

describe('HD44780 LCD behind a PCF8574 (against a model of both chips)', () => {
  it('initialises in 4-bit mode and shows text where it was written', async () => {
    const { clock, glass, lcd } = await setup();
    await untilSettled(clock, lcd.writeLine(0, 'Alice 201'));
    await untilSettled(clock, lcd.write(1, 10, '12:34'));
    expect(glass.fourBitMode).toBe(true);
    expect(glass.glass()).toEqual(['Alice 201       ', '          12:34 ']);
    expect(glass.counters.lostWhileBusy).toBe(0);
    expect(lcd.status.state).toBe('ready');
  });

  it('drives a 20×4 module, whose rows 3 and 4 continue rows 1 and 2 in DDRAM', async () => {
    const { clock, glass, lcd } = await setup({ rows: 4, columns: 20 }, { rows: 4, columns: 20 });
    for (const [i, t] of ['one', 'two', 'three', 'four'].entries()) await untilSettled(clock, lcd.writeLine(i, `line ${t}`));
    expect(glass.glass().map((r) => r.trimEnd())).toEqual(['line one', 'line two', 'line three', 'line four']);
  });

  it('works with the mjkdz backpack wiring, backlight lit when its bit is low', async () => {
    const { clock, glass, lcd } = await setup({ wiring: 'mjkdz' }, { wiring: 'mjkdz' });
    await untilSettled(clock, lcd.writeLine(0, 'mjkdz'));
    expect(glass.glass()[0]!.trimEnd()).toBe('mjkdz');
    expect(glass.backlight).toBe(true);
    await untilSettled(clock, lcd.setBacklight(false));
    expect(glass.backlight).toBe(false);
  });

  it('reads garbage when driver and backpack disagree on the wiring (the model is not fooled)', async () => {
    const { clock, glass, lcd } = await setup({ wiring: 'mjkdz' }, { wiring: 'standard' });
    await untilSettled(clock, lcd.writeLine(0, 'Hello'));
    expect(glass.glass()[0]!.trimEnd()).not.toBe('Hello');
  });

  it('switches the backlight off and on', async () => {
    const { clock, glass, lcd } = await setup();
    expect(glass.backlight).toBe(true);
    await untilSettled(clock, lcd.setBacklight(false));
    expect(glass.backlight).toBe(false);
    await untilSettled(clock, lcd.setBacklight(true));
    expect(glass.backlight).toBe(true);
  });

  it('shows the status icons from CGRAM', async () => {
    const { clock, glass, lcd } = await setup();
    const icons = `${Glyph.registered}${Glyph.messageWaiting}${Glyph.hold}${Glyph.mute}${Glyph.handset}${Glyph.speaker}`;
    await untilSettled(clock, lcd.write(0, 0, `${icons} 201`));
    expect(glass.glass()[0]).toBe(`${icons} 201      `);
  });

  it('rewrites only the characters that changed', async () => {
    const { clock, glass, lcd } = await setup();
    await untilSettled(clock, lcd.writeLine(0, 'Call 00:09'));
    const before = glass.counters.dataWrites;
    await untilSettled(clock, lcd.writeLine(0, 'Call 00:10'));
    // "09" → "10": two characters, nothing else.
    expect(glass.counters.dataWrites - before).toBe(2);
    const same = glass.counters.bytesReceived;
    await untilSettled(clock, lcd.writeLine(0, 'Call 00:10'));
    expect(glass.counters.bytesReceived).toBe(same);
    expect(glass.glass()[0]!.trimEnd()).toBe('Call 00:10');
  });

  it('clears the glass', async () => {
    const { clock, glass, lcd } = await setup();
    await untilSettled(clock, lcd.writeLine(0, 'something'));
    await untilSettled(clock, lcd.clear());
    expect(glass.glass()).toEqual([' '.repeat(16), ' '.repeat(16)]);
    expect(lcd.contents()).toEqual([' '.repeat(16), ' '.repeat(16)]);
  });

  it('shows ROM characters for accents and symbols it can, and ? for the rest', async () => {
    const { clock, glass, lcd } = await setup();
    await untilSettled(clock, lcd.writeLine(0, 'Zoë 20°C → 漢'));
    expect(glass.glass()[0]!.trimEnd()).toBe('Zoe 20°C → ?');
  });

  it('clips text at the end of the row and refuses positions off the glass', async () => {
    const { clock, glass, lcd } = await setup();
    await untilSettled(clock, lcd.write(0, 12, 'abcdefgh'));
    expect(glass.glass()).toEqual(['            abcd', ' '.repeat(16)]);
    await expect(lcd.write(2, 0, 'x')).rejects.toBeInstanceOf(HardwareError);
  });

  it('resynchronises a controller left in 4-bit mode half way through a byte', async () => {
    const { clock, glass, lcd } = await setup({ startIn4BitMode: true });
    await untilSettled(clock, lcd.writeLine(1, 'after a crash'));
    expect(glass.glass()[1]!.trimEnd()).toBe('after a crash');
  });

  it('retries after an I2C error, re-initialises and redraws the whole screen', async () => {
    const { clock, glass, lcd, log } = await setup();
    await untilSettled(clock, lcd.writeLine(0, 'top line'));
    glass.plug(); // a brown-out: the controller forgets everything
    glass.failNext(1);
    await untilSettled(clock, lcd.writeLine(1, 'bottom'));
    expect(glass.glass().map((r) => r.trimEnd())).toEqual(['top line', 'bottom']);
    expect(lcd.status.state).toBe('ready');
    expect(log.warnings).toContain('display I2C error; re-initialising');
  });

  it('reports a missing display once, keeps the phone going, and draws the screen when it appears', async () => {
    const clock = new FakeClock(1000);
    const glass = new Hd44780Model({ now: () => clock.now() });
    glass.unplug();
    const log = recordingLog();
    const statuses: string[] = [];
    lcd = new CharacterLcd({ clock, log, bus: 1, address: 0x27, rows: 2, columns: 16, retryMs: 5000, openBus: async () => glass });
    lcd.onStatus((s) => statuses.push(s.state));
    await untilSettled(clock, lcd.ready);
    expect(lcd.status.state).toBe('missing');
    // Writes while missing resolve (nothing to wait for) and are remembered.
    await untilSettled(clock, lcd.writeLine(0, 'Ready'));
    for (let i = 0; i < 3; i++) await untilSettled(clock, new Promise<void>((r) => clock.setTimeout(r, 5000)));
    expect(log.warnings.filter((w) => w.startsWith('display not answering'))).toHaveLength(1);
    glass.plug();
    await untilSettled(clock, new Promise<void>((r) => clock.setTimeout(r, 5100)));
    expect(lcd.status.state).toBe('ready');
    expect(glass.glass()[0]!.trimEnd()).toBe('Ready');
    expect(statuses).toEqual(['missing', 'ready']);
    expect(log.infos).toContain('display is back');
  });

  it('reports a display unplugged while running as missing, then recovers when plugged back', async () => {
    const { clock, glass, lcd } = await setup({}, { retryMs: 1000 });
    await untilSettled(clock, lcd.writeLine(0, 'in a call'));
    glass.unplug();
    await untilSettled(clock, lcd.writeLine(1, '00:01'));
    expect(lcd.status.state).toBe('missing');
    glass.plug();
    await untilSettled(clock, new Promise<void>((r) => clock.setTimeout(r, 1100)));
    expect(glass.glass().map((r) => r.trimEnd())).toEqual(['in a call', '00:01']);
  });

  it('refuses an address outside the 7-bit range, naming it', () => {
    expect(() => new CharacterLcd({ clock: new FakeClock(), bus: 1, address: 0x78, rows: 2, columns: 16 })).toThrow(/0x78 is outside 0x03–0x77/);
  });
});
