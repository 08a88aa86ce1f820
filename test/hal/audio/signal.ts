/** Signal measurements for the audio tests: tones in, frequency and levels out. */

export function tone(rate: number, hz: number, seconds: number, amplitude = 16000, phase = 0): Int16Array {
  const n = Math.round(rate * seconds);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amplitude * Math.sin(phase + (2 * Math.PI * hz * i) / rate));
  return out;
}

/** Amplitude of the `hz` component (Goertzel over a Hann window, so leakage from other tones stays low). */
export function amplitudeAt(samples: ArrayLike<number>, rate: number, hz: number): number {
  const n = samples.length;
  const w = (2 * Math.PI * hz) / rate;
  let re = 0;
  let im = 0;
  let windowSum = 0;
  for (let i = 0; i < n; i++) {
    const win = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    const x = samples[i]! * win;
    re += x * Math.cos(w * i);
    im -= x * Math.sin(w * i);
    windowSum += win;
  }
  return (2 * Math.hypot(re, im)) / windowSum;
}

/** Frequency of a single tone, from zero crossings interpolated between samples. */
export function measureFrequency(samples: ArrayLike<number>, rate: number): number {
  let first = -1;
  let last = -1;
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    if (a < 0 && b >= 0) {
      const t = i - 1 + -a / (b - a);
      if (first < 0) first = t;
      else crossings++;
      last = t;
    }
  }
  return crossings === 0 ? 0 : (crossings * rate) / (last - first);
}

export function rms(samples: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < samples.length; i++) s += samples[i]! * samples[i]!;
  return Math.sqrt(s / Math.max(1, samples.length));
}

export function db(ratio: number): number {
  return 20 * Math.log10(ratio);
}
