/**
 * What hal/ needs of a logger. hal/ never imports firmware/ (DESIGN.md), so it
 * names the shape it uses; the firmware's pino child loggers satisfy it.
 */
export interface HalLog {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLog: HalLog = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
