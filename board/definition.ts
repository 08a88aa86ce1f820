import * as z from 'zod';
import type { AnyDriver, DeviceKind, DriverRegistry, LedName, LineRef } from '../hal/index.js';
import { defaultRegistry, formatLine, LED_NAMES } from '../hal/index.js';
import { BoardError, BoardErrorCode } from './errors.js';

/** One device as a board file writes it: a driver name and that driver's settings. */
export type DeviceSetting = { driver: string } & Record<string, unknown>;

/**
 * A phone board as data (DESIGN.md "Boards are validated data"): which driver
 * runs each device and with which pins, buses and ALSA names. Pins are
 * { chip, offset, activeLow } — a gpiochip label and a line, never a kernel number.
 */
export interface BoardDefinition {
  /** kebab-case, the name config and `--board` use. */
  name: string;
  description: string;
  gpio?: { sysfsRoot?: string };
  keypad: DeviceSetting;
  hookSwitch: DeviceSetting;
  display: DeviceSetting;
  leds?: Partial<Record<LedName, DeviceSetting>>;
  ringer: DeviceSetting;
  audio: DeviceSetting;
  serial?: DeviceSetting;
}

/** Typed identity, so a board file gets completion and type checks. */
export function defineBoard(board: BoardDefinition): BoardDefinition {
  return board;
}

/** A device after validation: its driver's descriptor and parsed settings (defaults filled in). */
export interface ResolvedDevice {
  /** Where it sits in the board definition: 'keypad', 'leds.message'. */
  setting: string;
  kind: DeviceKind;
  driver: AnyDriver;
  config: unknown;
}

export interface ValidBoard {
  name: string;
  description: string;
  sysfsRoot: string;
  keypad: ResolvedDevice;
  hookSwitch: ResolvedDevice;
  display: ResolvedDevice;
  leds: Partial<Record<LedName, ResolvedDevice>>;
  ringer: ResolvedDevice;
  audio: ResolvedDevice;
  serial: ResolvedDevice | undefined;
  /** Every device, in build order. */
  devices: ResolvedDevice[];
}

const device = z.object({ driver: z.string().min(1) }).passthrough();

const boardShape = z
  .object({
    name: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'board names are kebab-case'),
    description: z.string().min(1),
    gpio: z.object({ sysfsRoot: z.string().min(1).optional() }).strict().optional(),
    keypad: device,
    hookSwitch: device,
    display: device,
    leds: z.partialRecord(z.enum(LED_NAMES), device).optional(),
    ringer: device,
    audio: device,
    serial: device.optional(),
  })
  .strict();

/** ['rows', 2, 'offset'] → 'rows[2].offset' */
export function settingPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out;
}

function invalid(issues: readonly z.core.$ZodIssue[], prefix: string, board: string): BoardError {
  const lines = issues.map((i) => {
    const at = [prefix, settingPath(i.path)].filter((s) => s !== '').join('.').replace(/\.\[/g, '[');
    return { at: at || '(board)', message: i.message };
  });
  return new BoardError(BoardErrorCode.INVALID, lines[0]!.at, `board '${board}': ${lines.map((l) => `${l.at}: ${l.message}`).join('; ')}`);
}

/**
 * Checks a board against the schema and every driver's settings, fills in
 * defaults, and refuses a pin used twice. Throws BoardError naming the setting.
 */
export function validateBoard(raw: unknown, registry: DriverRegistry = defaultRegistry): ValidBoard {
  const name = typeof raw === 'object' && raw !== null && typeof (raw as { name?: unknown }).name === 'string' ? (raw as { name: string }).name : '(unnamed)';
  const shape = boardShape.safeParse(raw);
  if (!shape.success) throw invalid(shape.error.issues, '', name);
  const b = shape.data;

  const resolve = (setting: string, kind: DeviceKind, d: z.infer<typeof device>): ResolvedDevice => {
    const driver = registry.find(kind, d.driver);
    if (driver === undefined) {
      const known = registry.names(kind);
      throw new BoardError(BoardErrorCode.INVALID, `${setting}.driver`, `board '${name}': ${setting}.driver: unknown ${kind} driver '${d.driver}'; known: ${known.join(', ')}`, { known });
    }
    const { driver: _name, ...settings } = d;
    const parsed = driver.config.safeParse(settings);
    if (!parsed.success) throw invalid(parsed.error.issues, setting, name);
    return { setting, kind, driver, config: parsed.data };
  };

  const leds: Partial<Record<LedName, ResolvedDevice>> = {};
  for (const [led, d] of Object.entries(b.leds ?? {})) if (d) leds[led as LedName] = resolve(`leds.${led}`, 'led', d);
  const board: ValidBoard = {
    name: b.name,
    description: b.description,
    sysfsRoot: b.gpio?.sysfsRoot ?? '/sys/class/gpio',
    keypad: resolve('keypad', 'keypad', b.keypad),
    hookSwitch: resolve('hookSwitch', 'hook-switch', b.hookSwitch),
    display: resolve('display', 'display', b.display),
    leds,
    ringer: resolve('ringer', 'ringer', b.ringer),
    audio: resolve('audio', 'audio', b.audio),
    serial: b.serial ? resolve('serial', 'serial', b.serial) : undefined,
    devices: [],
  };
  board.devices = [board.keypad, board.hookSwitch, board.display, ...Object.values(leds), board.ringer, board.audio, ...(board.serial ? [board.serial] : [])];

  // A line wired to two functions would have two drivers fighting over it.
  const owners = new Map<string, string>();
  for (const dev of board.devices) {
    for (const { setting, line } of dev.driver.lines(dev.config)) {
      const key = `${line.chip}:${line.offset}`;
      const here = `${dev.setting}.${setting}`.replace(/\.\[/g, '[');
      const first = owners.get(key);
      if (first !== undefined) {
        throw new BoardError(BoardErrorCode.INVALID, here, `board '${name}': ${first} and ${here} both use GPIO ${formatLine({ chip: line.chip, offset: line.offset } as LineRef)}`);
      }
      owners.set(key, here);
    }
  }
  return board;
}
