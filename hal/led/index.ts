export { CadencePlayer } from './cadence.js';
export type { GpioLedOptions } from './gpio-led.js';
export { GpioLed } from './gpio-led.js';
