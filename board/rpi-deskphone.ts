import type { LineRef } from '../hal/index.js';
import { defineBoard } from './definition.js';

/**
 * The reference desk phone: a Raspberry Pi 4 (or 3/Zero 2) in a desk-phone
 * shell. The wiring is documented pin by pin in board/README.md; keep the two
 * in step. Lines are named on the SoC's gpiochip ('pinctrl-bcm2711'); the
 * offset is the BCM number, and the kernel number (base + offset) is found at
 * start-up, so the same file works on kernels with the base at 0 or 512.
 */
const SOC = 'pinctrl-bcm2711';
/** Keypad rows: driven low one at a time (active low). */
const row = (bcm: number): LineRef => ({ chip: SOC, offset: bcm, activeLow: true });
/** Keypad columns: pulled up in config.txt, read low through a closed key. */
const column = (bcm: number): LineRef => ({ chip: SOC, offset: bcm, activeLow: true });
/** LEDs and the buzzer transistor: driven high to switch on. */
const output = (bcm: number): LineRef => ({ chip: SOC, offset: bcm, activeLow: false });

export default defineBoard({
  name: 'rpi-deskphone',
  description: 'Raspberry Pi 4 desk phone: 6×6 key matrix, hook switch, 20×4 I2C LCD, five LEDs, buzzer, USB handset and speaker audio, UART console',
  keypad: {
    driver: 'gpio-matrix',
    rows: [4, 17, 27, 22, 10, 9].map(row),
    columns: [11, 5, 6, 13, 19, 26].map(column),
    keymap: [
      ['1', '2', '3', 'soft1', 'hold', 'up'],
      ['4', '5', '6', 'soft2', 'transfer', 'down'],
      ['7', '8', '9', 'soft3', 'conference', 'left'],
      ['*', '0', '#', 'soft4', 'redial', 'right'],
      ['mute', 'speaker', 'headset', 'message', 'ok', 'cancel'],
      ['volume-up', 'volume-down', null, null, null, null],
    ],
    scanIntervalMs: 5,
    debounceMs: 10,
    // Between key presses the scan loop sleeps on the columns' edge interrupts: an idle keypad costs nothing.
    idle: 'edge',
  },
  // The cradle's microswitch closes to ground while the handset rests on it:
  // the pulled-up line reads high (logical 1, off hook) once the handset is lifted.
  hookSwitch: { driver: 'gpio-switch', line: { chip: SOC, offset: 16, activeLow: false }, debounceMs: 30, flashMinMs: 100, flashMaxMs: 700 },
  display: { driver: 'hd44780-pcf8574', bus: 1, address: 0x27, wiring: 'standard', rows: 4, columns: 20 },
  leds: {
    message: { driver: 'gpio-led', line: output(12) },
    line: { driver: 'gpio-led', line: output(20) },
    speaker: { driver: 'gpio-led', line: output(21) },
    mute: { driver: 'gpio-led', line: output(23) },
    headset: { driver: 'gpio-led', line: output(24) },
  },
  ringer: { driver: 'gpio-buzzer', line: output(18) },
  audio: {
    driver: 'alsa',
    routes: {
      handset: { captureDevice: 'plughw:CARD=Handset,DEV=0', playbackDevice: 'plughw:CARD=Handset,DEV=0', mixer: { card: 'Handset', playbackControl: 'Speaker', captureControl: 'Mic' } },
      speaker: { captureDevice: 'plughw:CARD=Base,DEV=0', playbackDevice: 'plughw:CARD=Base,DEV=0', mixer: { card: 'Base', playbackControl: 'Speaker', captureControl: 'Mic' } },
    },
    route: 'handset',
  },
  serial: { driver: 'serialport', path: '/dev/serial0', baudRate: 115200 },
});
