import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyEvent, Keypad, KeyName } from '../../../hal/index.js';

/** How the contract drives one keypad implementation: the hardware (or simulated) side of the keys. */
export interface KeypadHarness {
  keypad: Keypad;
  tap(key: KeyName): Promise<void>;
  down(key: KeyName): Promise<void>;
  up(key: KeyName): Promise<void>;
  /** Holds a key past the long-press time (and past several repeat intervals), then lets go. */
  holdLong(key: KeyName): Promise<void>;
  close(): Promise<void>;
}

/** One contract for every Keypad: the simulated one and the GPIO matrix driver behave alike. */
export function keypadContract(name: string, make: () => Promise<KeypadHarness>): void {
  describe(`Keypad contract: ${name}`, () => {
    let h: KeypadHarness;
    let events: KeyEvent[];
    const seen = (): string[] => events.map((e) => `${e.type} ${e.key}`);
    beforeEach(async () => {
      h = await make();
      events = [];
      h.keypad.onKey((e) => events.push(e));
    });
    afterEach(() => h.close());

    it('reports a tap as down then up of that key', async () => {
      await h.tap('5');
      expect(seen()).toEqual(['down 5', 'up 5']);
    });

    it('names dial keys and function keys', async () => {
      for (const k of ['*', '#', '0', 'soft1', 'hold', 'transfer', 'redial', 'ok'] as const) await h.tap(k);
      expect(seen().filter((e) => e.startsWith('down'))).toEqual(['down *', 'down #', 'down 0', 'down soft1', 'down hold', 'down transfer', 'down redial', 'down ok']);
    });

    it('stamps events with non-decreasing clock times', async () => {
      await h.tap('1');
      await h.tap('2');
      const times = events.map((e) => e.atMs);
      expect(times).toEqual([...times].sort((a, b) => a - b));
    });

    it('knows which keys are held', async () => {
      await h.down('2');
      expect([...h.keypad.held()]).toEqual(['2']);
      await h.up('2');
      expect(h.keypad.held().size).toBe(0);
    });

    it('reports a long press of a digit once, between its down and up', async () => {
      await h.holdLong('1');
      expect(seen()).toEqual(['down 1', 'long-press 1', 'up 1']);
    });

    it('auto-repeats a held navigation key instead of long-pressing it', async () => {
      await h.holdLong('down');
      const s = seen();
      expect(s[0]).toBe('down down');
      expect(s.at(-1)).toBe('up down');
      expect(s.filter((e) => e === 'repeat down').length).toBeGreaterThanOrEqual(1);
      expect(s).not.toContain('long-press down');
    });

    it('stops telling a listener that unsubscribed', async () => {
      const mine: KeyEvent[] = [];
      const off = h.keypad.onKey((e) => mine.push(e));
      off();
      await h.tap('3');
      expect(mine).toEqual([]);
      expect(seen()).toEqual(['down 3', 'up 3']);
    });

    it('lets go of held keys when closed', async () => {
      await h.down('9');
      await h.keypad.close();
      expect(seen()).toEqual(['down 9', 'up 9']);
    });
  });
}
