import type { HalClock } from '../clock.js';
import type { GpioBackend, GpioLine, LineRef } from '../gpio/index.js';
import type { HalLog } from '../log.js';
import { silentLog } from '../log.js';
import { CadenceRinger } from './cadence-ringer.js';

export interface GpioBuzzerOptions {
  gpio: GpioBackend;
  clock: HalClock;
  log?: HalLog;
  /** An active (self-oscillating) buzzer's enable line, usually through a transistor. */
  line: LineRef;
  volume?: number;
}

/**
 * A ringer that switches an active buzzer on a GPIO line in the ring cadence.
 * A plain GPIO line has no loudness: volume 0 silences the buzzer, anything
 * above sounds it at its one level (boards wanting volume ring through the speaker).
 */
export class GpioBuzzer extends CadenceRinger {
  private failed = false;

  private constructor(
    private readonly line: GpioLine,
    clock: HalClock,
    private readonly log: HalLog,
    volume?: number,
  ) {
    super(clock, 'ringer', volume);
  }

  static async open(options: GpioBuzzerOptions): Promise<GpioBuzzer> {
    const line = await options.gpio.request({ line: options.line, direction: 'out', initial: 0, consumer: 'deskphone ringer' });
    return new GpioBuzzer(line, options.clock, options.log ?? silentLog, options.volume);
  }

  protected sound(on: boolean): void {
    this.line.write(on ? 1 : 0).then(
      () => {
        this.failed = false;
      },
      (error: unknown) => {
        if (!this.failed) this.log.error({ err: error }, 'buzzer write failed');
        this.failed = true;
      },
    );
  }

  protected async release(): Promise<void> {
    await this.line.write(0).catch(() => undefined);
    await this.line.release();
  }
}
