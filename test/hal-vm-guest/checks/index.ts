import type { CheckResult } from '../report.js';
import { gpioOnoff } from './gpio-onoff.js';
import { i2cBusStub } from './i2c-bus-stub.js';
import { alsaLoopback } from './alsa-loopback.js';
import { serialUart } from './serial-uart.js';

export { SERIAL_BYTES, SERIAL_ECHO_TRANSFORM } from './serial-uart.js';

/** Guest checks by name; the host test asks for them by these names. */
export const CHECKS: Readonly<Record<string, () => Promise<CheckResult>>> = {
  'gpio-onoff': gpioOnoff,
  'i2c-bus-stub': i2cBusStub,
  'alsa-loopback': alsaLoopback,
  'serial-uart': serialUart,
};
