import * as z from 'zod';
import type { AudioDevice } from './audio/index.js';
import { createAlsaAudioDevice, createFileAudioDevice, createSimulatedAudioDevice } from './audio/index.js';
import type { HalClock } from './clock.js';
import type { DeviceCheck } from './doctor/index.js';
import { HardwareError, HardwareErrorCode } from './errors.js';
import type { GpioBackend, LineRef } from './gpio/index.js';
import { GpioHookSwitch, MatrixKeypad } from './gpio/index.js';
import { BACKPACK_WIRINGS, CharacterLcd, isValidI2cAddress } from './lcd/index.js';
import type { I2cBusOpener } from './lcd/index.js';
import { GpioLed } from './led/index.js';
import type { HalLog } from './log.js';
import { GpioBuzzer, SpeakerRinger } from './ringer/index.js';
import type { RingToneSource } from './ringer/index.js';
import type { SerialConsole } from './serial/index.js';
import { createSerialConsole, createSimulatedSerialConsole } from './serial/index.js';
import type { SimPanel } from './sim/index.js';
import type { Display, HookSwitch, Keypad, Led, Ringer } from './types/index.js';
import { KEY_NAMES } from './types/index.js';

/** The kinds of device a board has, and the interface each kind's drivers build. */
export interface DeviceOf {
  keypad: Keypad;
  'hook-switch': HookSwitch;
  display: Display;
  led: Led;
  ringer: Ringer;
  audio: AudioDevice;
  serial: SerialConsole;
}
export type DeviceKind = keyof DeviceOf;

/** What drivers get from the board builder: shared time, logs, GPIO backend, I2C opener, simulated panel. */
export interface DriverContext {
  clock: HalClock;
  log: HalLog;
  /** The board's GPIO backend (one per board, so sysfs is discovered once). */
  gpio(): GpioBackend;
  openI2cBus?: I2cBusOpener;
  /** The simulated front panel, shared by every 'sim' driver of the board. */
  panel(): SimPanel;
  /** The ring tone generator, for boards that ring through the speaker (firmware/media provides it). */
  ringTone?: RingToneSource;
  /** The board's name for this device: 'keypad', 'leds.message'. */
  name: string;
}

/**
 * A driver, registered by name (DESIGN.md "Codecs and drivers are registered
 * descriptors"): its settings' schema, the GPIO lines it claims (so a board
 * using a pin twice is refused), what `doctor` checks, and its factory.
 */
export interface DriverDescriptor<K extends DeviceKind, C> {
  kind: K;
  name: string;
  description: string;
  config: z.ZodType<C>;
  lines(config: C): { setting: string; line: LineRef }[];
  checks(config: C, setting: string): DeviceCheck[];
  create(config: C, ctx: DriverContext): Promise<DeviceOf[K]>;
}

export function defineDriver<K extends DeviceKind, C>(d: DriverDescriptor<K, C>): DriverDescriptor<K, C> {
  return d;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDriver = DriverDescriptor<DeviceKind, any>;

export class DriverRegistry {
  private readonly drivers = new Map<string, AnyDriver>();

  register(driver: AnyDriver): this {
    const key = `${driver.kind}/${driver.name}`;
    if (this.drivers.has(key)) throw new HardwareError(HardwareErrorCode.BAD_SETTING, driver.kind, `driver '${driver.name}' is registered twice for ${driver.kind}`);
    this.drivers.set(key, driver);
    return this;
  }

  find(kind: DeviceKind, name: string): AnyDriver | undefined {
    return this.drivers.get(`${kind}/${name}`);
  }

  /** Like find, but a clear error listing the known drivers. */
  get(kind: DeviceKind, name: string, setting: string): AnyDriver {
    const d = this.find(kind, name);
    if (d === undefined) throw new HardwareError(HardwareErrorCode.UNKNOWN_DRIVER, setting, `${setting}: unknown ${kind} driver '${name}'; known: ${this.names(kind).join(', ')}`);
    return d;
  }

  names(kind: DeviceKind): string[] {
    return [...this.drivers.values()].filter((d) => d.kind === kind).map((d) => d.name);
  }
}

// ---- settings shared by drivers ----

export const lineRefSchema = z
  .object({
    /** The gpiochip's label, e.g. 'pinctrl-bcm2711' (Pi 4), 'pinctrl-rp1' (Pi 5). */
    chip: z.string().min(1),
    offset: z.number().int().min(0).max(1023),
    activeLow: z.boolean().default(false),
  })
  .strict();

const i2cAddress = z
  .number()
  .int()
  .refine(isValidI2cAddress, { message: 'I2C address must be a 7-bit address in 0x03–0x77' });

const noSettings = z.object({}).strict();

const lineCheck = (setting: string, line: LineRef, direction: 'in' | 'out'): DeviceCheck => ({ kind: 'gpio-line', setting, line, direction });

// ---- keypads ----

export const gpioMatrixKeypad = defineDriver({
  kind: 'keypad',
  name: 'gpio-matrix',
  description: 'key matrix on GPIO lines, scanned, debounced',
  config: z
    .object({
      rows: z.array(lineRefSchema).min(1),
      columns: z.array(lineRefSchema).min(1),
      keymap: z.array(z.array(z.enum(KEY_NAMES).nullable())),
      drive: z.enum(['rows', 'columns']).default('rows'),
      scanIntervalMs: z.number().positive().max(20).default(5),
      /** 'edge': an idle keypad sleeps on edge interrupts instead of being polled. */
      idle: z.enum(['poll', 'edge']).default('edge'),
      debounceMs: z.number().min(0).max(30).default(10),
      longPressMs: z.number().positive().default(800),
      repeatDelayMs: z.number().positive().default(500),
      repeatIntervalMs: z.number().positive().default(150),
    })
    .strict()
    .refine((c) => c.keymap.length === c.rows.length && c.keymap.every((r) => r.length === c.columns.length), { message: 'keymap must have one row per row line and one entry per column line', path: ['keymap'] }),
  lines: (c) => [...c.rows.map((line, i) => ({ setting: `rows[${i}]`, line })), ...c.columns.map((line, i) => ({ setting: `columns[${i}]`, line }))],
  checks: (c, s) => [...c.rows.map((l, i) => lineCheck(`${s}.rows[${i}]`, l, c.drive === 'rows' ? 'out' : 'in')), ...c.columns.map((l, i) => lineCheck(`${s}.columns[${i}]`, l, c.drive === 'rows' ? 'in' : 'out'))],
  create: (c, ctx) =>
    MatrixKeypad.open({
      gpio: ctx.gpio(),
      clock: ctx.clock,
      log: ctx.log,
      rows: c.rows,
      columns: c.columns,
      keymap: c.keymap,
      drive: c.drive,
      scanIntervalMs: c.scanIntervalMs,
      idle: c.idle,
      timing: { debounceMs: c.debounceMs, longPressMs: c.longPressMs, repeatDelayMs: c.repeatDelayMs, repeatIntervalMs: c.repeatIntervalMs },
    }),
});

export const simKeypad = defineDriver({
  kind: 'keypad',
  name: 'sim',
  description: 'simulated keypad (virtual front panel)',
  config: noSettings,
  lines: () => [],
  checks: (_c, s) => [{ kind: 'simulated', setting: s }],
  create: async (_c, ctx) => ctx.panel().keypad,
});

// ---- hook switches ----

export const gpioHookSwitch = defineDriver({
  kind: 'hook-switch',
  name: 'gpio-switch',
  description: 'cradle switch on a GPIO line with edge interrupts',
  config: z
    .object({
      line: lineRefSchema,
      debounceMs: z.number().min(0).max(100).default(30),
      flashMinMs: z.number().min(0).default(100),
      flashMaxMs: z.number().positive().default(700),
    })
    .strict()
    .refine((c) => c.flashMinMs < c.flashMaxMs, { message: 'flashMinMs must be below flashMaxMs', path: ['flashMinMs'] }),
  lines: (c) => [{ setting: 'line', line: c.line }],
  checks: (c, s) => [lineCheck(`${s}.line`, c.line, 'in')],
  create: (c, ctx) => GpioHookSwitch.open({ gpio: ctx.gpio(), clock: ctx.clock, log: ctx.log, line: c.line, timing: { debounceMs: c.debounceMs, flashMinMs: c.flashMinMs, flashMaxMs: c.flashMaxMs } }),
});

export const simHookSwitch = defineDriver({
  kind: 'hook-switch',
  name: 'sim',
  description: 'simulated cradle (virtual front panel)',
  config: noSettings,
  lines: () => [],
  checks: (_c, s) => [{ kind: 'simulated', setting: s }],
  create: async (_c, ctx) => ctx.panel().hook,
});

// ---- displays ----

const geometry = z.union([z.object({ rows: z.literal(2), columns: z.literal(16) }), z.object({ rows: z.literal(2), columns: z.literal(20) }), z.object({ rows: z.literal(4), columns: z.literal(20) })]);

export const hd44780Display = defineDriver({
  kind: 'display',
  name: 'hd44780-pcf8574',
  description: 'HD44780 character LCD behind a PCF8574 I2C backpack',
  config: z
    .object({
      bus: z.number().int().min(0).max(255),
      address: i2cAddress,
      wiring: z.enum(Object.keys(BACKPACK_WIRINGS) as [keyof typeof BACKPACK_WIRINGS]).default('standard'),
      rows: z.union([z.literal(2), z.literal(4)]),
      columns: z.union([z.literal(16), z.literal(20)]),
      retryMs: z.number().positive().default(5000),
    })
    .strict()
    .refine((c) => geometry.safeParse({ rows: c.rows, columns: c.columns }).success, { message: 'supported sizes are 16×2, 20×2 and 20×4', path: ['rows'] }),
  lines: () => [],
  checks: (c, s) => [{ kind: 'i2c-device', setting: `${s}.address`, bus: c.bus, address: c.address }],
  create: async (c, ctx) => {
    const lcd = new CharacterLcd({ clock: ctx.clock, log: ctx.log, bus: c.bus, address: c.address, wiring: c.wiring, rows: c.rows, columns: c.columns, retryMs: c.retryMs, ...(ctx.openI2cBus ? { openBus: ctx.openI2cBus } : {}) });
    // Never fails: a missing display is reported and looked for in the background.
    await lcd.ready;
    return lcd;
  },
});

export const simDisplay = defineDriver({
  kind: 'display',
  name: 'sim',
  description: 'simulated display (virtual front panel)',
  config: z.object({ rows: z.number().int().min(1).max(8).default(4), columns: z.number().int().min(8).max(40).default(20) }).strict(),
  lines: () => [],
  checks: (_c, s) => [{ kind: 'simulated', setting: s }],
  create: async (_c, ctx) => ctx.panel().display,
});

// ---- LEDs ----

export const gpioLed = defineDriver({
  kind: 'led',
  name: 'gpio-led',
  description: 'lamp on a GPIO line',
  config: z.object({ line: lineRefSchema }).strict(),
  lines: (c) => [{ setting: 'line', line: c.line }],
  checks: (c, s) => [lineCheck(`${s}.line`, c.line, 'out')],
  create: (c, ctx) => GpioLed.open({ gpio: ctx.gpio(), clock: ctx.clock, log: ctx.log, name: ctx.name, line: c.line }),
});

export const simLed = defineDriver({
  kind: 'led',
  name: 'sim',
  description: 'simulated lamp (virtual front panel)',
  config: noSettings,
  lines: () => [],
  checks: (_c, s) => [{ kind: 'simulated', setting: s }],
  create: async (_c, ctx) => {
    const lamp = ctx.panel().leds[ctx.name.replace(/^leds\./, '')];
    if (lamp === undefined) throw new HardwareError(HardwareErrorCode.BAD_SETTING, ctx.name, `${ctx.name}: the simulated panel has no lamp of that name`);
    return lamp;
  },
});

// ---- ringers ----

export const gpioBuzzer = defineDriver({
  kind: 'ringer',
  name: 'gpio-buzzer',
  description: 'active buzzer switched by a GPIO line',
  config: z.object({ line: lineRefSchema, volume: z.number().min(0).max(100).default(80) }).strict(),
  lines: (c) => [{ setting: 'line', line: c.line }],
  checks: (c, s) => [lineCheck(`${s}.line`, c.line, 'out')],
  create: (c, ctx) => GpioBuzzer.open({ gpio: ctx.gpio(), clock: ctx.clock, log: ctx.log, line: c.line, volume: c.volume }),
});

export const speakerRinger = defineDriver({
  kind: 'ringer',
  name: 'speaker-tone',
  description: 'ring tone played through the loudspeaker route',
  config: z.object({ volume: z.number().min(0).max(100).default(80) }).strict(),
  lines: () => [],
  checks: () => [],
  create: async (c, ctx) => {
    if (ctx.ringTone === undefined) throw new HardwareError(HardwareErrorCode.BAD_SETTING, ctx.name, `${ctx.name}: the board rings through the speaker but no ring tone source was given to the board builder`);
    return new SpeakerRinger({ clock: ctx.clock, tone: ctx.ringTone, volume: c.volume });
  },
});

export const simRinger = defineDriver({
  kind: 'ringer',
  name: 'sim',
  description: 'simulated bell (virtual front panel)',
  config: noSettings,
  lines: () => [],
  checks: (_c, s) => [{ kind: 'simulated', setting: s }],
  create: async (_c, ctx) => ctx.panel().ringer,
});

// ---- audio (hal/audio) ----

const alsaRoute = z
  .object({
    captureDevice: z.string().min(1),
    playbackDevice: z.string().min(1),
    hardwareRate: z.number().int().positive().optional(),
    mixer: z.object({ card: z.string().optional(), device: z.string().optional(), playbackControl: z.string().optional(), captureControl: z.string().optional() }).strict().optional(),
  })
  .strict();

export const alsaAudio = defineDriver({
  kind: 'audio',
  name: 'alsa',
  description: 'ALSA capture (alsa-capture) and playback (aplay) per route',
  config: z
    .object({
      routes: z.object({ handset: alsaRoute.optional(), headset: alsaRoute.optional(), speaker: alsaRoute.optional() }).strict(),
      route: z.enum(['handset', 'headset', 'speaker']).default('handset'),
    })
    .strict()
    .refine((c) => c.routes[c.route] !== undefined, { message: 'the default route has no ALSA devices', path: ['route'] }),
  lines: () => [],
  checks: (c, s) =>
    Object.entries(c.routes).flatMap(([route, r]) =>
      r === undefined
        ? []
        : [
            { kind: 'alsa-pcm', setting: `${s}.routes.${route}.captureDevice`, pcm: r.captureDevice, direction: 'capture' },
            { kind: 'alsa-pcm', setting: `${s}.routes.${route}.playbackDevice`, pcm: r.playbackDevice, direction: 'playback' },
          ],
    ),
  create: async (c, ctx) => createAlsaAudioDevice({ clock: ctx.clock, log: ctx.log, name: ctx.name, routes: withoutUndefined(c.routes), route: c.route }),
});

export const fileAudio = defineDriver({
  kind: 'audio',
  name: 'file',
  description: 'WAV file in, WAV file out, paced in real time',
  config: z.object({ inputPath: z.string().optional(), outputPath: z.string().optional(), loop: z.boolean().default(true) }).strict(),
  lines: () => [],
  checks: (c, s) => [
    ...(c.inputPath ? [{ kind: 'file' as const, setting: `${s}.inputPath`, path: c.inputPath, mode: 'read' as const }] : []),
    ...(c.outputPath ? [{ kind: 'file' as const, setting: `${s}.outputPath`, path: c.outputPath, mode: 'write' as const }] : []),
  ],
  create: async (c, ctx) => createFileAudioDevice({ clock: ctx.clock, log: ctx.log, name: ctx.name, loop: c.loop, ...(c.inputPath ? { inputPath: c.inputPath } : {}), ...(c.outputPath ? { outputPath: c.outputPath } : {}) }),
});

export const simAudio = defineDriver({
  kind: 'audio',
  name: 'sim',
  description: 'simulated audio device (frames pushed by tests and the simulator)',
  config: noSettings,
  lines: () => [],
  checks: (_c, s) => [{ kind: 'simulated', setting: s }],
  create: async (_c, ctx) => createSimulatedAudioDevice({ name: ctx.name }),
});

/** exactOptionalPropertyTypes-safe copy: zod's optional keys may hold undefined, the driver's may not. */
function withoutUndefined<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never;
}

// ---- serial consoles (hal/serial) ----

export const serialportConsole = defineDriver({
  kind: 'serial',
  name: 'serialport',
  description: 'maintenance console on a UART or USB serial adapter',
  config: z.object({ path: z.string().min(1), baudRate: z.number().int().positive().default(115200) }).strict(),
  lines: () => [],
  checks: (c, s) => [{ kind: 'uart', setting: `${s}.path`, path: c.path }],
  create: async (c, ctx) => createSerialConsole({ clock: ctx.clock, log: ctx.log, name: ctx.name, path: c.path, baudRate: c.baudRate }),
});

export const simSerial = defineDriver({
  kind: 'serial',
  name: 'sim',
  description: 'simulated serial console',
  config: noSettings,
  lines: () => [],
  checks: (_c, s) => [{ kind: 'simulated', setting: s }],
  create: async (_c, ctx) => createSimulatedSerialConsole({ name: ctx.name }),
});

/** Every driver hal/ ships. A new driver is one descriptor and one line here. */
export function createDefaultRegistry(): DriverRegistry {
  const r = new DriverRegistry();
  for (const d of [gpioMatrixKeypad, simKeypad, gpioHookSwitch, simHookSwitch, hd44780Display, simDisplay, gpioLed, simLed, gpioBuzzer, speakerRinger, simRinger, alsaAudio, fileAudio, simAudio, serialportConsole, simSerial] as AnyDriver[]) r.register(d);
  return r;
}

export const defaultRegistry = createDefaultRegistry();
