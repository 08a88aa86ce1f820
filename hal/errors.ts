/**
 * The base of every error hal/ raises on purpose. Same shape as firmware's
 * DeskphoneError (a stable machine-readable `code`, a message for people, the
 * cause) plus the `device` it concerns, so `doctor` and the logs can say which
 * part of the phone failed. Declared here because hal/ never imports firmware/
 * (DESIGN.md "The layers").
 */
export class HardwareError extends Error {
  readonly code: string;
  /** The device as the board names it: 'keypad', 'display', 'led.message', 'gpio:pinctrl-bcm2711:17'. */
  readonly device: string;

  constructor(code: string, device: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.device = device;
  }
}

/** Stable codes, so callers and tests branch on data rather than on message text. */
export const HardwareErrorCode = {
  /** The native package a driver needs is not installed or cannot load on this machine. */
  DRIVER_UNAVAILABLE: 'HAL_DRIVER_UNAVAILABLE',
  /** A board names a driver the registry does not know. */
  UNKNOWN_DRIVER: 'HAL_UNKNOWN_DRIVER',
  /** No gpiochip with the requested label, or the line is beyond the chip's ngpio. */
  GPIO_LINE_NOT_FOUND: 'HAL_GPIO_LINE_NOT_FOUND',
  /** Exporting, reading or writing a GPIO line failed. */
  GPIO_IO: 'HAL_GPIO_IO',
  /** The I2C device did not acknowledge, or a transfer failed. */
  I2C_IO: 'HAL_I2C_IO',
  /** The device was closed and cannot be used any more. */
  CLOSED: 'HAL_CLOSED',
  /** A setting given to a driver is outside what the hardware can do. */
  BAD_SETTING: 'HAL_BAD_SETTING',
} as const;
