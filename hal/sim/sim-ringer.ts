import type { HalClock } from '../clock.js';
import { CadenceRinger } from '../ringer/index.js';
import { Listeners } from '../types/index.js';
import type { Unsubscribe } from '../types/index.js';

export interface SimRingerState {
  ringing: boolean;
  sounding: boolean;
  volume: number;
}

/** The simulator's bell: follows the cadence on the injected clock; the virtual panel shows (or plays) it. */
export class SimRinger extends CadenceRinger {
  private readonly changes = new Listeners<SimRingerState>();

  constructor(clock: HalClock, volume?: number) {
    super(clock, 'ringer', volume);
  }

  onChange(listener: (state: SimRingerState) => void): Unsubscribe {
    return this.changes.add(listener);
  }

  override ring(...args: Parameters<CadenceRinger['ring']>): void {
    super.ring(...args);
    this.changed();
  }

  override stop(): void {
    super.stop();
    this.changed();
  }

  override setVolume(volume: number): void {
    super.setVolume(volume);
    this.changed();
  }

  protected sound(): void {
    this.changed();
  }

  protected async release(): Promise<void> {
    this.changes.clear();
  }

  private changed(): void {
    this.changes.emit({ ringing: this.ringing, sounding: this.sounding, volume: this.volume });
  }
}
