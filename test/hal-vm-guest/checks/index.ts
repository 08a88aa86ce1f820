import type { CheckResult } from '../report.js';
import { gpioOnoff } from './gpio-onoff.js';
import { i2cBusStub } from './i2c-bus-stub.js';
import { alsaLoopback } from './alsa-loopback.js';
import { serialUart } from './serial-uart.js';
import { halHookSwitch } from './hal-hook-switch.js';
import { halKeypad } from './hal-keypad.js';
import { halLcd } from './hal-lcd.js';
import { halAudio } from './hal-audio.js';
import { halAudioResampled } from './hal-audio-resampled.js';
import { halConsole } from './hal-console.js';
import { boardBuild, boardDoctor } from './board-doctor.js';

export { SERIAL_BYTES, SERIAL_ECHO_TRANSFORM } from './serial-uart.js';
export { LCD_SCREEN, LCD_TICK } from './hal-lcd.js';
export { CARD_RATE, TONE_AMPLITUDE } from './hal-audio-resampled.js';
export { CONSOLE_LOGIN, CONSOLE_STATUS } from './hal-console.js';
export { ABSENT_LCD_ADDRESS } from './board-doctor.js';

/**
 * Guest checks by name, in the order they run: first the raw libraries on
 * the kernel's drivers, then the project's HAL drivers on the same devices.
 */
export const CHECKS: Readonly<Record<string, () => Promise<CheckResult>>> = {
  'gpio-onoff': gpioOnoff,
  'i2c-bus-stub': i2cBusStub,
  'alsa-loopback': alsaLoopback,
  'serial-uart': serialUart,
  'hal-hook-switch': halHookSwitch,
  'hal-keypad': halKeypad,
  'hal-lcd': halLcd,
  'hal-audio': halAudio,
  'hal-audio-resampled': halAudioResampled,
  // After serial-uart: the host's end of the UART first echoes, then plays the terminal.
  'hal-console': halConsole,
  // Last: doctor opens the UART, which the two checks above talk through.
  'board-doctor': boardDoctor,
  'board-build': boardBuild,
};
