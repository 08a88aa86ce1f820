import { HardwareError, HardwareErrorCode } from '../errors.js';
import { Listeners } from '../types/index.js';
import type { Unsubscribe } from '../types/index.js';
import { DEFAULT_SYSFS_GPIO_ROOT, GpioChipMap } from './chip-map.js';
import type { GpioBackend, GpioLine, Level, LineRef, LineRequest } from './line.js';
import { formatLine } from './line.js';
import { importOptional } from '../optional-module.js';

/** The part of onoff's Gpio class this backend uses (onoff.d.ts). */
interface OnoffGpio {
  read(): Promise<Level>;
  write(value: Level): Promise<void>;
  watch(callback: (err: Error | null | undefined, value: Level) => void): void;
  unwatchAll(): void;
  unexport(): void;
}

interface OnoffModule {
  Gpio: {
    accessible: boolean;
    new (gpio: number, direction: 'in' | 'out' | 'high' | 'low', edge?: 'none' | 'rising' | 'falling' | 'both', options?: { activeLow?: boolean }): OnoffGpio;
  };
}

export interface OnoffBackendOptions {
  /** Where gpiochips are discovered; '/sys/class/gpio' on the device, a fixture tree in tests. */
  sysfsRoot?: string;
  /** Loads onoff; injected in tests. Default: `import('onoff')`, only when the first line is requested. */
  loadOnoff?: () => Promise<OnoffModule>;
}

async function importOnoff(): Promise<OnoffModule> {
  return importOptional<OnoffModule>('onoff');
}

/**
 * GPIO through the kernel's sysfs interface using onoff (epoll edge
 * interrupts). onoff writes the number it is given verbatim to
 * /sys/class/gpio/export, so this backend maps (chip label, offset) to that
 * number itself, and passes activeLow through so levels are logical.
 */
export class OnoffGpioBackend implements GpioBackend {
  private readonly map: GpioChipMap;
  private onoff: Promise<OnoffModule> | undefined;

  constructor(private readonly options: OnoffBackendOptions = {}) {
    this.map = new GpioChipMap(options.sysfsRoot ?? DEFAULT_SYSFS_GPIO_ROOT);
  }

  async request(req: LineRequest): Promise<GpioLine> {
    const device = `gpio:${req.line.chip}:${req.line.offset}`;
    const { Gpio } = await this.load(device);
    if (Gpio.accessible === false) {
      throw new HardwareError(HardwareErrorCode.DRIVER_UNAVAILABLE, device, 'sysfs GPIO is not accessible here (no writable /sys/class/gpio/export: not a board, kernel without GPIO_SYSFS, or no permission)');
    }
    const number = await this.map.gpioNumber(req.line);
    // sysfs 'high'/'low' set the raw electrical level (gpiolib-sysfs direction_store), so apply activeLow here.
    const physicalHigh = (req.initial === 1) !== (req.line.activeLow === true);
    const direction = req.direction === 'in' ? 'in' : physicalHigh ? 'high' : 'low';
    try {
      const gpio = new Gpio(number, direction, req.direction === 'in' ? (req.edge ?? 'none') : undefined, { activeLow: req.line.activeLow === true });
      return new OnoffLine(req.line, gpio, number);
    } catch (cause) {
      throw new HardwareError(HardwareErrorCode.GPIO_IO, device, `cannot claim ${formatLine(req.line)} as GPIO ${number} for ${req.consumer}: ${(cause as Error).message}`, { cause });
    }
  }

  private load(device: string): Promise<OnoffModule> {
    this.onoff ??= (this.options.loadOnoff ?? importOnoff)().then(
      (m) => m,
      (cause: unknown) => {
        this.onoff = undefined;
        throw new HardwareError(HardwareErrorCode.DRIVER_UNAVAILABLE, device, `the onoff package cannot be loaded (npm install onoff on the device): ${(cause as Error).message}`, { cause });
      },
    );
    return this.onoff;
  }
}

class OnoffLine implements GpioLine {
  private readonly edges = new Listeners<Level>();
  private watching = false;
  private released = false;

  constructor(
    readonly ref: LineRef,
    private readonly gpio: OnoffGpio,
    private readonly number: number,
  ) {}

  async read(): Promise<Level> {
    try {
      return await this.gpio.read();
    } catch (cause) {
      throw this.ioError('read', cause);
    }
  }

  async write(level: Level): Promise<void> {
    try {
      await this.gpio.write(level);
    } catch (cause) {
      throw this.ioError('write', cause);
    }
  }

  onEdge(listener: (level: Level) => void): Unsubscribe {
    if (!this.watching && !this.released) {
      this.watching = true;
      // onoff reads the value file after epoll wakes, so coalesced edges arrive as one call.
      this.gpio.watch((err, value) => {
        if (!err) this.edges.emit(value);
      });
    }
    return this.edges.add(listener);
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.edges.clear();
    this.gpio.unwatchAll();
    this.gpio.unexport();
  }

  private ioError(op: string, cause: unknown): HardwareError {
    return new HardwareError(HardwareErrorCode.GPIO_IO, `gpio:${this.ref.chip}:${this.ref.offset}`, `GPIO ${this.number} ${op} failed: ${(cause as Error).message}`, { cause });
  }
}
