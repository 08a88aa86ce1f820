export type { GpioModelOptions, PhysicalLevel } from './models/gpio-model.js';
export { GpioModel } from './models/gpio-model.js';
export type { KeypadMatrixModelOptions } from './models/keypad-matrix-model.js';
export { KeypadMatrixModel } from './models/keypad-matrix-model.js';
export type { Hd44780ModelOptions } from './models/hd44780-model.js';
export { Hd44780Model } from './models/hd44780-model.js';
export type { HookSwitchModelOptions } from './models/hook-switch-model.js';
export { HookSwitchModel } from './models/hook-switch-model.js';
