import { Glyph, GLYPH_NAMES } from '../types/index.js';
import type { BackpackWiring } from './backpack-wiring.js';

/**
 * HD44780U instruction set (Hitachi HD44780U datasheet, Table 6) and the
 * character ROM A00 (Table 4), the parts a desk phone's status display uses.
 */
export const Instruction = {
  CLEAR_DISPLAY: 0x01,
  RETURN_HOME: 0x02,
  /** | I/D (increment) | S (shift display). */
  ENTRY_MODE_SET: 0x04,
  ENTRY_INCREMENT: 0x02,
  /** | D (display on) | C (cursor) | B (blink). */
  DISPLAY_CONTROL: 0x08,
  DISPLAY_ON: 0x04,
  /** | DL (8-bit) | N (2 lines) | F (5×10 font). */
  FUNCTION_SET: 0x20,
  FUNCTION_8BIT: 0x10,
  FUNCTION_2LINE: 0x08,
  SET_CGRAM_ADDRESS: 0x40,
  SET_DDRAM_ADDRESS: 0x80,
} as const;

/**
 * Datasheet timing (Table 6 at fosc 270 kHz, and Figure 24 "4-bit interface"),
 * rounded up to what a millisecond clock can wait. Ordinary instructions take
 * 37 µs, less than one I2C byte at 100 kHz, so only these need explicit waits.
 */
export const Hd44780Timing = {
  /** Figure 24: wait for more than 40 ms after Vcc rises to 2.7 V. */
  POWER_ON_MS: 50,
  /** Figure 24: wait for more than 4.1 ms after the first function set. */
  FIRST_FUNCTION_SET_MS: 5,
  /** Figure 24: wait for more than 100 µs after the second. */
  SECOND_FUNCTION_SET_MS: 1,
  /** Table 6: clear display and return home take 1.52 ms. */
  CLEAR_MS: 2,
} as const;

/** DDRAM address of each row's first character; 20×4 modules continue rows 0/1 into rows 2/3. */
export function rowOffsets(rows: number, columns: number): number[] {
  return [0x00, 0x40, columns, 0x40 + columns].slice(0, rows);
}

/** The two expander bytes that clock one nibble into the controller: E high, then E low (it latches on the falling edge). */
export function nibbleBytes(nibble: number, rs: boolean, backlight: boolean, w: BackpackWiring, out: number[]): void {
  let b = 0;
  for (let i = 0; i < 4; i++) if (nibble & (1 << i)) b |= 1 << w.data[i]!;
  if (rs) b |= 1 << w.rs;
  if (backlight !== w.backlightActiveLow) b |= 1 << w.backlight;
  out.push(b | (1 << w.e), b);
}

/** The byte that only sets the backlight (E low, so the controller ignores it). */
export function idleByte(backlight: boolean, w: BackpackWiring): number {
  return backlight !== w.backlightActiveLow ? 1 << w.backlight : 0;
}

const ROM_SPECIALS: Record<string, number> = { '¥': 0x5c, '→': 0x7e, '←': 0x7f, '°': 0xdf, '·': 0xa5 };
const GLYPH_CODES = new Map<string, number>(GLYPH_NAMES.map((n, slot) => [Glyph[n], slot]));

/**
 * The ROM code for a character. ASCII maps to itself except where ROM A00
 * differs (0x5C is ¥, 0x7E/0x7F are arrows); accented letters lose their
 * accents (a contact "Zoë" shows as "Zoe"); glyphs go to their CGRAM slot;
 * anything else shows as '?'.
 */
export function charCode(ch: string): number {
  const glyph = GLYPH_CODES.get(ch);
  if (glyph !== undefined) return glyph;
  const special = ROM_SPECIALS[ch];
  if (special !== undefined) return special;
  let c = ch.codePointAt(0) ?? 0x3f;
  if (c > 0x7f) {
    const plain = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    c = plain.length === 1 ? plain.charCodeAt(0) : 0x3f;
  }
  if (c < 0x20 || c > 0x7d || c === 0x5c) return 0x3f;
  return c;
}
