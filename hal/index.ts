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
export * from './types/index.js';
export type { AudioDevice, AudioDeviceEvent, AudioRoute, AudioSampleRate, AudioStreamConfig } from './audio/index.js';
export type { SerialConsole, SerialConsoleEvent, LoginVerifier, MaintenanceBackend, MaintenanceConsoleOptions } from './serial/index.js';
export { createMaintenanceConsole, MaintenanceConsole } from './serial/index.js';
export type { Edge, GpioBackend, GpioLine, Level, LineRef, LineRequest } from './gpio/index.js';
export { formatLine, sameLine } from './gpio/index.js';
export type { DeviceCheck } from './doctor/index.js';
export type { AnyDriver, DeviceKind, DeviceOf, DriverContext, DriverDescriptor } from './registry.js';
export { createDefaultRegistry, defaultRegistry, defineDriver, DriverRegistry, lineRefSchema } from './registry.js';
