import type { HalClock } from '../clock.js';
import { CadenceRinger } from './cadence-ringer.js';

/**
 * Where the ring tone comes from when the phone rings through its loudspeaker.
 * hal/ must not import firmware/media (DESIGN.md), so the media engine's tone
 * generator is handed in: `start` begins the ring tone on the speaker route at
 * a volume (0–100), `stop` silences it.
 */
export interface RingToneSource {
  start(volume: number): void;
  stop(): void;
}

export interface SpeakerRingerOptions {
  clock: HalClock;
  tone: RingToneSource;
  volume?: number;
}

/** A ringer that plays the ring tone through the speaker in the ring cadence. */
export class SpeakerRinger extends CadenceRinger {
  private playing = false;
  private readonly tone: RingToneSource;

  constructor(options: SpeakerRingerOptions) {
    super(options.clock, 'ringer', options.volume);
    this.tone = options.tone;
  }

  protected sound(on: boolean, volume: number): void {
    if (on) {
      this.tone.start(volume);
      this.playing = true;
    } else if (this.playing) {
      this.tone.stop();
      this.playing = false;
    }
  }

  protected async release(): Promise<void> {
    if (this.playing) this.tone.stop();
    this.playing = false;
  }
}
