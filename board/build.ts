import type { AudioDevice, Display, DriverContext, GpioBackend, HalClock, HalLog, HookSwitch, Keypad, Led, LedName, Ringer, SerialConsole } from '../hal/index.js';
import { OnoffGpioBackend } from '../hal/gpio/index.js';
import type { I2cBusOpener } from '../hal/lcd/index.js';
import type { RingToneSource } from '../hal/ringer/index.js';
import { SimPanel } from '../hal/sim/index.js';
import type { ResolvedDevice, ValidBoard } from './definition.js';
import { BoardError, BoardErrorCode } from './errors.js';

export interface BuildOptions {
  clock: HalClock;
  log: HalLog;
  /** Replaces the sysfs (onoff) backend, e.g. with a GPIO model in tests. */
  gpio?: GpioBackend;
  openI2cBus?: I2cBusOpener;
  /** The media engine's ring tone, for boards whose ringer is 'speaker-tone'. */
  ringTone?: RingToneSource;
}

/** A running board: the phone's devices through their interfaces only. */
export interface BoardDevices {
  name: string;
  keypad: Keypad;
  hookSwitch: HookSwitch;
  display: Display;
  leds: Partial<Record<LedName, Led>>;
  ringer: Ringer;
  audio: AudioDevice;
  serial: SerialConsole | undefined;
  /** The simulated front panel when any device is simulated (the web's virtual panel attaches here). */
  panel: SimPanel | undefined;
  close(): Promise<void>;
}

interface Closable {
  close?(): Promise<void>;
  stop?(): Promise<void>;
}

/**
 * Starts every device of a validated board with its driver from the registry.
 * If one fails, the ones already started are closed (their GPIO lines given
 * back) and the error names the board setting of the device that failed.
 */
export async function buildBoard(board: ValidBoard, options: BuildOptions): Promise<BoardDevices> {
  let gpio = options.gpio;
  let panel: SimPanel | undefined;
  const simLeds = (Object.keys(board.leds) as LedName[]).filter((n) => board.leds[n]!.driver.name === 'sim');
  const simGeometry = board.display.driver.name === 'sim' ? (board.display.config as { rows: number; columns: number }) : { rows: 4, columns: 20 };
  const started: { device: ResolvedDevice; instance: Closable }[] = [];

  const start = async <T>(device: ResolvedDevice): Promise<T> => {
    const ctx: DriverContext = {
      clock: options.clock,
      log: options.log,
      name: device.setting,
      gpio: () => (gpio ??= new OnoffGpioBackend({ sysfsRoot: board.sysfsRoot })),
      panel: () => (panel ??= new SimPanel({ clock: options.clock, rows: simGeometry.rows, columns: simGeometry.columns, leds: simLeds })),
      ...(options.openI2cBus ? { openI2cBus: options.openI2cBus } : {}),
      ...(options.ringTone ? { ringTone: options.ringTone } : {}),
    };
    try {
      const instance = (await device.driver.create(device.config, ctx)) as unknown as T & Closable;
      started.push({ device, instance });
      return instance;
    } catch (cause) {
      await closeAll(started);
      throw new BoardError(BoardErrorCode.BUILD, device.setting, `board '${board.name}': ${device.setting} (${device.driver.name}) did not start: ${(cause as Error).message}`, { cause });
    }
  };

  const keypad = await start<Keypad>(board.keypad);
  const hookSwitch = await start<HookSwitch>(board.hookSwitch);
  const display = await start<Display>(board.display);
  const leds: Partial<Record<LedName, Led>> = {};
  for (const [name, device] of Object.entries(board.leds)) leds[name as LedName] = await start<Led>(device!);
  const ringer = await start<Ringer>(board.ringer);
  const audio = await start<AudioDevice>(board.audio);
  const serial = board.serial ? await start<SerialConsole>(board.serial) : undefined;

  return {
    name: board.name,
    keypad,
    hookSwitch,
    display,
    leds,
    ringer,
    audio,
    serial,
    panel,
    close: async () => {
      await closeAll(started);
      await panel?.close();
    },
  };
}

async function closeAll(started: { instance: Closable }[]): Promise<void> {
  // Reverse order: the last started may depend on the first (never the other way round).
  for (const { instance } of started.splice(0).reverse()) {
    await (instance.close?.() ?? instance.stop?.())?.catch(() => undefined);
  }
}
