/**
 * Independent measuring tools for the signal tests: a plain DFT bin (not the
 * detector's Goertzel, so the detector is not tested with itself), RMS and
 * dBm0, and a per-millisecond on/off envelope for cadence checks.
 */
export function dftPower(x: ArrayLike<number>, hz: number, sampleRate = 8000, start = 0, length = x.length - start): number {
  let re = 0;
  let im = 0;
  const w = (2 * Math.PI * hz) / sampleRate;
  for (let n = 0; n < length; n++) {
    const v = x[start + n]!;
    re += v * Math.cos(w * n);
    im -= v * Math.sin(w * n);
  }
  // Amplitude of a sine at hz: 2|X|/N.
  return (2 * Math.hypot(re, im)) / length;
}

export function rms(x: ArrayLike<number>, start = 0, length = x.length - start): number {
  let s = 0;
  for (let i = start; i < start + length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / length);
}

/** dBm0 of a sine with peak amplitude `amp` (G.711: 0 dBm0 peak ≈ 22 786). */
export function ampToDbm0(amp: number): number {
  return 20 * Math.log10(amp / 32767) + 3.14;
}

/** The strongest frequency in [lo, hi] Hz by a 1 Hz DFT scan. */
export function peakFrequency(x: ArrayLike<number>, lo: number, hi: number, sampleRate = 8000, step = 1): number {
  let best = lo;
  let bestP = -1;
  for (let f = lo; f <= hi; f += step) {
    const p = dftPower(x, f, sampleRate);
    if (p > bestP) {
      bestP = p;
      best = f;
    }
  }
  return best;
}

/** For each millisecond, whether the signal is on (RMS above `threshold`). */
export function onOffByMs(x: ArrayLike<number>, sampleRate = 8000, threshold = 200): boolean[] {
  const per = sampleRate / 1000;
  const out: boolean[] = [];
  for (let i = 0; i + per <= x.length; i += per) out.push(rms(x, i, per) > threshold);
  return out;
}

/** Run lengths of an on/off sequence, starting with the first value: [[true, 400], [false, 200], …]. */
export function runs(flags: boolean[]): Array<[boolean, number]> {
  const out: Array<[boolean, number]> = [];
  for (const f of flags) {
    const last = out[out.length - 1];
    if (last && last[0] === f) last[1]++;
    else out.push([f, 1]);
  }
  return out;
}

/** A deterministic PRNG (mulberry32) so noise in tests is reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Gaussian noise samples with the given RMS. */
export function gaussianNoise(n: number, rmsLevel: number, seed = 1): Float64Array {
  const r = prng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = Math.max(r(), 1e-12);
    const v = r();
    const m = Math.sqrt(-2 * Math.log(u)) * rmsLevel;
    out[i] = m * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = m * Math.sin(2 * Math.PI * v);
  }
  return out;
}
