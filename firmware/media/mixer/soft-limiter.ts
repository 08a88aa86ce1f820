/**
 * A peak limiter for summed audio: when the sum of several talkers would
 * exceed the threshold the gain drops at once (so no sample clips, and none
 * wraps around from +32767 to −32768, which is the loudest possible click),
 * then recovers smoothly (so a brief peak does not pump the level).
 *
 * Works in place on a Float32Array frame; keeps only the gain between frames.
 */
import { SAMPLE_RATE } from '../constants.js';

export interface SoftLimiterOptions {
  /** Level above which the gain is reduced, in dBFS (0 dBFS = 32767). */
  thresholdDbfs?: number;
  /** Time for the gain to recover most (1 − 1/e) of the way back to unity. */
  releaseMs?: number;
  sampleRate?: number;
}

export class SoftLimiter {
  readonly threshold: number;
  private readonly release: number;
  private gain = 1;

  constructor(options: SoftLimiterOptions = {}) {
    this.threshold = 32767 * Math.pow(10, (options.thresholdDbfs ?? -1) / 20);
    const samples = ((options.releaseMs ?? 50) * (options.sampleRate ?? SAMPLE_RATE)) / 1000;
    this.release = 1 - Math.exp(-1 / samples);
  }

  /** The gain applied to the last sample (1 when not limiting). */
  get currentGain(): number {
    return this.gain;
  }

  /** Limits `frame` into `out` as 16-bit samples. */
  process(frame: Float32Array, out: Int16Array): Int16Array {
    const t = this.threshold;
    let g = this.gain;
    for (let i = 0; i < frame.length; i++) {
      const s = frame[i]!;
      const a = s < 0 ? -s : s;
      if (a * g > t) g = t / a; // instant attack: this very sample stays under the threshold
      const v = s * g;
      // Unity gain and an in-range sample: pass through bit-exact.
      out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : Math.round(v);
      if (g < 1) g += (1 - g) * this.release;
      // Within 0.01 % of unity (at most 3 LSB at full scale, inaudible): snap back so quiet audio is bit-exact again.
      if (g > 0.9999) g = 1;
    }
    this.gain = g;
    return out;
  }

  reset(): void {
    this.gain = 1;
  }
}
