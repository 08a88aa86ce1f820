import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HardwareError } from '../../../hal/index.js';
import type { Ringer } from '../../../hal/index.js';

export interface RingerHarness {
  ringer: Ringer;
  /** Whether the bell makes sound now, as heard outside (the buzzer pin, the tone source, the simulator). */
  soundingNow(): boolean;
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

export function ringerContract(name: string, make: () => Promise<RingerHarness>): void {
  describe(`Ringer contract: ${name}`, () => {
    let h: RingerHarness;
    beforeEach(async () => {
      h = await make();
    });
    afterEach(() => h.close());

    it('rings in the standard cadence: 1 s on, 4 s off, again', async () => {
      h.ringer.ring();
      expect(h.ringer.ringing).toBe(true);
      const heard: boolean[] = [];
      for (const t of [500, 1000, 1000, 2000, 1000]) {
        await h.advance(t);
        heard.push(h.soundingNow());
      }
      // at 0.5 s, 1.5 s, 2.5 s, 4.5 s, 5.5 s
      expect(heard).toEqual([true, false, false, false, true]);
    });

    it('rings a double cadence', async () => {
      h.ringer.ring('uk-double');
      const heard: boolean[] = [];
      for (const t of [200, 300, 200, 300, 1000]) {
        await h.advance(t);
        heard.push(h.soundingNow());
      }
      // 0.2 on, 0.5 gap, 0.7 on, 1.0 off, 2.0 off
      expect(heard).toEqual([true, false, true, false, false]);
    });

    it('falls silent at once when stopped', async () => {
      h.ringer.ring();
      await h.advance(100);
      h.ringer.stop();
      await h.advance(1);
      expect(h.soundingNow()).toBe(false);
      expect(h.ringer.ringing).toBe(false);
      await h.advance(6000);
      expect(h.soundingNow()).toBe(false);
    });

    it('keeps ringing silently at volume 0, and sounds again when turned up', async () => {
      h.ringer.setVolume(0);
      h.ringer.ring();
      await h.advance(100);
      expect(h.ringer.ringing).toBe(true);
      expect(h.soundingNow()).toBe(false);
      h.ringer.setVolume(60);
      await h.advance(1);
      expect(h.soundingNow()).toBe(true);
      expect(h.ringer.volume).toBe(60);
    });

    it('refuses an unknown or malformed cadence', () => {
      expect(() => h.ringer.ring('klaxon' as never)).toThrow(HardwareError);
      expect(() => h.ringer.ring([1000])).toThrow(/on\/off pairs/);
      expect(() => h.ringer.ring([1000, -5])).toThrow(/positive/);
    });
  });
}
