/**
 * A test signal that cannot be mistaken for silence or for itself shifted:
 * pseudo-random 16-bit samples (a 32-bit LCG, Numerical Recipes constants),
 * never zero, so the first non-zero captured sample marks where playback
 * started and the rest must match sample for sample.
 */
export function testSignal(samples: number, seed = 0x5eed): Int16Array {
  const out = new Int16Array(samples);
  let x = seed >>> 0;
  for (let i = 0; i < samples; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const v = (x >>> 16) - 32768;
    out[i] = v === 0 ? 1 : v;
  }
  return out;
}

export interface Alignment {
  /** Index in the capture where the signal starts, or -1. */
  readonly offset: number;
  /** How many signal samples matched in a row from the start. */
  readonly matched: number;
  /** First mismatching index within the signal, or -1 when all matched. */
  readonly firstMismatch: number;
}

/** Finds `signal` in `captured` by its first samples and counts how much matches bit for bit. */
export function alignSignal(captured: Int16Array, signal: Int16Array): Alignment {
  const key = Math.min(8, signal.length);
  let offset = -1;
  for (let i = 0; i + key <= captured.length && offset < 0; i++) {
    let hit = true;
    for (let k = 0; k < key && hit; k++) hit = captured[i + k] === signal[k];
    if (hit) offset = i;
  }
  if (offset < 0) return { offset, matched: 0, firstMismatch: 0 };
  let matched = 0;
  while (matched < signal.length && offset + matched < captured.length && captured[offset + matched] === signal[matched]) matched++;
  return { offset, matched, firstMismatch: matched === signal.length ? -1 : matched };
}

export interface FrameMatch {
  /** Signal frames found bit-exact, in order. */
  readonly intact: number;
  /** Places where a frame did not start right after the previous one (silence an underrun put in). */
  readonly gaps: number;
  /** The first signal frame that never came, or -1. */
  readonly firstMissing: number;
  /** Capture index of the first frame, or -1. */
  readonly offset: number;
}

/**
 * Follows `signal` through `captured` frame by frame. A live stream paced by
 * its own capture can underrun when the guest stalls; snd-aloop then plays
 * silence and the rest arrives later. Every frame must still arrive whole and
 * unchanged (no gain, no resampling, no reordering): that is what this counts.
 */
export function matchFrames(captured: Int16Array, signal: Int16Array, frame: number): FrameMatch {
  let pos = 0;
  let intact = 0;
  let gaps = 0;
  let offset = -1;
  const frames = Math.floor(signal.length / frame);
  for (let k = 0; k < frames; k++) {
    const want = signal.subarray(k * frame, (k + 1) * frame);
    let found = -1;
    for (let i = pos; i + frame <= captured.length && found < 0; i++) {
      if (captured[i] !== want[0]) continue;
      let same = true;
      for (let j = 1; j < frame && same; j++) same = captured[i + j] === want[j];
      if (same) found = i;
    }
    if (found < 0) return { intact, gaps, firstMissing: k, offset };
    if (k === 0) offset = found;
    else if (found !== pos) gaps++;
    intact++;
    pos = found + frame;
  }
  return { intact, gaps, firstMissing: -1, offset };
}

/** `seconds` of a sine at `hz` and `amplitude`, sampled at `rate`. */
export function tone(hz: number, amplitude: number, rate: number, samples: number): Int16Array {
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate));
  return out;
}

export interface ToneMeasure {
  /** Amplitude of the `hz` component (Goertzel over the window). */
  readonly amplitude: number;
  /** Power of everything else relative to the tone, in dB (more negative is cleaner). */
  readonly residualDb: number;
}

/**
 * Measures a tone in `x` with the Goertzel algorithm: its amplitude and how
 * much energy is elsewhere (distortion, aliasing, noise, a wrong frequency).
 */
export function measureTone(x: Int16Array, hz: number, rate: number): ToneMeasure {
  const n = x.length;
  const coeff = 2 * Math.cos((2 * Math.PI * hz) / rate);
  let s1 = 0;
  let s2 = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const s = x[i]! + coeff * s1 - s2;
    s2 = s1;
    s1 = s;
    total += x[i]! * x[i]!;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  const amplitude = (2 * Math.sqrt(Math.max(0, power))) / n;
  const toneEnergy = (amplitude * amplitude * n) / 2;
  const residual = Math.max(total - toneEnergy, 1e-9);
  return { amplitude, residualDb: 10 * Math.log10(residual / toneEnergy) };
}
