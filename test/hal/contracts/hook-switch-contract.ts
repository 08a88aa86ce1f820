import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HookEvent, HookSwitch } from '../../../hal/index.js';

export interface HookSwitchHarness {
  hook: HookSwitch;
  lift(): Promise<void>;
  hang(): Promise<void>;
  /** A press of the cradle inside the flash window. */
  flash(): Promise<void>;
  close(): Promise<void>;
}

export function hookSwitchContract(name: string, make: () => Promise<HookSwitchHarness>): void {
  describe(`HookSwitch contract: ${name}`, () => {
    let h: HookSwitchHarness;
    let events: HookEvent['type'][];
    beforeEach(async () => {
      h = await make();
      events = [];
      h.hook.onHook((e) => events.push(e.type));
    });
    afterEach(() => h.close());

    it('starts on hook', () => {
      expect(h.hook.state).toBe('on-hook');
    });

    it('reports lifting and hanging up', async () => {
      await h.lift();
      expect(h.hook.state).toBe('off-hook');
      await h.hang();
      expect(h.hook.state).toBe('on-hook');
      expect(events).toEqual(['off-hook', 'on-hook']);
    });

    it('reports a hook flash during a call and stays off hook', async () => {
      await h.lift();
      await h.flash();
      expect(events).toEqual(['off-hook', 'flash']);
      expect(h.hook.state).toBe('off-hook');
    });

    it('does not repeat a state it is already in', async () => {
      await h.lift();
      await h.lift();
      expect(events).toEqual(['off-hook']);
    });
  });
}
