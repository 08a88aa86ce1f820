/**
 * The Goertzel algorithm: one DFT bin by a second-order recursion, cheaper than
 * an FFT when only the 8 DTMF frequencies matter. `goertzel` returns the
 * complex output y = s[N−1] − e^{−jω}·s[N−2] = e^{jω(N−1)}·X(ω), where X is the
 * block's DFT at ω: the magnitude is |X|, and two blocks' outputs share the
 * same phase factor, so their phase difference measures the tone's true
 * frequency (used by the detector for the Q.24 frequency tolerance).
 */
export interface GoertzelCoefficients {
  readonly hz: number;
  readonly omega: number;
  readonly cos: number;
  readonly sin: number;
  readonly coeff: number;
}

export function goertzelCoefficients(hz: number, sampleRate: number): GoertzelCoefficients {
  const omega = (2 * Math.PI * hz) / sampleRate;
  return { hz, omega, cos: Math.cos(omega), sin: Math.sin(omega), coeff: 2 * Math.cos(omega) };
}

/** Runs the recursion over x[start … start+length) and writes [re, im] of y into out at `at`. */
export function goertzel(
  x: ArrayLike<number>,
  start: number,
  length: number,
  c: GoertzelCoefficients,
  out: Float64Array,
  at: number,
): void {
  let s1 = 0;
  let s2 = 0;
  const k = c.coeff;
  for (let n = start, end = start + length; n < end; n++) {
    const s0 = x[n]! + k * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  out[at] = s1 - c.cos * s2;
  out[at + 1] = c.sin * s2;
}

/** |X(ω)|² of a block: the classic Goertzel power without the complex output. */
export function goertzelPower(x: ArrayLike<number>, start: number, length: number, c: GoertzelCoefficients): number {
  let s1 = 0;
  let s2 = 0;
  const k = c.coeff;
  for (let n = start, end = start + length; n < end; n++) {
    const s0 = x[n]! + k * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - k * s1 * s2;
}
