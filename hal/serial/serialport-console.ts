import { RetryBackoff } from '../audio/index.js';
import type { RetryBackoffOptions } from '../audio/index.js';
import type { HalClock, HalTimerHandle } from '../clock.js';
import { HardwareError, HardwareErrorCode } from '../errors.js';
import type { HalLog } from '../log.js';
import { silentLog } from '../log.js';
import type { SerialConsole } from './serial-console.js';
import { SerialConsoleBase } from './serial-console.js';
import { importOptional } from '../optional-module.js';

/** The part of serialport's SerialPort (a SerialPortStream) this driver uses. */
export interface SerialPortLike {
  readonly isOpen: boolean;
  open(callback: (error: Error | null) => void): void;
  close(callback?: (error: Error | null) => void): void;
  write(data: Buffer): boolean;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'close', listener: (error?: Error & { disconnected?: boolean }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeAllListeners(): unknown;
}

export type SerialPortFactory = (options: { path: string; baudRate: number }) => SerialPortLike | Promise<SerialPortLike>;

async function realSerialPort(options: { path: string; baudRate: number }): Promise<SerialPortLike> {
  // Lazy: serialport carries a native binding; only boards with a console load it.
  const { SerialPort } = await importOptional<{ SerialPort: new (o: { path: string; baudRate: number; autoOpen: boolean }) => SerialPortLike }>('serialport');
  return new SerialPort({ path: options.path, baudRate: options.baudRate, autoOpen: false });
}

export interface SerialPortConsoleOptions {
  /** The board's UART (e.g. '/dev/serial0', '/dev/ttyAMA0') or a USB adapter ('/dev/ttyUSB0'). */
  path: string;
  baudRate?: number;
  clock: HalClock;
  name?: string;
  retry?: RetryBackoffOptions;
  log?: HalLog;
  /** Test seam: how a port object is made (SerialPortMock with @serialport/binding-mock in tests). */
  openPort?: SerialPortFactory;
}

const BAUD_RATES = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600];

/**
 * The console on a real serial port through serialport. A USB serial adapter
 * pulled out closes the port with `disconnected`; the driver reports it once
 * and re-opens with back-off until the adapter is back, so a maintenance
 * session never needs the phone restarted.
 */
export class SerialPortConsole extends SerialConsoleBase implements SerialConsole {
  private readonly opts: SerialPortConsoleOptions;
  private readonly clock: HalClock;
  private readonly log: HalLog;
  private port: SerialPortLike | undefined;
  private wanted = false;
  private lostSince: number | undefined;
  private readonly backoff: RetryBackoff;
  private retryTimer: HalTimerHandle | undefined;

  constructor(options: SerialPortConsoleOptions) {
    super(options.name ?? `console:${options.path}`);
    if (!BAUD_RATES.includes(options.baudRate ?? 115200)) {
      throw new HardwareError(HardwareErrorCode.BAD_SETTING, this.name, `${this.name}: baud rate ${options.baudRate} is not one of ${BAUD_RATES.join(', ')}`);
    }
    this.opts = options;
    this.clock = options.clock;
    this.log = options.log ?? silentLog;
    this.backoff = new RetryBackoff({ initialMs: 500, maxMs: 30_000, ...options.retry });
  }

  get isOpen(): boolean {
    return this.port?.isOpen === true;
  }

  /** Opens the port; rejects when it cannot be opened now (a console that later disappears is recovered instead). */
  async open(): Promise<void> {
    if (this.wanted) return;
    this.wanted = true;
    try {
      await this.connect();
    } catch (error) {
      this.wanted = false;
      throw error;
    }
    this.emit({ type: 'opened', path: this.opts.path });
  }

  async close(): Promise<void> {
    if (!this.wanted) return;
    this.wanted = false;
    this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.lostSince = undefined;
    const port = this.port;
    this.port = undefined;
    if (port !== undefined) {
      port.removeAllListeners();
      port.on('error', () => {});
      if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    }
    this.discipline.reset();
    this.emit({ type: 'closed' });
  }

  protected transmit(bytes: Buffer): void {
    if (this.port?.isOpen === true) this.port.write(bytes); // bytes for a port that is gone are lost, as on a wire
  }

  private async connect(): Promise<void> {
    let port: SerialPortLike;
    try {
      port = await (this.opts.openPort ?? realSerialPort)({ path: this.opts.path, baudRate: this.opts.baudRate ?? 115200 });
    } catch (cause) {
      throw new HardwareError(HardwareErrorCode.DRIVER_UNAVAILABLE, this.name, `${this.name}: serialport cannot be loaded: ${(cause as Error).message}`, { cause });
    }
    await new Promise<void>((resolve, reject) =>
      port.open((error) =>
        error === null
          ? resolve()
          : reject(new HardwareError('HAL_SERIAL_OPEN', this.name, `${this.name}: cannot open ${this.opts.path}: ${error.message}`, { cause: error })),
      ),
    );
    if (!this.wanted) {
      port.close();
      return;
    }
    this.port = port;
    port.on('data', (chunk) => this.receive(chunk));
    port.on('error', (error) => this.emit({ type: 'error', error }));
    port.on('close', (error) => {
      if (this.port !== port || !this.wanted) return;
      this.port = undefined;
      this.lose(error?.message ?? 'port closed');
    });
  }

  private lose(reason: string): void {
    if (this.lostSince === undefined) {
      this.lostSince = this.clock.now();
      this.log.warn({ path: this.opts.path, reason }, 'serial console lost; retrying in the background');
      this.emit({ type: 'lost', path: this.opts.path, reason });
    }
    this.discipline.reset();
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.wanted) return;
      this.connect().then(
        () => {
          if (this.lostSince === undefined || this.port === undefined) return;
          const downtimeMs = this.clock.now() - this.lostSince;
          this.lostSince = undefined;
          this.backoff.reset();
          this.log.info({ path: this.opts.path, downtimeMs }, 'serial console restored');
          this.emit({ type: 'restored', path: this.opts.path, downtimeMs });
        },
        (error: Error) => {
          if (this.wanted) this.lose(error.message);
        },
      );
    }, this.backoff.next());
  }
}

export function createSerialConsole(options: SerialPortConsoleOptions): SerialPortConsole {
  return new SerialPortConsole(options);
}
