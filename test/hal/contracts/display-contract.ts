import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Glyph, HardwareError } from '../../../hal/index.js';
import type { Display } from '../../../hal/index.js';

export interface DisplayHarness {
  display: Display;
  /** What a person reads on the glass, icons as their Glyph characters. */
  glass(): string[];
  backlight(): boolean;
  /** Waits for a display call to take effect (fake time runs for drivers that sleep). */
  done<T>(p: Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function displayContract(name: string, make: () => Promise<DisplayHarness>): void {
  describe(`Display contract: ${name}`, () => {
    let h: DisplayHarness;
    beforeEach(async () => {
      h = await make();
    });
    afterEach(() => h.close());
    const blank = (): string => ' '.repeat(h.display.columns);

    it('starts blank and lit', () => {
      expect(h.glass()).toEqual(Array.from({ length: h.display.rows }, blank));
      expect(h.backlight()).toBe(true);
    });

    it('shows a line padded to the width', async () => {
      await h.done(h.display.writeLine(0, 'Alice'));
      expect(h.glass()[0]).toBe('Alice'.padEnd(h.display.columns));
    });

    it('writes at a position without disturbing the rest of the row', async () => {
      await h.done(h.display.writeLine(1, 'Line 1'));
      await h.done(h.display.write(1, 7, 'ok'));
      expect(h.glass()[1]).toBe('Line 1 ok'.padEnd(h.display.columns));
    });

    it('clips at the end of the row', async () => {
      await h.done(h.display.write(0, h.display.columns - 2, 'xyz'));
      expect(h.glass()[0]).toBe(`${' '.repeat(h.display.columns - 2)}xy`);
      expect(h.glass()[1]).toBe(blank());
    });

    it('shows status icons', async () => {
      const line = `${Glyph.registered} 201 ${Glyph.messageWaiting}${Glyph.hold}${Glyph.mute}${Glyph.handset}${Glyph.speaker}`;
      await h.done(h.display.writeLine(0, line));
      expect(h.glass()[0]).toBe(line.padEnd(h.display.columns));
    });

    it('clears', async () => {
      await h.done(h.display.writeLine(0, 'busy'));
      await h.done(h.display.clear());
      expect(h.glass()[0]).toBe(blank());
      expect(h.display.contents()[0]).toBe(blank());
    });

    it('turns the backlight off and on', async () => {
      await h.done(h.display.setBacklight(false));
      expect(h.backlight()).toBe(false);
      await h.done(h.display.setBacklight(true));
      expect(h.backlight()).toBe(true);
    });

    it('remembers what it was asked to show', async () => {
      await h.done(h.display.writeLine(1, 'remember me'));
      expect(h.display.contents()[1]).toBe('remember me'.padEnd(h.display.columns));
    });

    it('refuses a position off the glass with a HardwareError', async () => {
      await expect(h.display.write(h.display.rows, 0, 'x')).rejects.toBeInstanceOf(HardwareError);
      await expect(h.display.write(0, -1, 'x')).rejects.toBeInstanceOf(HardwareError);
    });
  });
}
