import type { DeviceCheck, DriverRegistry } from '../hal/index.js';
import { defaultRegistry } from '../hal/index.js';
import type { BoardDefinition, ValidBoard } from './definition.js';
import { validateBoard } from './definition.js';
import { BoardError, BoardErrorCode } from './errors.js';
import rpiDeskphone from './rpi-deskphone.js';
import sim from './sim.js';

export type { BoardDefinition, DeviceSetting, ResolvedDevice, ValidBoard } from './definition.js';
export { defineBoard, settingPath, validateBoard } from './definition.js';
export { BoardError, BoardErrorCode } from './errors.js';
export type { BoardDevices, BuildOptions } from './build.js';
export { buildBoard } from './build.js';

/**
 * The boards this build knows. A board is one file (data plus the drivers it
 * names); adding one is that file and its line here — a static list, so the
 * device bundle (esbuild) contains every board without reading folders at run time.
 */
export const BOARDS: readonly BoardDefinition[] = [rpiDeskphone, sim];

export function knownBoards(): string[] {
  return BOARDS.map((b) => b.name);
}

/** The validated board called `name`; an unknown name is an error listing the known ones. */
export function loadBoard(name: string, registry: DriverRegistry = defaultRegistry): ValidBoard {
  const board = BOARDS.find((b) => b.name === name);
  if (board === undefined) {
    const known = knownBoards();
    throw new BoardError(BoardErrorCode.UNKNOWN, 'board', `unknown board '${name}'; known boards: ${known.join(', ')}`, { known });
  }
  return validateBoard(board, registry);
}

/** What `deskphone doctor` checks on this board, device by device. */
export function boardChecks(board: ValidBoard): DeviceCheck[] {
  return board.devices.flatMap((d) => d.driver.checks(d.config, d.setting));
}
