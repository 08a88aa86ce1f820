import type { Unsubscribe } from './listeners.js';

/**
 * Status icons the phone draws. Each is a character in Unicode's private-use
 * area so screens build ordinary strings (`${Glyph.registered} 201 Alice`);
 * a character LCD maps them to its custom-character slots, the simulator to
 * the symbols in GLYPH_FALLBACK.
 */
export const Glyph = {
  registered: '\uE000',
  messageWaiting: '\uE001',
  hold: '\uE002',
  mute: '\uE003',
  handset: '\uE004',
  speaker: '\uE005',
} as const;

export type GlyphName = keyof typeof Glyph;

export const GLYPH_NAMES = Object.keys(Glyph) as GlyphName[];

/** How a glyph reads in plain text (logs, the simulator's glass, the serial console). */
export const GLYPH_FALLBACK: Record<GlyphName, string> = {
  registered: '✓',
  messageWaiting: '✉',
  hold: '‖',
  mute: '✗',
  handset: '☎',
  speaker: '♪',
};

export function glyphNameOf(char: string): GlyphName | undefined {
  return GLYPH_NAMES.find((n) => Glyph[n] === char);
}

/** Replaces glyph characters with their plain-text fallback. */
export function glyphsToText(text: string): string {
  let out = '';
  for (const ch of text) {
    const name = glyphNameOf(ch);
    out += name === undefined ? ch : GLYPH_FALLBACK[name];
  }
  return out;
}

export type DisplayStatus =
  /** Looking for the display for the first time. */
  | { state: 'starting' }
  | { state: 'ready' }
  /** The display does not answer; the driver keeps retrying in the background. */
  | { state: 'missing'; error: Error };

export interface Display {
  readonly rows: number;
  readonly columns: number;
  /**
   * Writes text starting at (row, column), clipped at the end of the row; rows and
   * columns count from 0. Resolves once the glass shows it, or at once when the
   * display is missing (the text is kept and drawn when it comes back).
   */
  write(row: number, column: number, text: string): Promise<void>;
  /** Writes a whole row, padded with spaces to the display's width. */
  writeLine(row: number, text: string): Promise<void>;
  clear(): Promise<void>;
  setBacklight(on: boolean): Promise<void>;
  /** What the phone has asked the glass to show, one string per row (glyphs as their private-use characters). */
  contents(): string[];
  readonly status: DisplayStatus;
  onStatus(listener: (status: DisplayStatus) => void): Unsubscribe;
  close(): Promise<void>;
}
