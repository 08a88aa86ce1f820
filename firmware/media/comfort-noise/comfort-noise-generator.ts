import { CN_MAX_ORDER, decodeCnPayload } from './cn-payload.js';

/** RMS of a 0 dBov signal in 16-bit PCM (full-scale square wave). */
const FULL_SCALE_RMS = 32768;

/**
 * Plays RFC 3389 comfort noise: white noise shaped by the all-pole model the
 * sender described (a lattice filter driven directly by the reflection
 * coefficients, stable for |k| < 1) and scaled to the signalled level. The
 * listener hears the far end's background, not dead silence that sounds like
 * a dropped call (RFC 3389 §1, G.711 Appendix II).
 */
export class ComfortNoiseGenerator {
  private readonly k = new Float64Array(CN_MAX_ORDER);
  private order = 0;
  private readonly backward = new Float64Array(CN_MAX_ORDER + 1);
  private targetRms = 0;
  private currentRms = 0;
  /** Excitation gain that makes the filter's output power one: Π(1 − k²) is its prediction-error power. */
  private excitationGain = 1;
  private seed: number;
  /** SID payloads that were empty and ignored. */
  invalidPayloads = 0;
  updates = 0;

  constructor(seed = 0x2545f491) {
    this.seed = seed >>> 0 || 1;
  }

  get active(): boolean {
    return this.updates > 0;
  }

  /** A CN packet arrived: adopt its level and spectrum. */
  update(payload: Uint8Array, length = payload.length): void {
    const p = decodeCnPayload(payload, length);
    if (!p) {
      this.invalidPayloads++;
      return;
    }
    this.updates++;
    this.targetRms = FULL_SCALE_RMS * Math.pow(10, p.levelDbov / 20);
    if (this.updates === 1) this.currentRms = this.targetRms;
    this.order = p.reflectionCoefficients.length;
    let g = 1;
    for (let i = 0; i < this.order; i++) {
      // Keep the lattice strictly stable even for the extreme code 255 (k = 1).
      const k = Math.max(-0.999, Math.min(0.999, p.reflectionCoefficients[i]!));
      this.k[i] = k;
      g *= 1 - k * k;
    }
    this.excitationGain = Math.sqrt(g);
  }

  /** Fills `out` with noise; level changes glide over the frame instead of stepping. */
  generate(out: Int16Array): void {
    const n = out.length;
    const start = this.currentRms;
    const step = (this.targetRms - start) / n;
    const p = this.order;
    const k = this.k;
    const b = this.backward;
    for (let i = 0; i < n; i++) {
      const rms = start + step * (i + 1);
      let f = this.gaussian() * this.excitationGain;
      // All-pole lattice: f_{m-1} = f_m − k_m·b_{m-1}[n−1]; b_m[n] = k_m·f_{m-1} + b_{m-1}[n−1].
      for (let m = p; m >= 1; m--) {
        f -= k[m - 1]! * b[m - 1]!;
        b[m] = k[m - 1]! * f + b[m - 1]!;
      }
      b[0] = f;
      const v = Math.round(f * rms);
      out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
    }
    this.currentRms = this.targetRms;
  }

  /** Unit-variance noise: the sum of four uniforms (Irwin–Hall), cheap and close enough to Gaussian. */
  private gaussian(): number {
    let s = 0;
    for (let i = 0; i < 4; i++) s += this.uniform();
    return (s - 2) * Math.sqrt(3);
  }

  private uniform(): number {
    // xorshift32: deterministic per seed, so tests and replays are reproducible.
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    return this.seed / 4294967296;
  }
}
