import type { HalClock } from '../../clock.js';
import type { LineRef } from '../../gpio/index.js';
import type { GpioModel, PhysicalLevel } from './gpio-model.js';

export interface HookSwitchModelOptions {
  gpio: GpioModel;
  clock: HalClock;
  /** The hook contact's line; activeLow as the board wires it (logical 1 = off hook). */
  line: LineRef;
  seed?: number;
  /** Starts with the handset lifted. */
  offHook?: boolean;
}

/**
 * A cradle switch whose contacts bounce: lift() and hang() make the line chatter
 * at 1–4 ms intervals for the bounce time before it rests at the new level,
 * driven by the injected clock, with a seeded pattern so runs replay exactly.
 */
export class HookSwitchModel {
  private rng: number;
  private generation = 0;

  constructor(private readonly options: HookSwitchModelOptions) {
    this.rng = options.seed ?? 1;
    options.gpio.setInput(options.line, this.physical(options.offHook === true));
  }

  lift(bounceMs = 20): void {
    this.move(true, bounceMs);
  }

  hang(bounceMs = 20): void {
    this.move(false, bounceMs);
  }

  private move(offHook: boolean, bounceMs: number): void {
    const gen = ++this.generation;
    const { clock, gpio, line } = this.options;
    const start = clock.now();
    const final = this.physical(offHook);
    let level = final;
    gpio.setInput(line, final);
    const step = (): void => {
      if (gen !== this.generation) return;
      if (clock.now() - start >= bounceMs) {
        gpio.setInput(line, final);
        return;
      }
      level = (level ^ 1) as PhysicalLevel;
      gpio.setInput(line, level);
      clock.setTimeout(step, 1 + (this.next() % 4));
    };
    if (bounceMs > 0) clock.setTimeout(step, 1 + (this.next() % 4));
  }

  private physical(offHook: boolean): PhysicalLevel {
    return ((offHook ? 1 : 0) ^ (this.options.line.activeLow ? 1 : 0)) as PhysicalLevel;
  }

  private next(): number {
    // xorshift32: small, seeded, good enough for contact chatter.
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x >>> 0;
    return this.rng;
  }
}
