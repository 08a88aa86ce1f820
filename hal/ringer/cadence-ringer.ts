import type { HalClock } from '../clock.js';
import { HardwareError, HardwareErrorCode } from '../errors.js';
import { CadencePlayer } from '../led/index.js';
import type { RingCadence, RingCadenceName, Ringer } from '../types/index.js';
import { RING_CADENCES, validateCadence } from '../types/index.js';

/**
 * What every ringer shares: the cadence, the volume and the ringing state.
 * Subclasses say how to make the bell sound and fall silent.
 */
export abstract class CadenceRinger implements Ringer {
  private readonly player: CadencePlayer;
  private isRinging = false;
  private level: number;

  protected constructor(
    clock: HalClock,
    protected readonly device: string,
    volume = 80,
  ) {
    this.level = clampVolume(volume);
    this.player = new CadencePlayer(clock, (on) => this.sound(on && this.level > 0, this.level));
  }

  get ringing(): boolean {
    return this.isRinging;
  }

  get sounding(): boolean {
    return this.player.active && this.level > 0;
  }

  get volume(): number {
    return this.level;
  }

  ring(cadence: RingCadence | RingCadenceName = 'standard'): void {
    const steps = typeof cadence === 'string' ? RING_CADENCES[cadence] : cadence;
    if (steps === undefined) throw new HardwareError(HardwareErrorCode.BAD_SETTING, this.device, `unknown ring cadence '${String(cadence)}'; known: ${Object.keys(RING_CADENCES).join(', ')}`);
    const problem = validateCadence(steps);
    if (problem) throw new HardwareError(HardwareErrorCode.BAD_SETTING, this.device, `ring cadence [${steps.join(', ')}]: ${problem}`);
    this.isRinging = true;
    this.player.play(steps);
  }

  stop(): void {
    this.isRinging = false;
    this.player.stop(false);
  }

  setVolume(volume: number): void {
    this.level = clampVolume(volume);
    // Apply at once if the bell is sounding now, rather than at the next cadence step.
    if (this.player.active) this.sound(this.level > 0, this.level);
  }

  async close(): Promise<void> {
    this.stop();
    await this.release();
  }

  /** Makes the bell sound (on) or fall silent; called at each cadence step and on volume changes. */
  protected abstract sound(on: boolean, volume: number): void;
  protected abstract release(): Promise<void>;
}

function clampVolume(v: number): number {
  return Number.isFinite(v) ? Math.min(100, Math.max(0, Math.round(v))) : 0;
}
