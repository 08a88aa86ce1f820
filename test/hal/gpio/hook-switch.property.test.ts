import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GpioHookSwitch } from '../../../hal/gpio/index.js';
import type { LineRef } from '../../../hal/gpio/index.js';
import { GpioModel, HookSwitchModel } from '../../../hal/sim/index.js';
import { FakeClock } from '../../support/fake-clock.js';
import { advance } from '../support/async-clock.js';

const HOOK: LineRef = { chip: 'pinctrl-bcm2711', offset: 16 };

/** On-hook times away from the edges of the 100–700 ms window by more than the clock step. */
const downMs = fc.oneof(fc.integer({ min: 40, max: 94 }), fc.integer({ min: 106, max: 694 }), fc.integer({ min: 706, max: 1500 }));

describe('hook switch, property: the on-hook time alone decides knock, flash or hang-up', () => {
  it('holds whatever the contacts do for up to 25 ms at each end', async () => {
    await fc.assert(
      fc.asyncProperty(downMs, fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 1, max: 1 << 30 }), async (down, bounceDown, bounceUp, seed) => {
        const clock = new FakeClock();
        const gpio = new GpioModel({ now: () => clock.now() });
        const cradle = new HookSwitchModel({ gpio, clock, line: HOOK, seed, offHook: true });
        const hook = await GpioHookSwitch.open({ gpio, clock, line: HOOK });
        const events: string[] = [];
        hook.onHook((e) => events.push(e.type));
        try {
          cradle.hang(bounceDown);
          await advance(clock, down, 2);
          cradle.lift(bounceUp);
          await advance(clock, 800, 4);
          const expected = down < 100 ? [] : down <= 700 ? ['flash'] : ['on-hook', 'off-hook'];
          expect(events).toEqual(expected);
          expect(hook.state).toBe('off-hook');
        } finally {
          await hook.close();
        }
      }),
      { numRuns: 40, seed: 6 },
    );
  });
});
