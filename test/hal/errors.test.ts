import { describe, expect, it } from 'vitest';
import { HardwareError, HardwareErrorCode } from '../../hal/index.js';
import { BoardError } from '../../board/index.js';

describe('HardwareError', () => {
  it('carries a stable code, the device and the cause, like DeskphoneError', () => {
    const cause = new Error('EREMOTEIO');
    const e = new HardwareError(HardwareErrorCode.I2C_IO, 'display', 'display (i2c-1 0x27) is not answering', { cause });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('HardwareError');
    expect(e.code).toBe('HAL_I2C_IO');
    expect(e.device).toBe('display');
    expect(e.cause).toBe(cause);
  });

  it('is the base of board errors, which add the setting to fix', () => {
    const e = new BoardError('BOARD_INVALID', 'display.address', 'bad address');
    expect(e).toBeInstanceOf(HardwareError);
    expect(e.name).toBe('BoardError');
    expect(e.setting).toBe('display.address');
  });
});
