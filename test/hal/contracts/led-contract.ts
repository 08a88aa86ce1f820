import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Led } from '../../../hal/index.js';

export interface LedHarness {
  led: Led;
  /** Whether the lamp is lit, as seen from outside (the GPIO pin, the simulator's state). */
  litNow(): boolean;
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

export function ledContract(name: string, make: () => Promise<LedHarness>): void {
  describe(`Led contract: ${name}`, () => {
    let h: LedHarness;
    beforeEach(async () => {
      h = await make();
    });
    afterEach(() => h.close());

    it('starts dark, lights and goes dark', async () => {
      expect(h.litNow()).toBe(false);
      h.led.set('on');
      await h.advance(1);
      expect(h.litNow()).toBe(true);
      expect(h.led.lit).toBe(true);
      h.led.set('off');
      await h.advance(1);
      expect(h.litNow()).toBe(false);
    });

    it('blinks fast: 125 ms on, 125 ms off', async () => {
      h.led.set('fast-blink');
      const samples: boolean[] = [];
      for (let i = 0; i < 8; i++) {
        await h.advance(i === 0 ? 60 : 125);
        samples.push(h.litNow());
      }
      expect(samples).toEqual([true, false, true, false, true, false, true, false]);
    });

    it('blinks to a custom cadence and holds still when set steady', async () => {
      h.led.set({ blink: { onMs: 100, offMs: 300 } });
      await h.advance(50);
      expect(h.litNow()).toBe(true);
      await h.advance(100);
      expect(h.litNow()).toBe(false);
      await h.advance(250);
      expect(h.litNow()).toBe(true);
      h.led.set('on');
      await h.advance(1000);
      expect(h.litNow()).toBe(true);
      expect(h.led.pattern).toBe('on');
    });
  });
}
