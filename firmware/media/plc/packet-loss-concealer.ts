import { findPitch } from './pitch.js';

/** G.711 Appendix I parameters at 8 kHz. */
const PITCH_MIN = 40; // 200 Hz
const PITCH_MAX = 120; // 66.7 Hz
const CORR_LEN = 160; // 20 ms correlation window
/** Output delay: lets the start of an erasure overlap-add into samples not yet played (Appendix I: 3.75 ms). */
const POVERLAP_MAX = PITCH_MAX >> 2;
const HISTORY_LEN = 3 * PITCH_MAX + POVERLAP_MAX; // 390 samples, 48.75 ms
const SAMPLES_10MS = 80;
/** Attenuation: 20 % per 10 ms after the first 10 ms (Appendix I), so silence from 60 ms on. */
const ATTENUATION_PER_SAMPLE = 0.2 / SAMPLES_10MS;
const SILENCE_AFTER = 6 * SAMPLES_10MS;
/** Recovery overlap grows 4 ms per extra erased 10 ms, up to 10 ms (Appendix I). */
const RECOVERY_OVERLAP_INCREMENT = 32;

/**
 * Packet loss concealment in the style of ITU-T G.711 Appendix I, on 8 kHz
 * PCM frames of any length:
 * - at the start of a loss, find the pitch period of the last 20 ms, overlap-add
 *   the last quarter period with the quarter period one pitch earlier so the
 *   repetition starts smoothly, and repeat the last period;
 * - after 10 ms repeat the last two periods, after 20 ms three (overlap-added at
 *   each switch), so long losses do not buzz;
 * - attenuate 20 % per 10 ms after the first 10 ms, silence after 60 ms;
 * - on the first good frame, overlap-add the continuing synthetic signal into
 *   it over a window that grows with the loss length (smooth recovery).
 * Output is delayed by POVERLAP_MAX (30 samples, 3.75 ms) for the start overlap.
 * Written from the Appendix's description; no code copied.
 */
export class PacketLossConcealer {
  /** Samples every output lags its input by. */
  static readonly delaySamples = POVERLAP_MAX;
  private readonly history: Float32Array;
  private readonly len: number;
  private readonly pattern = new Float32Array(3 * PITCH_MAX);
  private readonly blend = new Float32Array(POVERLAP_MAX);
  private blendLeft = 0;
  private blendPos = 0;
  private erasedSamples = 0;
  private pitch = PITCH_MAX;
  private overlap = POVERLAP_MAX;
  private periods = 1;
  private phase = 0;
  /** Samples concealed since creation (for call statistics). */
  concealedSamples = 0;

  constructor(maxFrameSamples = 480) {
    this.len = HISTORY_LEN + maxFrameSamples;
    this.history = new Float32Array(this.len);
  }

  get concealing(): boolean {
    return this.erasedSamples > 0;
  }

  /**
   * A received frame: `out` gets the same number of samples, delayed by
   * delaySamples. `splice` says frames were discarded right before this one
   * (jitter-buffer compression): the join is smoothed as after a loss.
   */
  good(pcm: Int16Array, out: Int16Array, splice = false): void {
    const n = pcm.length;
    const h = this.shift(n);
    const base = this.len - n;
    for (let i = 0; i < n; i++) h[base + i] = pcm[i]!;
    if (splice && this.erasedSamples === 0) {
      // Treat the discontinuity like a one-frame loss that ends here: synthesize from what came before.
      this.startErasure(base);
      this.erasedSamples = 1;
    }
    if (this.erasedSamples > 0) {
      // Appendix I recovery: fade the synthetic continuation out while the real signal fades in.
      const extra10ms = Math.max(0, Math.ceil(this.erasedSamples / SAMPLES_10MS) - 1);
      const olen = Math.min(n, this.overlap + extra10ms * RECOVERY_OVERLAP_INCREMENT, SAMPLES_10MS);
      for (let i = 0; i < olen; i++) {
        const w = (i + 1) / (olen + 1);
        const synth = this.nextSynthetic();
        h[base + i] = (1 - w) * synth + w * h[base + i]!;
      }
      this.erasedSamples = 0;
    }
    this.emit(out, n);
  }

  /** A missing frame: fills `out` with the concealment of its length. */
  conceal(out: Int16Array): void {
    const n = out.length;
    if (this.erasedSamples === 0) this.startErasure(this.len);
    const h = this.shift(n);
    const base = this.len - n;
    for (let i = 0; i < n; i++) h[base + i] = this.nextSynthetic();
    this.concealedSamples += n;
    this.emit(out, n);
  }

  private startErasure(end: number): void {
    const h = this.history;
    this.pitch = findPitch(h, end, PITCH_MIN, PITCH_MAX, CORR_LEN);
    this.overlap = this.pitch >> 2;
    // Appendix I: overlap-add the last quarter period with the quarter period one pitch earlier,
    // so that the end of the real signal flows into the repeated period.
    for (let i = 0; i < this.overlap; i++) {
      const k = end - this.overlap + i;
      const w = (i + 1) / (this.overlap + 1);
      h[k] = (1 - w) * h[k]! + w * h[k - this.pitch]!;
    }
    this.pattern.set(h.subarray(end - 3 * this.pitch, end), 0);
    this.periods = 1;
    this.phase = 0;
    this.blendLeft = 0;
    this.erasedSamples = 0;
  }

  /** One synthetic sample: the repeated pitch periods with the attenuation schedule. */
  private nextSynthetic(): number {
    const t = this.erasedSamples;
    if (t === SAMPLES_10MS || t === 2 * SAMPLES_10MS) this.addPeriod();
    const span = this.periods * this.pitch;
    let v = this.patternAt(this.periods, this.phase);
    if (this.blendLeft > 0) {
      v = this.blend[this.blendPos++]!;
      this.blendLeft--;
    }
    this.phase = (this.phase + 1) % span;
    this.erasedSamples++;
    let gain = 1;
    if (t >= SILENCE_AFTER) gain = 0;
    else if (t >= SAMPLES_10MS) gain = 1 - (t - SAMPLES_10MS) * ATTENUATION_PER_SAMPLE;
    return v * gain;
  }

  /** Sample `phase` of the last `periods` pitch periods before the loss. */
  private patternAt(periods: number, phase: number): number {
    return this.pattern[3 * this.pitch - periods * this.pitch + phase]!;
  }

  /**
   * Appendix I: switch to repeating one more (older) period. The new stream starts
   * at the same offset within the period, one period further back, and is
   * cross-faded in over a quarter period; the blend is computed here, read by nextSynthetic.
   */
  private addPeriod(): void {
    const old = this.periods;
    const next = old + 1;
    const p = this.pitch;
    const nextPhase = this.phase % p;
    const o = this.overlap;
    for (let i = 0; i < o; i++) {
      const w = (i + 1) / (o + 1);
      const a = this.patternAt(old, (this.phase + i) % (old * p));
      const b = this.patternAt(next, (nextPhase + i) % (next * p));
      this.blend[i] = (1 - w) * a + w * b;
    }
    this.blendLeft = o;
    this.blendPos = 0;
    this.periods = next;
    this.phase = nextPhase;
  }

  private shift(n: number): Float32Array {
    const h = this.history;
    h.copyWithin(0, n);
    return h;
  }

  private emit(out: Int16Array, n: number): void {
    const h = this.history;
    const from = this.len - POVERLAP_MAX - n;
    for (let i = 0; i < n; i++) {
      const v = Math.round(h[from + i]!);
      out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
    }
  }
}
