import { HardwareError, HardwareErrorCode } from '../errors.js';

/**
 * Which PCF8574 port bit (P0–P7) drives which HD44780 pin. The expander has
 * eight outputs for RS, RW, E, the backlight transistor and the four data lines
 * of 4-bit mode; backpack makers wired them differently.
 */
export interface BackpackWiring {
  rs: number;
  rw: number;
  e: number;
  backlight: number;
  /** Port bits for D4, D5, D6, D7. */
  data: readonly [number, number, number, number];
  /** The backlight is lit when its bit is 0 (a PNP driver). */
  backlightActiveLow: boolean;
}

export const BACKPACK_WIRINGS = {
  /** The common blue "LCM1602 IIC" / YwRobot / HW-061 backpack (LiquidCrystal_I2C's default): P0 RS, P1 RW, P2 E, P3 BL, P4–P7 D4–D7. */
  standard: { rs: 0, rw: 1, e: 2, backlight: 3, data: [4, 5, 6, 7], backlightActiveLow: false },
  /** The mjkdz / "I2C LCD1602 v1" backpack: P0–P3 D4–D7, P4 E, P5 RW, P6 RS, P7 BL through a PNP (lit when low). */
  mjkdz: { rs: 6, rw: 5, e: 4, backlight: 7, data: [0, 1, 2, 3], backlightActiveLow: true },
} as const satisfies Record<string, BackpackWiring>;

export type BackpackWiringName = keyof typeof BACKPACK_WIRINGS;

export function resolveWiring(wiring: BackpackWiringName | BackpackWiring): BackpackWiring {
  const w: BackpackWiring | undefined = typeof wiring === 'string' ? BACKPACK_WIRINGS[wiring] : wiring;
  if (w === undefined) {
    throw new HardwareError(HardwareErrorCode.BAD_SETTING, 'display', `unknown backpack wiring '${String(wiring)}'; known: ${Object.keys(BACKPACK_WIRINGS).join(', ')}`);
  }
  const bits = [w.rs, w.rw, w.e, w.backlight, ...w.data];
  if (new Set(bits).size !== 8 || bits.some((b) => !Number.isInteger(b) || b < 0 || b > 7)) {
    throw new HardwareError(HardwareErrorCode.BAD_SETTING, 'display', `backpack wiring must use each PCF8574 bit P0–P7 once, got ${bits.join(',')}`);
  }
  return w;
}
