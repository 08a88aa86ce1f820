import { HardwareError, HardwareErrorCode } from '../errors.js';
import { importOptional } from '../optional-module.js';

/**
 * The SMBus calls the LCD and `doctor` use. Only byte-sized SMBus transfers, so
 * the kernel's i2c-stub (which accepts SMBus calls but not plain i2c writes)
 * can stand in for the PCF8574 in the VM rig; a real PCF8574 takes them as-is.
 * i2c-bus's PromisifiedBus satisfies this, and so does the HD44780 model.
 */
export interface I2cBus {
  sendByte(address: number, byte: number): Promise<void>;
  receiveByte(address: number): Promise<number>;
  close(): Promise<void>;
}

export type I2cBusOpener = (busNumber: number) => Promise<I2cBus>;

interface I2cBusModule {
  openPromisified(busNumber: number, options?: { forceAccess?: boolean }): Promise<I2cBus>;
}

/** Opens /dev/i2c-N with i2c-bus, loaded only now so boards without I2C need no native module. */
export const openI2cBus: I2cBusOpener = async (busNumber) => {
  let mod: I2cBusModule;
  try {
    mod = await importOptional<I2cBusModule>('i2c-bus');
  } catch (cause) {
    throw new HardwareError(HardwareErrorCode.DRIVER_UNAVAILABLE, `i2c-${busNumber}`, `the i2c-bus package cannot be loaded (npm install i2c-bus on the device): ${(cause as Error).message}`, { cause });
  }
  try {
    return await mod.openPromisified(busNumber);
  } catch (cause) {
    throw new HardwareError(HardwareErrorCode.I2C_IO, `i2c-${busNumber}`, `cannot open /dev/i2c-${busNumber} (enable I2C with dtparam=i2c_arm=on and load i2c-dev): ${(cause as Error).message}`, { cause });
  }
};

/** 7-bit addresses a device may use; 0x00–0x02 and 0x78–0x7F are reserved by the I2C specification (UM10204 §3.1.12). */
export function isValidI2cAddress(address: number): boolean {
  return Number.isInteger(address) && address >= 0x03 && address <= 0x77;
}
