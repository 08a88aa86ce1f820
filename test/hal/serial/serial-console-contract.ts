import { afterEach, describe, expect, it } from 'vitest';
import type { SerialConsole, SerialConsoleEvent } from '../../../hal/serial/index.js';

/** The far end of the line: what a person's terminal sends and shows. */
export interface SerialHarness {
  console: SerialConsole;
  type(text: string): Promise<void> | void;
  /** Waits until the terminal has shown at least `text` (or fails), and returns all it has shown. */
  shown(text: string): Promise<string>;
  dispose(): Promise<void> | void;
}

export function serialConsoleContract(driver: string, make: () => Promise<SerialHarness>): void {
  describe(`SerialConsole contract: ${driver}`, () => {
    let h: SerialHarness | undefined;
    afterEach(async () => {
      await h?.console.close();
      await h?.dispose();
      h = undefined;
    });

    it('opens, reports it, and closes', async () => {
      h = await make();
      const events: SerialConsoleEvent['type'][] = [];
      h.console.onEvent((e) => events.push(e.type));
      await h.console.open();
      expect(h.console.isOpen).toBe(true);
      await h.console.close();
      expect(h.console.isOpen).toBe(false);
      expect(events).toEqual(['opened', 'closed']);
    });

    it('delivers typed lines whole, echoing them as typed', async () => {
      h = await make();
      const lines: string[] = [];
      h.console.onLine((l) => lines.push(l));
      await h.console.open();
      await h.type('statx\x7fus\r');
      await h.shown('statx\b \bus\r\n');
      expect(lines).toEqual(['status']);
    });

    it('writes lines with CR LF, as a raw terminal needs', async () => {
      h = await make();
      await h.console.open();
      h.console.writeLine('one\ntwo');
      expect(await h.shown('one\r\ntwo\r\n')).toContain('one\r\ntwo\r\n');
    });

    it('echoes nothing while echo is off', async () => {
      h = await make();
      const lines: string[] = [];
      h.console.onLine((l) => lines.push(l));
      await h.console.open();
      h.console.setEcho('off');
      await h.type('secret\r');
      h.console.setEcho('on');
      h.console.write('>');
      const shown = await h.shown('>');
      expect(shown).toBe('\r\n>');
      expect(lines).toEqual(['secret']);
    });
  });
}
