/**
 * Each HAL interface's one contract, run against the simulated device and the
 * real driver (the real driver talking to a model of its hardware).
 */
import { GpioHookSwitch, MatrixKeypad } from '../../../hal/gpio/index.js';
import type { LineRef } from '../../../hal/gpio/index.js';
import { CharacterLcd } from '../../../hal/lcd/index.js';
import { GpioLed } from '../../../hal/led/index.js';
import { GpioBuzzer, SpeakerRinger } from '../../../hal/ringer/index.js';
import type { RingToneSource } from '../../../hal/ringer/index.js';
import { GpioModel, HookSwitchModel, Hd44780Model, KeypadMatrixModel, SimDisplay, SimHookSwitch, SimKeypad, SimLed, SimRinger } from '../../../hal/sim/index.js';
import { FakeClock } from '../../support/fake-clock.js';
import { advance, untilSettled } from '../support/async-clock.js';
import { displayContract } from './display-contract.js';
import { hookSwitchContract } from './hook-switch-contract.js';
import { keypadContract } from './keypad-contract.js';
import { ledContract } from './led-contract.js';
import { ringerContract } from './ringer-contract.js';

const CHIP = 'pinctrl-bcm2711';
const pin = (offset: number): LineRef => ({ chip: CHIP, offset, activeLow: true });

// ---- Keypad ----
keypadContract('simulated', async () => {
  const clock = new FakeClock();
  const keypad = new SimKeypad(clock);
  return {
    keypad,
    tap: async (k) => keypad.press(k),
    down: async (k) => keypad.hold(k),
    up: async (k) => keypad.release(k),
    holdLong: async (k) => {
      if (['up', 'down', 'left', 'right', 'volume-up', 'volume-down'].includes(k)) {
        keypad.hold(k);
        keypad.repeat(k);
        keypad.release(k);
      } else keypad.longPress(k);
    },
    close: () => keypad.close(),
  };
});

const ROWS = [5, 6, 13, 19, 26].map(pin);
const COLS = [12, 16, 20, 21, 7].map(pin);
const KEYMAP = [
  ['1', '2', '3', 'soft1', 'up'],
  ['4', '5', '6', 'hold', 'down'],
  ['7', '8', '9', 'transfer', 'ok'],
  ['*', '0', '#', 'redial', 'cancel'],
  ['mute', 'speaker', 'headset', 'message', null],
] as const;

for (const idle of ['poll', 'edge'] as const) {
keypadContract(`GPIO matrix driver on a key matrix model with bouncing contacts (idle: ${idle})`, async () => {
  const clock = new FakeClock();
  const gpio = new GpioModel({ now: () => clock.now() });
  const matrix = new KeypadMatrixModel({ gpio, rows: ROWS, columns: COLS, keymap: KEYMAP, now: () => clock.now(), seed: 11 });
  const keypad = await MatrixKeypad.open({ gpio, clock, rows: ROWS, columns: COLS, keymap: KEYMAP, idle });
  const down = async (k: Parameters<typeof matrix.press>[0]): Promise<void> => {
    matrix.press(k, 5);
    await advance(clock, 40);
  };
  const up = async (k: Parameters<typeof matrix.press>[0]): Promise<void> => {
    matrix.release(k, 5);
    await advance(clock, 40);
  };
  return {
    keypad,
    tap: async (k) => {
      await down(k);
      await up(k);
    },
    down,
    up,
    holdLong: async (k) => {
      matrix.press(k, 5);
      await advance(clock, 1200, 5);
      await up(k);
    },
    close: () => keypad.close(),
  };
});
}

// ---- HookSwitch ----
hookSwitchContract('simulated', async () => {
  const hook = new SimHookSwitch(new FakeClock());
  return { hook, lift: async () => hook.lift(), hang: async () => hook.hang(), flash: async () => hook.flash(), close: () => hook.close() };
});

hookSwitchContract('GPIO driver on a bouncing cradle switch', async () => {
  const clock = new FakeClock();
  const gpio = new GpioModel({ now: () => clock.now() });
  const line = pin(17);
  const cradle = new HookSwitchModel({ gpio, clock, line, seed: 5 });
  const hook = await GpioHookSwitch.open({ gpio, clock, line });
  return {
    hook,
    lift: async () => {
      cradle.lift(20);
      await advance(clock, 100);
    },
    hang: async () => {
      cradle.hang(20);
      await advance(clock, 1000);
    },
    flash: async () => {
      cradle.hang(15);
      await advance(clock, 350);
      cradle.lift(15);
      await advance(clock, 200);
    },
    close: () => hook.close(),
  };
});

// ---- Display ----
displayContract('simulated 20×4', async () => {
  const display = new SimDisplay(4, 20);
  return { display, glass: () => display.contents(), backlight: () => display.backlightOn, done: (p) => p, close: () => display.close() };
});

for (const [rows, columns, wiring] of [
  [2, 16, 'standard'],
  [4, 20, 'mjkdz'],
] as const) {
  displayContract(`HD44780 driver ${columns}×${rows} (${wiring} backpack) on the HD44780+PCF8574 model`, async () => {
    const clock = new FakeClock(1000);
    const model = new Hd44780Model({ now: () => clock.now(), rows, columns, wiring, address: 0x3f });
    const display = new CharacterLcd({ clock, bus: 1, address: 0x3f, rows, columns, wiring, openBus: async () => model });
    await untilSettled(clock, display.ready);
    return { display, glass: () => model.glass(), backlight: () => model.backlight, done: (p) => untilSettled(clock, p), close: () => display.close() };
  });
}

// ---- Led ----
ledContract('simulated', async () => {
  const clock = new FakeClock();
  const led = new SimLed('message', clock);
  return { led, litNow: () => led.lit, advance: async (ms) => clock.advance(ms), close: () => led.close() };
});

ledContract('GPIO driver, lamp watched on the pin', async () => {
  const clock = new FakeClock();
  const gpio = new GpioModel({ now: () => clock.now() });
  const line = pin(24);
  const led = await GpioLed.open({ gpio, clock, name: 'message', line });
  // Active low: the lamp lights when the pin is driven low.
  return { led, litNow: () => gpio.outputLevel(line) === 0, advance: (ms) => advance(clock, ms, 5), close: () => led.close() };
});

// ---- Ringer ----
ringerContract('simulated', async () => {
  const clock = new FakeClock();
  const ringer = new SimRinger(clock);
  return { ringer, soundingNow: () => ringer.sounding, advance: async (ms) => clock.advance(ms), close: () => ringer.close() };
});

ringerContract('GPIO buzzer, heard on the pin', async () => {
  const clock = new FakeClock();
  const gpio = new GpioModel({ now: () => clock.now() });
  const line: LineRef = { chip: CHIP, offset: 18 };
  const ringer = await GpioBuzzer.open({ gpio, clock, line });
  return { ringer, soundingNow: () => gpio.outputLevel(line) === 1, advance: (ms) => advance(clock, ms, 50), close: () => ringer.close() };
});

ringerContract('ring tone through the speaker, heard at the tone source', async () => {
  const clock = new FakeClock();
  let playingAt: number | undefined;
  const tone: RingToneSource = {
    start: (volume) => {
      playingAt = volume;
    },
    stop: () => {
      playingAt = undefined;
    },
  };
  const ringer = new SpeakerRinger({ clock, tone });
  return { ringer, soundingNow: () => playingAt !== undefined && playingAt > 0, advance: async (ms) => clock.advance(ms), close: () => ringer.close() };
});
