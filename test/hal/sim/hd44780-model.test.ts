import { describe, expect, it } from 'vitest';
import { Glyph } from '../../../hal/index.js';
import { GLYPH_BITMAPS } from '../../../hal/lcd/index.js';
import { Hd44780Model } from '../../../hal/sim/index.js';

/**
 * The model is the oracle the LCD driver is tested against, so it is pinned
 * here by hand-computed bytes, independent of the driver's encoder. Standard
 * backpack: P0 RS, P1 RW, P2 E, P3 backlight, P4–P7 D4–D7.
 */
const E = 0x04;
const RS = 0x01;
const BL = 0x08;

/** The two bytes that strobe one nibble: E high then E low. */
const strobe = (nibble: number, flags: number): number[] => [(nibble << 4) | flags | E, (nibble << 4) | flags];
const byte4 = (value: number, flags: number): number[] => [...strobe(value >> 4, flags), ...strobe(value & 0xf, flags)];

function model(now: { t: number }) {
  return new Hd44780Model({ now: () => now.t, rows: 2, columns: 16 });
}

/** Datasheet Figure 24 with the required waits. */
function initialise(m: Hd44780Model, now: { t: number }): void {
  now.t += 50;
  [0x3, 0x3, 0x3].forEach((n, i) => {
    m.receive(strobe(n, BL)[0]!);
    m.receive(strobe(n, BL)[1]!);
    now.t += i === 0 ? 5 : 1;
  });
  strobe(0x2, BL).forEach((b) => m.receive(b));
  byte4(0x28, BL).forEach((b) => m.receive(b)); // 4-bit, 2 lines
  byte4(0x01, BL).forEach((b) => m.receive(b)); // clear
  now.t += 2;
  byte4(0x06, BL).forEach((b) => m.receive(b)); // entry: increment
  byte4(0x0c, BL).forEach((b) => m.receive(b)); // display on
}

describe('HD44780 + PCF8574 model', () => {
  it('decodes 4-bit nibbles latched on the falling edge of E, RS selecting data', () => {
    const now = { t: 0 };
    const m = model(now);
    initialise(m, now);
    // 'H' = 0x48: bytes 0x4D 0x49 0x8D 0x89 — the sequence LiquidCrystal_I2C puts on the wire.
    expect(byte4(0x48, RS | BL)).toEqual([0x4d, 0x49, 0x8d, 0x89]);
    [0x48, 0x69].forEach((c) => byte4(c, RS | BL).forEach((b) => m.receive(b)));
    expect(m.glass()[0]).toBe('Hi'.padEnd(16));
    expect(m.fourBitMode).toBe(true);
  });

  it('moves to the second row at DDRAM 0x40', () => {
    const now = { t: 0 };
    const m = model(now);
    initialise(m, now);
    byte4(0x80 | 0x40, BL).forEach((b) => m.receive(b));
    byte4(0x7e, RS | BL).forEach((b) => m.receive(b));
    expect(m.glass()[1]).toBe('→'.padEnd(16));
  });

  it('ignores bytes without an E falling edge (a backlight change is not a command)', () => {
    const now = { t: 0 };
    const m = model(now);
    initialise(m, now);
    const before = m.counters.instructions + m.counters.dataWrites;
    m.receive(0x00); // backlight off, E low
    m.receive(BL);
    m.receive(0x00);
    expect(m.counters.instructions + m.counters.dataWrites).toBe(before);
    expect(m.backlight).toBe(false);
  });

  it('loses an instruction sent while a clear is still running (1.52 ms)', () => {
    const now = { t: 0 };
    const m = model(now);
    initialise(m, now);
    byte4(0x01, BL).forEach((b) => m.receive(b)); // clear, and no wait
    byte4(0x41, RS | BL).forEach((b) => m.receive(b));
    expect(m.counters.lostWhileBusy).toBe(1);
    expect(m.glass()[0]).toBe(' '.repeat(16));
  });

  it('stays blank after an init that skips the power-on wait', () => {
    const now = { t: 0 };
    const m = model(now);
    [0x3, 0x3, 0x3, 0x2].forEach((n) => strobe(n, BL).forEach((b) => m.receive(b)));
    byte4(0x28, BL).forEach((b) => m.receive(b));
    byte4(0x0c, BL).forEach((b) => m.receive(b));
    byte4(0x41, RS | BL).forEach((b) => m.receive(b));
    expect(m.glass()[0]).not.toContain('A');
  });

  it('shows one line only when the function set leaves N=0', () => {
    const now = { t: 0 };
    const m = model(now);
    now.t += 50;
    strobe(0x2, BL).forEach((b) => m.receive(b)); // 8-bit instruction 0x20: 4-bit, 1 line
    now.t += 5;
    byte4(0x0c, BL).forEach((b) => m.receive(b));
    byte4(0xc0, BL).forEach((b) => m.receive(b));
    byte4(0x41, RS | BL).forEach((b) => m.receive(b));
    expect(m.glass()[1]).toBe(' '.repeat(16));
  });

  it('names a CGRAM character by its pixels', () => {
    const now = { t: 0 };
    const m = model(now);
    initialise(m, now);
    byte4(0x40 | (3 << 3), BL).forEach((b) => m.receive(b)); // CGRAM slot 3
    for (const row of GLYPH_BITMAPS.hold) byte4(row, RS | BL).forEach((b) => m.receive(b));
    byte4(0x80, BL).forEach((b) => m.receive(b));
    byte4(0x03, RS | BL).forEach((b) => m.receive(b));
    byte4(0x04, RS | BL).forEach((b) => m.receive(b)); // slot 4 holds nothing known
    expect(m.glass()[0]!.slice(0, 2)).toBe(`${Glyph.hold}\uFFFD`);
  });

  it('refuses transfers to another address, and when unplugged', async () => {
    const m = new Hd44780Model({ address: 0x27 });
    await expect(m.sendByte(0x3f, 0)).rejects.toThrow(/no ack/);
    m.unplug();
    await expect(m.receiveByte(0x27)).rejects.toThrow(/no ack/);
  });
});
