export type { BackpackWiring, BackpackWiringName } from './backpack-wiring.js';
export { BACKPACK_WIRINGS, resolveWiring } from './backpack-wiring.js';
export type { I2cBus, I2cBusOpener } from './i2c-bus.js';
export { isValidI2cAddress, openI2cBus } from './i2c-bus.js';
export { GLYPH_BITMAPS, glyphSlot } from './glyphs.js';
export { charCode, Hd44780Timing, Instruction, rowOffsets } from './hd44780.js';
export type { CharacterLcdOptions } from './character-lcd.js';
export { CharacterLcd } from './character-lcd.js';
