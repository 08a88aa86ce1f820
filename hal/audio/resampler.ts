/**
 * A streaming rational resampler (polyphase windowed-sinc) for sound cards that
 * only run at their native rate: a USB handset that opens at 48 kHz while the
 * phone's media runs at 8 or 16 kHz (issue 6, "bad input").
 *
 * Conversion by L/M (L = up, M = down, the rates' ratio in lowest terms) is
 * upsampling by L, one low-pass filter, and downsampling by M; the polyphase
 * form computes only the outputs that survive the downsampling and only the
 * taps that meet non-zero inputs, so the cost per output is K = N/L taps.
 *
 * The low-pass is a Kaiser-windowed sinc whose passband ends at 85 % of the
 * lower Nyquist frequency and whose stopband starts at that Nyquist frequency:
 * for 8 kHz that is 3.4 kHz (the telephone band, ITU-T G.712) to 4 kHz, so no
 * component above 4 kHz can fold back into the band. The attenuation is chosen
 * from the Kaiser design formulas (Oppenheim & Schafer §7.5.3).
 */
export interface ResamplerOptions {
  /** Stopband attenuation in dB; 80 by default (below the 16-bit noise of a handset). */
  attenuationDb?: number;
  /** Passband edge as a fraction of the lower Nyquist frequency; 0.85 by default. */
  passband?: number;
  /**
   * Stopband edge as a fraction of the lower Nyquist frequency; 1 by default
   * (nothing aliases). Up to 2 − passband, aliases land only above the
   * passband (for 8 kHz: 4.0–4.6 kHz folds onto 3.4–4.0 kHz, outside the
   * telephone band) and the filter needs about half the taps: the trade the
   * live audio path makes on a small CPU.
   */
  stopband?: number;
}

export class Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  private readonly up: number;
  private readonly down: number;
  private readonly taps: number;
  /** phases[p][j] = L · h[p + j·L], so output = Σ phases[p][j] · x[n − j]. */
  private readonly phases: Float32Array[];
  private buf: Float32Array;
  private bufLen: number;
  private pos: number;

  constructor(inputRate: number, outputRate: number, options: ResamplerOptions = {}) {
    if (!(Number.isInteger(inputRate) && inputRate > 0 && Number.isInteger(outputRate) && outputRate > 0)) {
      throw new RangeError(`Resampler: rates must be positive integers (got ${inputRate} → ${outputRate})`);
    }
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    const g = gcd(inputRate, outputRate);
    this.up = outputRate / g;
    this.down = inputRate / g;

    const attenuation = options.attenuationDb ?? 80;
    const passband = options.passband ?? 0.85;
    const stopband = options.stopband ?? 1;
    if (!(passband > 0 && passband < stopband && stopband <= 2 - passband)) {
      throw new RangeError(`Resampler: need 0 < passband (${passband}) < stopband (${stopband}) ≤ 2 − passband`);
    }
    const upRate = inputRate * this.up;
    const nyquist = Math.min(inputRate, outputRate) / 2;
    const transitionHz = nyquist * (stopband - passband);
    const cutoffHz = (nyquist * (stopband + passband)) / 2;
    // Kaiser's estimates: order from attenuation and transition width, β from attenuation.
    const deltaOmega = (2 * Math.PI * transitionHz) / upRate;
    const order = Math.ceil((attenuation - 8) / (2.285 * deltaOmega));
    const beta = attenuation > 50 ? 0.1102 * (attenuation - 8.7) : 0.5842 * (attenuation - 21) ** 0.4 + 0.07886 * (attenuation - 21);
    this.taps = Math.max(1, Math.ceil((order + 1) / this.up));
    const length = this.taps * this.up;
    const fc = cutoffHz / upRate; // cycles per upsampled sample
    const centre = (length - 1) / 2;
    const i0Beta = besselI0(beta);
    const proto = new Float64Array(length);
    for (let n = 0; n < length; n++) {
      const t = n - centre;
      const sinc = t === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * t) / (Math.PI * t);
      const r = (2 * n) / (length - 1) - 1;
      proto[n] = sinc * (besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta);
    }
    // Normalise each phase's DC gain to 1 so a constant input stays constant (no ripple at DC).
    this.phases = [];
    for (let p = 0; p < this.up; p++) {
      const phase = new Float32Array(this.taps);
      let sum = 0;
      for (let j = 0; j < this.taps; j++) sum += proto[p + j * this.up]!;
      for (let j = 0; j < this.taps; j++) phase[j] = proto[p + j * this.up]! / sum;
      this.phases.push(phase);
    }
    this.buf = new Float32Array(this.taps - 1 + 1024);
    this.bufLen = this.taps - 1; // zero history
    this.pos = (this.taps - 1) * this.up;
  }

  /** Taps evaluated per output sample (the cost of one output). */
  get tapsPerOutput(): number {
    return this.taps;
  }

  /** Delay the filter adds, in output samples. */
  get delaySamples(): number {
    return ((this.taps * this.up - 1) / 2) / this.down;
  }

  /** Upper bound on the outputs `process` produces for `inputLength` inputs. */
  maxOutputLength(inputLength: number): number {
    return Math.ceil(((inputLength + 1) * this.up) / this.down) + 1;
  }

  /** Consumes `input` and writes the outputs it completes into `out`; returns how many. */
  process(input: Int16Array, out: Int16Array): number {
    this.append(input);
    const { up, down, taps, phases, buf } = this;
    let pos = this.pos;
    let written = 0;
    for (;;) {
      const n = Math.floor(pos / up);
      if (n >= this.bufLen) break;
      if (written >= out.length) throw new RangeError('Resampler.process: output buffer too small (use maxOutputLength)');
      const coeffs = phases[pos - n * up]!;
      let acc = 0;
      for (let j = 0; j < taps; j++) acc += coeffs[j]! * buf[n - j]!;
      out[written++] = acc >= 32767 ? 32767 : acc <= -32768 ? -32768 : Math.round(acc);
      pos += down;
    }
    // Keep the taps − 1 inputs the next output still needs.
    const drop = Math.min(this.bufLen, Math.floor(pos / up)) - (taps - 1);
    if (drop > 0) {
      buf.copyWithin(0, drop, this.bufLen);
      this.bufLen -= drop;
      pos -= drop * up;
    }
    this.pos = pos;
    return written;
  }

  /** Forgets the history (after a gap in the stream, so old audio does not ring into new). */
  reset(): void {
    this.buf.fill(0, 0, this.taps - 1);
    this.bufLen = this.taps - 1;
    this.pos = (this.taps - 1) * this.up;
  }

  private append(input: Int16Array): void {
    const need = this.bufLen + input.length;
    if (need > this.buf.length) {
      const grown = new Float32Array(Math.max(need, this.buf.length * 2));
      grown.set(this.buf.subarray(0, this.bufLen));
      this.buf = grown;
    }
    const buf = this.buf;
    let k = this.bufLen;
    for (let i = 0; i < input.length; i++) buf[k++] = input[i]!;
    this.bufLen = k;
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Zeroth-order modified Bessel function of the first kind (series), for the Kaiser window. */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}
