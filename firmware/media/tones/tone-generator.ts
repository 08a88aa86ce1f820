/**
 * Plays a ToneSpec frame by frame: `next(out)` fills any number of samples and
 * the next call continues exactly where the last one stopped, so cadences are
 * sample-accurate whatever the frame size (10, 20 or 30 ms) and oscillators are
 * phase-continuous across frames and across segments (no clicks at frame edges).
 *
 * Pure: no clock, no allocation after construction.
 */
import { SAMPLE_RATE, dbm0ToAmplitude } from '../constants.js';
import type { ToneSpec } from './tone-spec.js';
import { validateToneSpec } from './tone-spec.js';

/** Raised-cosine ramp at on/off edges: a hard gate on a sine is an audible click. */
export const TONE_RAMP_MS = 2;

interface CompiledSegment {
  samples: number;
  count: number;
  /** Per oscillator slot: phase increment (cycles/sample), amplitude, modulation increment and depth. */
  inc: Float64Array;
  amp: Float64Array;
  modInc: Float64Array;
  modDepth: Float64Array;
  rampOut: boolean;
}

export interface ToneGeneratorOptions {
  sampleRate?: number;
  rampMs?: number;
  /** Extra gain in dB on top of the spec's levels (the ringer's volume setting). */
  gainDb?: number;
}

export class ToneGenerator {
  readonly spec: ToneSpec;
  readonly sampleRate: number;
  private readonly segments: CompiledSegment[];
  private readonly rampSamples: number;
  private readonly phase: Float64Array;
  private readonly modPhase: Float64Array;
  private segmentIndex = 0;
  private position = 0;
  private finished = false;
  /** Whether the segment playing now started after silence (or at the very start): it fades in. */
  private rampIn = true;

  constructor(spec: ToneSpec, options: ToneGeneratorOptions = {}) {
    validateToneSpec(spec);
    this.spec = spec;
    this.sampleRate = options.sampleRate ?? SAMPLE_RATE;
    this.rampSamples = Math.max(0, Math.round(((options.rampMs ?? TONE_RAMP_MS) * this.sampleRate) / 1000));
    const gain = Math.pow(10, (options.gainDb ?? 0) / 20);
    const slots = Math.max(1, ...spec.segments.map((s) => s.components.length));
    this.phase = new Float64Array(slots);
    this.modPhase = new Float64Array(slots);
    const n = spec.segments.length;
    const silent = (i: number): boolean => {
      if (i >= n) return spec.loopFrom === undefined ? true : spec.segments[spec.loopFrom]!.components.length === 0;
      return spec.segments[i]!.components.length === 0;
    };
    this.segments = spec.segments.map((s, i) => {
      const seg: CompiledSegment = {
        samples: Math.max(1, Math.round((s.ms * this.sampleRate) / 1000)),
        count: s.components.length,
        inc: new Float64Array(slots),
        amp: new Float64Array(slots),
        modInc: new Float64Array(slots),
        modDepth: new Float64Array(slots),
        rampOut: silent(i + 1),
      };
      s.components.forEach((c, k) => {
        const depth = c.modulationHz === undefined ? 0 : (c.modulationDepth ?? 1);
        seg.inc[k] = c.hz / this.sampleRate;
        // Scale a modulated carrier so its envelope peak (1 + depth) stays at the component level.
        seg.amp[k] = (dbm0ToAmplitude(c.dbm0) * gain) / (1 + depth);
        seg.modInc[k] = (c.modulationHz ?? 0) / this.sampleRate;
        seg.modDepth[k] = depth;
      });
      return seg;
    });
  }

  /** True once a non-looping tone has played all its segments. */
  get done(): boolean {
    return this.finished;
  }

  /** Restarts from the first segment (phases restart too). */
  reset(): void {
    this.segmentIndex = 0;
    this.position = 0;
    this.finished = false;
    this.rampIn = true;
    this.phase.fill(0);
    this.modPhase.fill(0);
  }

  /** Fills `out` with the next out.length samples and returns it. */
  next(out: Int16Array): Int16Array {
    let i = 0;
    const len = out.length;
    while (i < len) {
      if (this.finished) {
        out.fill(0, i);
        return out;
      }
      const seg = this.segments[this.segmentIndex]!;
      const run = Math.min(len - i, seg.samples - this.position);
      if (seg.count === 0) {
        out.fill(0, i, i + run);
      } else {
        this.render(seg, out, i, run);
      }
      i += run;
      this.position += run;
      if (this.position >= seg.samples) this.advanceSegment();
    }
    return out;
  }

  private render(seg: CompiledSegment, out: Int16Array, start: number, run: number): void {
    const ramp = this.rampSamples;
    const twoPi = 2 * Math.PI;
    for (let j = 0; j < run; j++) {
      const pos = this.position + j;
      let v = 0;
      for (let k = 0; k < seg.count; k++) {
        let a = seg.amp[k]!;
        if (seg.modDepth[k]! !== 0) {
          a *= 1 + seg.modDepth[k]! * Math.sin(twoPi * this.modPhase[k]!);
          this.modPhase[k] = (this.modPhase[k]! + seg.modInc[k]!) % 1;
        }
        v += a * Math.sin(twoPi * this.phase[k]!);
        this.phase[k] = (this.phase[k]! + seg.inc[k]!) % 1;
      }
      if (ramp > 0) {
        let env = 1;
        if (this.rampIn && pos < ramp) env = 0.5 - 0.5 * Math.cos((Math.PI * (pos + 0.5)) / ramp);
        const fromEnd = seg.samples - 1 - pos;
        if (seg.rampOut && fromEnd < ramp) env = Math.min(env, 0.5 - 0.5 * Math.cos((Math.PI * (fromEnd + 0.5)) / ramp));
        v *= env;
      }
      out[start + j] = v > 32767 ? 32767 : v < -32768 ? -32768 : Math.round(v);
    }
  }

  private advanceSegment(): void {
    this.rampIn = this.segments[this.segmentIndex]!.count === 0;
    this.position = 0;
    this.segmentIndex++;
    if (this.segmentIndex >= this.segments.length) {
      if (this.spec.loopFrom === undefined) {
        this.finished = true;
        this.segmentIndex = this.segments.length - 1;
      } else {
        this.segmentIndex = this.spec.loopFrom;
      }
    }
  }
}
