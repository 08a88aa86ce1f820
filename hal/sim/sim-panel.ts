import type { HalClock } from '../clock.js';
import type { KeyEvent, HookEvent, LedName, Unsubscribe } from '../types/index.js';
import { LED_NAMES, Listeners } from '../types/index.js';
import { SimDisplay } from './sim-display.js';
import type { SimDisplayState } from './sim-display.js';
import { SimHookSwitch } from './sim-hook-switch.js';
import { SimKeypad } from './sim-keypad.js';
import { SimLed } from './sim-led.js';
import type { SimLedState } from './sim-led.js';
import { SimRinger } from './sim-ringer.js';
import type { SimRingerState } from './sim-ringer.js';

/** Everything that happens on the simulated phone's front, as one stream for the virtual front panel. */
export type PanelEvent =
  | { device: 'keypad'; event: KeyEvent }
  | { device: 'hook'; event: HookEvent }
  | { device: 'display'; state: SimDisplayState }
  | { device: 'led'; state: SimLedState }
  | { device: 'ringer'; state: SimRingerState };

export interface PanelSnapshot {
  display: SimDisplayState;
  hook: 'on-hook' | 'off-hook';
  leds: SimLedState[];
  ringer: SimRingerState;
}

export interface SimPanelOptions {
  clock: HalClock;
  rows?: number;
  columns?: number;
  leds?: readonly LedName[];
}

/**
 * The simulated phone's front: keypad, cradle, display, lamps and bell, built
 * together so the web's virtual front panel subscribes to one `onEvent` stream
 * and drives the phone through the same instruments tests use
 * (`panel.keypad.press('5')`, `panel.hook.lift()`).
 */
export class SimPanel {
  readonly keypad: SimKeypad;
  readonly hook: SimHookSwitch;
  readonly display: SimDisplay;
  readonly leds: Record<string, SimLed>;
  readonly ringer: SimRinger;
  private readonly events = new Listeners<PanelEvent>();

  constructor(options: SimPanelOptions) {
    this.keypad = new SimKeypad(options.clock);
    this.hook = new SimHookSwitch(options.clock);
    this.display = new SimDisplay(options.rows ?? 4, options.columns ?? 20);
    this.ringer = new SimRinger(options.clock);
    this.leds = {};
    for (const name of options.leds ?? LED_NAMES) {
      const led = new SimLed(name, options.clock);
      led.onChange((state) => this.events.emit({ device: 'led', state }));
      this.leds[name] = led;
    }
    this.keypad.onKey((event) => this.events.emit({ device: 'keypad', event }));
    this.hook.onHook((event) => this.events.emit({ device: 'hook', event }));
    this.display.onChange((state) => this.events.emit({ device: 'display', state }));
    this.ringer.onChange((state) => this.events.emit({ device: 'ringer', state }));
  }

  onEvent(listener: (event: PanelEvent) => void): Unsubscribe {
    return this.events.add(listener);
  }

  /** The whole front at once, for a panel that has just connected. */
  snapshot(): PanelSnapshot {
    return {
      display: { rows: this.display.text(), backlight: this.display.backlightOn },
      hook: this.hook.state,
      leds: Object.values(this.leds).map((l) => ({ name: l.name, pattern: l.pattern, lit: l.lit })),
      ringer: { ringing: this.ringer.ringing, sounding: this.ringer.sounding, volume: this.ringer.volume },
    };
  }

  async close(): Promise<void> {
    await Promise.all([this.keypad.close(), this.hook.close(), this.display.close(), this.ringer.close(), ...Object.values(this.leds).map((l) => l.close())]);
    this.events.clear();
  }
}
