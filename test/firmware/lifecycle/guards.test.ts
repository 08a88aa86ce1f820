import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../support/fake-clock.js';
import { guardCallControl, guardClock, guardDisplay, guardHookSwitch, guardKeypad } from '../../../firmware/lifecycle/guards.js';
import { SimDisplay, SimHookSwitch, SimKeypad } from '../../../hal/sim/index.js';
import type { Display } from '../../../hal/index.js';
import type { CallControl } from '../../../firmware/phone/phone-ports.js';
import type { CallEvent } from '../../../firmware/phone/phone-events.js';

// The fences: an exception in a handler that a device, a timer or the call
// layer calls back is reported to the part, and the device goes on working.

describe('handler fences', () => {
  it('a throwing key handler is reported; the keypad delivers the next key', () => {
    const errors: unknown[] = [];
    const keypad = new SimKeypad(new FakeClock());
    const keys: string[] = [];
    guardKeypad(keypad, (e) => errors.push(e)).onKey((e) => {
      if (e.key === '5') throw new Error('handler bug on 5');
      keys.push(`${e.key}:${e.type}`);
    });
    keypad.press('5');
    keypad.press('6');
    // Both of 5's events (down and up) reached the throwing handler; 6 arrived as if nothing had happened.
    expect(errors).toEqual([new Error('handler bug on 5'), new Error('handler bug on 5')]);
    expect(keys).toEqual(['6:down', '6:up']);
  });

  it('a throwing hook handler is reported; the state still reads through', () => {
    const errors: unknown[] = [];
    const hook = new SimHookSwitch(new FakeClock());
    const guarded = guardHookSwitch(hook, (e) => errors.push(e));
    guarded.onHook(() => {
      throw new Error('off-hook handler bug');
    });
    hook.lift();
    expect(errors).toHaveLength(1);
    expect(guarded.state).toBe('off-hook');
  });

  it('a throwing timer callback is reported instead of escaping the timer queue', () => {
    const clock = new FakeClock();
    const errors: unknown[] = [];
    const guarded = guardClock(clock, (e) => errors.push(e));
    let later = false;
    guarded.setTimeout(() => {
      throw new Error('redraw threw');
    }, 10);
    guarded.setTimeout(() => (later = true), 20);
    expect(() => clock.advance(30)).not.toThrow();
    expect(errors).toEqual([new Error('redraw threw')]);
    expect(later).toBe(true);
    expect(guarded.now()).toBe(30);
  });

  it('a display whose writes reject or throw is reported; the write itself resolves', async () => {
    const errors: unknown[] = [];
    const sim = new SimDisplay(2, 16);
    let mode: 'ok' | 'reject' | 'throw' = 'ok';
    const flaky: Display = Object.assign(Object.create(sim) as Display, {
      writeLine: (row: number, text: string) => {
        if (mode === 'reject') return Promise.reject(new Error('I2C: no ACK'));
        if (mode === 'throw') throw new Error('driver bug');
        return sim.writeLine(row, text);
      },
    });
    const guarded = guardDisplay(flaky, (e) => errors.push(e));
    await guarded.writeLine(0, 'Front desk');
    mode = 'reject';
    await expect(guarded.writeLine(1, 'lost')).resolves.toBeUndefined();
    mode = 'throw';
    await expect(guarded.writeLine(1, 'lost')).resolves.toBeUndefined();
    expect(errors).toEqual([new Error('I2C: no ACK'), new Error('driver bug')]);
    expect(guarded.contents()[0]).toMatch(/^Front desk/);
    expect([guarded.rows, guarded.columns]).toEqual([2, 16]);
  });

  it('an exception in the phone’s handling of a call event stays out of the call layer', () => {
    const listeners: Array<(e: CallEvent) => void> = [];
    const calls = { onEvent: (l: (e: CallEvent) => void) => (listeners.push(l), () => undefined), hangup: (id: string) => hungUp.push(id) } as unknown as CallControl;
    const hungUp: string[] = [];
    const errors: unknown[] = [];
    const guarded = guardCallControl(calls, (e) => errors.push(e));
    guarded.onEvent(() => {
      throw new Error('phone machine bug');
    });
    expect(() => listeners[0]!({ type: 'answered', callId: 'out-1' })).not.toThrow();
    expect(errors).toHaveLength(1);
    guarded.hangup('out-1');
    expect(hungUp).toEqual(['out-1']);
  });
});
