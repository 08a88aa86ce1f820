import type { HalClock } from '../clock.js';
import { CadencePlayer } from '../led/index.js';
import type { Led, LedPattern, Unsubscribe } from '../types/index.js';
import { patternCadence, Listeners } from '../types/index.js';

export interface SimLedState {
  name: string;
  pattern: LedPattern;
  lit: boolean;
}

/** The simulator's lamp: blinks on the injected clock so the virtual panel and tests see it alternate. */
export class SimLed implements Led {
  private readonly player: CadencePlayer;
  private current: LedPattern = 'off';
  private readonly changes = new Listeners<SimLedState>();

  constructor(
    readonly name: string,
    clock: HalClock,
  ) {
    this.player = new CadencePlayer(clock, () => this.changed());
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
    this.changed();
  }

  onChange(listener: (state: SimLedState) => void): Unsubscribe {
    return this.changes.add(listener);
  }

  async close(): Promise<void> {
    this.player.stop(false);
    this.changes.clear();
  }

  private changed(): void {
    this.changes.emit({ name: this.name, pattern: this.current, lit: this.lit });
  }
}
