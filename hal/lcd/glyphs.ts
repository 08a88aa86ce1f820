import type { GlyphName } from '../types/index.js';
import { GLYPH_NAMES } from '../types/index.js';

/**
 * 5×8 bitmaps for the status icons, one byte per pixel row (bit 4 = leftmost
 * pixel), loaded into the HD44780's CGRAM. The controller has eight slots; the
 * icons take slots 0.. in GLYPH_NAMES order.
 */
export const GLYPH_BITMAPS: Record<GlyphName, readonly number[]> = {
  // A tick: registered with the PBX.
  registered: [0b00000, 0b00001, 0b00011, 0b10110, 0b11100, 0b01000, 0b00000, 0b00000],
  // An envelope: message waiting.
  messageWaiting: [0b00000, 0b11111, 0b11011, 0b10101, 0b10001, 0b11111, 0b00000, 0b00000],
  // Two bars: a call on hold.
  hold: [0b00000, 0b11011, 0b11011, 0b11011, 0b11011, 0b11011, 0b00000, 0b00000],
  // A microphone struck through: muted.
  mute: [0b10110, 0b01110, 0b01110, 0b01110, 0b11111, 0b00101, 0b00110, 0b00000],
  // A handset.
  handset: [0b11000, 0b11000, 0b10000, 0b10000, 0b10000, 0b11000, 0b11000, 0b00000],
  // A loudspeaker.
  speaker: [0b00001, 0b00011, 0b01111, 0b01111, 0b01111, 0b00011, 0b00001, 0b00000],
};

/** The CGRAM slot of each glyph. */
export function glyphSlot(name: GlyphName): number {
  return GLYPH_NAMES.indexOf(name);
}
