/**
 * Loads one of the hardware packages (onoff, i2c-bus, alsa-capture,
 * serialport). They are optionalDependencies with native parts: on a machine
 * without ALSA headers or build tools npm leaves them out, and the simulator
 * must still install, typecheck and run. A variable specifier keeps the
 * TypeScript compiler from resolving the package (so a missing one is not a
 * type error) and keeps bundlers from inlining it; each driver states the
 * shape it uses and turns a load failure into its own HardwareError.
 */
export async function importOptional<T>(name: string): Promise<T> {
  const loaded = (await import(name)) as T & { default?: T };
  // CommonJS packages arrive as { default: module.exports } from import().
  return (loaded.default ?? loaded) as T;
}
