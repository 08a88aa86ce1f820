import type { HalClock } from '../clock.js';
import type { GpioBackend, GpioLine, LineRef } from '../gpio/index.js';
import type { HalLog } from '../log.js';
import { silentLog } from '../log.js';
import type { Led, LedPattern } from '../types/index.js';
import { patternCadence } from '../types/index.js';
import { CadencePlayer } from './cadence.js';

export interface GpioLedOptions {
  gpio: GpioBackend;
  clock: HalClock;
  log?: HalLog;
  name: string;
  /** The lamp's line; activeLow when the LED sinks into the pin. */
  line: LineRef;
}

/** A lamp on a GPIO line, blinking by timer. A failed write is logged, never thrown: a lamp is not worth a crash. */
export class GpioLed implements Led {
  private readonly player: CadencePlayer;
  private current: LedPattern = 'off';
  private failed = false;

  private constructor(
    readonly name: string,
    private readonly line: GpioLine,
    clock: HalClock,
    private readonly log: HalLog,
  ) {
    this.player = new CadencePlayer(clock, (on) => this.drive(on));
  }

  static async open(options: GpioLedOptions): Promise<GpioLed> {
    const line = await options.gpio.request({ line: options.line, direction: 'out', initial: 0, consumer: `deskphone led ${options.name}` });
    return new GpioLed(options.name, line, options.clock, options.log ?? silentLog);
  }

  get pattern(): LedPattern {
    return this.current;
  }

  get lit(): boolean {
    return this.player.active;
  }

  set(pattern: LedPattern): void {
    this.current = pattern;
    const cadence = patternCadence(pattern);
    if (typeof cadence === 'boolean') this.player.hold(cadence);
    else this.player.play([cadence.onMs, cadence.offMs]);
  }

  async close(): Promise<void> {
    this.player.stop(false);
    await this.line.write(0).catch(() => undefined);
    await this.line.release();
  }

  private drive(on: boolean): void {
    this.line.write(on ? 1 : 0).then(
      () => {
        this.failed = false;
      },
      (error: unknown) => {
        if (!this.failed) this.log.error({ err: error, led: this.name }, 'LED write failed');
        this.failed = true;
      },
    );
  }
}
