import { HardwareError } from '../hal/index.js';

export const BoardErrorCode = {
  /** Config names a board this build does not have. */
  UNKNOWN: 'BOARD_UNKNOWN',
  /** A board definition breaks a rule: unknown driver, bad setting, pin used twice, address out of range. */
  INVALID: 'BOARD_INVALID',
  /** A device of a valid board could not be started. */
  BUILD: 'BOARD_BUILD',
} as const;

/**
 * A board that cannot be used, with the setting to fix: `setting` is a path in
 * the board definition ('keypad.rows[2]', 'display.address'), `known` the valid
 * choices where there is a list (board names, driver names).
 */
export class BoardError extends HardwareError {
  readonly setting: string;
  readonly known: readonly string[];

  constructor(code: string, setting: string, message: string, options: { cause?: unknown; known?: readonly string[] } = {}) {
    super(code, 'board', message, options.cause === undefined ? undefined : { cause: options.cause });
    this.setting = setting;
    this.known = options.known ?? [];
  }
}
