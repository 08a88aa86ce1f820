/**
 * The hardware layer's public surface (DESIGN.md "Hardware layer"): the
 * interfaces the phone talks to, in phone events rather than pins, and the
 * registry that builds drivers by name. Concrete drivers live in the
 * folders behind this file and are picked by board/.
 */
export { HardwareError, HardwareErrorCode } from './errors.js';
export type { HalClock, HalTimerHandle } from './clock.js';
export type { HalLog } from './log.js';
export { silentLog } from './log.js';
export type { Unsubscribe } from './types/listeners.js';
export { Listeners } from './types/listeners.js';
export type { KeyEvent, KeyEventType, Keypad, KeyName } from './types/keypad.js';
export { DEFAULT_REPEAT_KEYS, isKeyName, KEY_NAMES } from './types/keypad.js';
export type { HookEvent, HookEventType, HookState, HookSwitch } from './types/hook-switch.js';
export type { Display, DisplayStatus, GlyphName } from './types/display.js';
export { Glyph, GLYPH_FALLBACK, GLYPH_NAMES, glyphNameOf, glyphsToText } from './types/display.js';
export type { Led, LedName, LedPattern } from './types/led.js';
export { LED_NAMES, NAMED_BLINKS, patternCadence } from './types/led.js';
export type { RingCadence, RingCadenceName, Ringer } from './types/ringer.js';
export { RING_CADENCES, validateCadence } from './types/ringer.js';
export type { AudioDevice, AudioDeviceEvent, AudioRoute, AudioSampleRate, AudioStreamConfig } from './audio/index.js';
export type { SerialConsole, SerialConsoleEvent } from './serial/index.js';
export type { Edge, GpioBackend, GpioLine, Level, LineRef, LineRequest } from './gpio/index.js';
export { formatLine, sameLine } from './gpio/index.js';
export type { DeviceCheck } from './doctor/device-check.js';
export type { AnyDriver, DeviceKind, DeviceOf, DriverContext, DriverDescriptor } from './registry.js';
export { createDefaultRegistry, defaultRegistry, defineDriver, DriverRegistry, lineRefSchema } from './registry.js';
