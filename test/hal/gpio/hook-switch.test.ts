import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GpioHookSwitch } from '../../../hal/gpio/index.js';
import type { GpioBackend, LineRef } from '../../../hal/gpio/index.js';
import { GpioModel, HookSwitchModel } from '../../../hal/sim/index.js';
import { FakeClock } from '../../support/fake-clock.js';
import { advance, settle } from '../support/async-clock.js';

const HOOK: LineRef = { chip: 'pinctrl-bcm2711', offset: 17, activeLow: true };

let clock: FakeClock;
let gpio: GpioModel;
let cradle: HookSwitchModel;
let hook: GpioHookSwitch;
let events: string[];

async function open(offHook = false, seed = 3): Promise<void> {
  clock = new FakeClock();
  gpio = new GpioModel({ now: () => clock.now() });
  cradle = new HookSwitchModel({ gpio, clock, line: HOOK, seed, offHook });
  hook = await GpioHookSwitch.open({ gpio, clock, line: HOOK, timing: { debounceMs: 30, flashMinMs: 100, flashMaxMs: 700 } });
  events = [];
  hook.onHook((e) => events.push(`${e.type}@${e.atMs}`));
}

describe('hook switch on a GPIO line with edge interrupts', () => {
  beforeEach(() => open());
  afterEach(() => hook.close());

  it('reads the handset position at start-up', async () => {
    expect(hook.state).toBe('on-hook');
    await hook.close();
    await open(true);
    expect(hook.state).toBe('off-hook');
  });

  it('reports one off-hook for a lift whose contacts bounce for 25 ms', async () => {
    cradle.lift(25);
    await advance(clock, 200);
    expect(events).toEqual(['off-hook@0']);
    expect(hook.state).toBe('off-hook');
  });

  it('reports a hang-up only once the on-hook has outlasted the flash window, timed from the first edge', async () => {
    cradle.lift(20);
    await advance(clock, 100);
    cradle.hang(20);
    await advance(clock, 650);
    expect(events).toEqual(['off-hook@0']);
    expect(hook.state).toBe('off-hook');
    await advance(clock, 100);
    expect(events).toEqual(['off-hook@0', 'on-hook@800']);
    expect(hook.state).toBe('on-hook');
  });

  it('reports a 300 ms press of the cradle as a hook flash, not as hang-up and lift', async () => {
    cradle.lift(20);
    await advance(clock, 1000);
    cradle.hang(20);
    await advance(clock, 300);
    cradle.lift(20);
    await advance(clock, 1000);
    expect(events).toEqual(['off-hook@0', 'flash@1300']);
  });

  it('ignores a knock on the cradle shorter than the flash minimum', async () => {
    cradle.lift(0);
    await advance(clock, 1000);
    cradle.hang(10);
    await advance(clock, 60);
    cradle.lift(10);
    await advance(clock, 1000);
    expect(events).toEqual(['off-hook@0']);
  });

  it('counts a handset back up at 690 ms as a flash even though its edges settle after the window', async () => {
    cradle.lift(0);
    await advance(clock, 1000);
    cradle.hang(0);
    await advance(clock, 690);
    cradle.lift(25);
    await advance(clock, 500);
    expect(events).toEqual(['off-hook@0', 'flash@1690']);
  });

  it('handles edges that sysfs coalesces: two changes, one callback, the level re-read', async () => {
    cradle.lift(0);
    await advance(clock, 100);
    const before = gpio.edgeCallbacks;
    // Two changes before the edge callback can run: the model delivers one callback.
    gpio.setInput(HOOK, 1);
    gpio.setInput(HOOK, 0);
    await settle();
    expect(gpio.edgeCallbacks - before).toBe(1);
    await advance(clock, 100);
    // Back where it was: no event, and still off hook.
    expect(events).toEqual(['off-hook@0']);
    expect(hook.state).toBe('off-hook');
  });

  it('stops reporting and releases its line on close', async () => {
    await hook.close();
    cradle.lift(0);
    await advance(clock, 100);
    expect(events).toEqual([]);
    expect(gpio.isClaimed(HOOK)).toBe(false);
  });

  it('refuses a flash window that is not a window', async () => {
    await expect(GpioHookSwitch.open({ gpio: new GpioModel(), clock, line: HOOK, timing: { flashMinMs: 700, flashMaxMs: 100 } })).rejects.toThrow(/flashMinMs \(700\) < flashMaxMs \(100\)/);
  });
});

describe('hook switch across bounce patterns', () => {
  afterEach(() => hook.close());
  it('gives one event per gesture for twenty different bounce patterns', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      await open(false, seed);
      cradle.lift(28);
      await advance(clock, 200);
      cradle.hang(28);
      await advance(clock, 1000);
      expect(events.map((e) => e.split('@')[0])).toEqual(['off-hook', 'on-hook']);
      await hook.close();
    }
  });
});

describe('hook switch when reading the line fails', () => {
  it('keeps retrying and reports the lift once the line can be read again', async () => {
    const clock = new FakeClock();
    const gpio = new GpioModel({ now: () => clock.now() });
    let failing = 3;
    const flaky: GpioBackend = {
      request: async (req) => {
        const line = await gpio.request(req);
        return {
          ref: line.ref,
          onEdge: (l) => line.onEdge(l),
          release: () => line.release(),
          write: (v) => line.write(v),
          // The first reads after start-up fail, as a sysfs value file can with EIO.
          read: async () => {
            if (failing > 0 && clock.now() > 0) {
              failing--;
              throw new Error('EIO');
            }
            return line.read();
          },
        };
      },
    };
    const warnings: string[] = [];
    const log = { debug() {}, info() {}, warn() {}, error: (_o: object, m?: string) => void warnings.push(m ?? '') };
    const hook = await GpioHookSwitch.open({ gpio: flaky, clock, log, line: HOOK });
    const seen: string[] = [];
    hook.onHook((e) => seen.push(e.type));
    clock.advance(1);
    gpio.setInput(HOOK, 0); // active low: lifted
    await advance(clock, 300);
    expect(seen).toEqual(['off-hook']);
    expect(warnings).toEqual(['hook switch read failed; retrying']);
    await hook.close();
  });
});
