import { describe, expect, it } from 'vitest';
import { ComfortNoiseGenerator, decodeCnPayload, encodeCnPayload } from '../../../../firmware/media/comfort-noise/index.js';

function rms(a: Int16Array): number {
  let s = 0;
  for (const v of a) s += v * v;
  return Math.sqrt(s / a.length);
}

function lag1(a: Int16Array): number {
  let xy = 0;
  let xx = 0;
  for (let i = 1; i < a.length; i++) {
    xy += a[i]! * a[i - 1]!;
    xx += a[i]! * a[i]!;
  }
  return xy / xx;
}

function noise(payload: number[], samples = 8000): Int16Array {
  const g = new ComfortNoiseGenerator(12345);
  g.update(Uint8Array.from(payload));
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i += 160) g.generate(out.subarray(i, i + 160));
  return out;
}

describe('comfort noise (RFC 3389)', () => {
  it('decodes the noise level (−dBov, MSB ignored) and reflection coefficients', () => {
    expect(decodeCnPayload(Uint8Array.from([40]))).toEqual({ levelDbov: -40, reflectionCoefficients: [] });
    expect(decodeCnPayload(Uint8Array.from([0x80 | 60, 127, 255, 0]))).toEqual({ levelDbov: -60, reflectionCoefficients: [0, 1, -127 / 128] });
    expect(decodeCnPayload(new Uint8Array(0))).toBeUndefined();
    expect(encodeCnPayload({ levelDbov: -50, reflectionCoefficients: [0.5, -0.25] })).toEqual(Uint8Array.from([50, 191, 95]));
  });

  it('plays noise at the signalled level, not silence', () => {
    for (const level of [30, 40, 60]) {
      const expected = 32768 * 10 ** (-level / 20);
      const r = rms(noise([level]));
      expect(r).toBeGreaterThan(expected * 0.9);
      expect(r).toBeLessThan(expected * 1.1);
    }
  });

  it('without coefficients the noise is white; with them it takes the described spectrum at the same level', () => {
    const white = noise([40]);
    expect(Math.abs(lag1(white))).toBeLessThan(0.05);
    // One strong reflection coefficient: a first-order all-pole, i.e. strongly correlated neighbours.
    const shaped = noise([40, encodeCnPayload({ levelDbov: -40, reflectionCoefficients: [-0.9] })[1]!]);
    expect(Math.abs(lag1(shaped))).toBeGreaterThan(0.8);
    expect(rms(shaped)).toBeGreaterThan(rms(white) * 0.8);
    expect(rms(shaped)).toBeLessThan(rms(white) * 1.25);
  });

  it('glides to a new level over a frame instead of stepping, and ignores empty SIDs', () => {
    const g = new ComfortNoiseGenerator(1);
    g.update(Uint8Array.from([70]));
    const frame = new Int16Array(160);
    g.generate(frame);
    g.update(Uint8Array.from([30]));
    g.update(new Uint8Array(0));
    expect(g.invalidPayloads).toBe(1);
    g.generate(frame);
    // The first quarter of the frame is still far below the new level; the last quarter near it.
    expect(rms(frame.subarray(0, 40))).toBeLessThan(rms(frame.subarray(120)) / 2);
  });
});
