import { describe, expect, it } from 'vitest';
import { ConferenceMixer, MixerFrameError, SoftLimiter } from '../../../../firmware/media/mixer/index.js';
import { dftPower } from '../tones/signal-analysis.js';

function sine(hz: number, amplitude: number, n = 160, offset = 0): Int16Array {
  return Int16Array.from({ length: n }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * hz * (i + offset)) / 8000)));
}

/** Runs the mixer over `frames` frames of three tones and collects each output. */
function conference(frames: number, amps = { local: 8000, a: 8000, b: 8000 }): { toLocal: number[]; toA: number[]; toB: number[] } {
  const m = new ConferenceMixer();
  const acc = { toLocal: [] as number[], toA: [] as number[], toB: [] as number[] };
  for (let f = 0; f < frames; f++) {
    const out = m.mix(sine(500, amps.local, 160, f * 160), sine(1000, amps.a, 160, f * 160), sine(1500, amps.b, 160, f * 160));
    acc.toLocal.push(...out.toLocal);
    acc.toA.push(...out.toA);
    acc.toB.push(...out.toB);
  }
  return acc;
}

describe('ConferenceMixer', () => {
  it('lets each participant hear the other two and not themselves', () => {
    // local speaks at 500 Hz, A at 1000 Hz, B at 1500 Hz.
    const { toLocal, toA, toB } = conference(10);
    const level = (x: number[], hz: number): number => dftPower(x, hz);
    expect(level(toLocal, 1000)).toBeCloseTo(8000, -1);
    expect(level(toLocal, 1500)).toBeCloseTo(8000, -1);
    expect(level(toLocal, 500)).toBeLessThan(5);
    expect(level(toA, 500)).toBeCloseTo(8000, -1);
    expect(level(toA, 1500)).toBeCloseTo(8000, -1);
    expect(level(toA, 1000)).toBeLessThan(5);
    expect(level(toB, 500)).toBeCloseTo(8000, -1);
    expect(level(toB, 1000)).toBeCloseTo(8000, -1);
    expect(level(toB, 1500)).toBeLessThan(5);
  });

  it('passes quiet speech through bit-exact (no limiting below the threshold)', () => {
    const m = new ConferenceMixer();
    const a = sine(700, 5000);
    const b = sine(300, 4000);
    const out = m.mix(null, a, b);
    expect([...out.toLocal]).toEqual([...a].map((v, i) => v + b[i]!));
    expect([...out.toB]).toEqual([...a]);
  });

  it('never wraps around when two loud talkers add up past full scale', () => {
    const m = new ConferenceMixer();
    const loud = sine(400, 30000);
    const out = m.mix(null, loud, loud);
    for (let i = 0; i < 160; i++) {
      // Same sign as the input (a wrap-around would flip it) and within range.
      if (loud[i]! !== 0) expect(Math.sign(out.toLocal[i]!)).toBe(Math.sign(loud[i]!));
      expect(Math.abs(out.toLocal[i]!)).toBeLessThanOrEqual(32767 * Math.pow(10, -1 / 20) + 1);
    }
    // The peaks are still loud: limited, not muted.
    expect(Math.max(...out.toLocal)).toBeGreaterThan(28000);
  });

  it('recovers to unity gain after a loud burst instead of staying quiet', () => {
    const lim = new SoftLimiter({ releaseMs: 50 });
    const out = new Int16Array(160);
    lim.process(Float32Array.from(sine(400, 32000), (v) => v * 2), out);
    expect(lim.currentGain).toBeLessThan(0.6);
    for (let f = 0; f < 25; f++) lim.process(new Float32Array(160), out); // 500 ms of silence
    expect(lim.currentGain).toBe(1);
    const quiet = sine(400, 3000);
    lim.process(Float32Array.from(quiet), out);
    expect([...out]).toEqual([...quiet]);
  });

  it('treats a missing stream (on hold, no packet) as silence', () => {
    const m = new ConferenceMixer();
    const a = sine(1000, 6000);
    const out = m.mix(null, a, null);
    expect([...out.toLocal]).toEqual([...a]);
    expect(out.toA.every((v) => v === 0)).toBe(true);
  });

  it('mutes the local microphone for both remote parties with gain 0', () => {
    const m = new ConferenceMixer();
    m.setGain('local', 0);
    const out = m.mix(sine(500, 9000), sine(1000, 1000), null);
    expect(out.toA.every((v) => v === 0)).toBe(true);
    expect([...out.toB]).toEqual([...sine(1000, 1000)]);
  });

  it('reuses its output frames (no allocation per frame)', () => {
    const m = new ConferenceMixer();
    const first = m.mix(null, null, null);
    const second = m.mix(sine(1, 1), null, null);
    expect(second.toA).toBe(first.toA);
    expect(second.toLocal).toBe(first.toLocal);
  });

  it('refuses a frame of the wrong size with a typed error', () => {
    const m = new ConferenceMixer({ frameSamples: 160 });
    expect(() => m.mix(new Int16Array(80), null, null)).toThrow(MixerFrameError);
  });
});
