import type { SimPanel } from '../../../hal/sim/index.js';
import { DigitMap } from '../../../firmware/phone/dial-plan/index.js';
import type { PhoneAppOptions } from '../../../firmware/phone/phone-app.js';

/** The simulated panel as the phone app's devices. */
export function panelDevices(panel: SimPanel): PhoneAppOptions['devices'] {
  return { keypad: panel.keypad, hookSwitch: panel.hook, display: panel.display, ringer: panel.ringer, leds: panel.leds as never };
}

/** A desk phone as the phone-app tests set it up: three-digit extensions, call waiting on, DND off. */
export function testMachine(): PhoneAppOptions['machine'] {
  return {
    dialPlan: { digitMap: DigitMap.parse('[2-9]xx'), shortTimeoutMs: 3000, longTimeoutMs: 10000, emergencyNumbers: [], rewrite: [] },
    callWaiting: true,
    doNotDisturb: false,
    volumes: { handset: 70, headset: 70, speaker: 60, ringer: 60 },
  };
}

/** The idle screen's account: registered, in UTC, no voicemail. */
export const TEST_IDLE: PhoneAppOptions['idle'] = { accountName: 'Front desk', registration: 'registered', timeZone: 'UTC', voicemail: 0 };
