import { describe, expect, it } from 'vitest';
import { Resampler } from '../../../hal/audio/index.js';
import { amplitudeAt, db, measureFrequency, tone } from './signal.js';

/** Runs a whole signal through in period-sized chunks, as a driver does. */
function run(r: Resampler, input: Int16Array, chunk: number): Int16Array {
  const out: number[] = [];
  const scratch = new Int16Array(r.maxOutputLength(chunk));
  for (let i = 0; i < input.length; i += chunk) {
    const n = r.process(input.subarray(i, i + chunk), scratch);
    for (let k = 0; k < n; k++) out.push(scratch[k]!);
  }
  return Int16Array.from(out);
}

/** Drops the filter's start-up so measurements see the steady state. */
const steady = (x: Int16Array, rate: number) => x.subarray(Math.round(rate * 0.05));

describe('Resampler (polyphase windowed sinc)', () => {
  it('turns a 1 kHz tone captured at 48 kHz into a 1 kHz tone at 8 kHz, at the same level', () => {
    const out = steady(run(new Resampler(48000, 8000), tone(48000, 1000, 1), 960), 8000);
    expect(out.length).toBeGreaterThan(7500);
    expect(measureFrequency(out, 8000)).toBeCloseTo(1000, 0);
    expect(Math.abs(db(amplitudeAt(out, 8000, 1000) / 16000))).toBeLessThan(0.2);
  });

  it('keeps a 5 kHz tone (above the 4 kHz Nyquist) from aliasing to 3 kHz: at least 60 dB down', () => {
    const out = steady(run(new Resampler(48000, 8000), tone(48000, 5000, 1), 960), 8000);
    expect(db(amplitudeAt(out, 8000, 3000) / 16000)).toBeLessThan(-60);
  });

  it('passes the telephone band (300–3400 Hz) within 0.5 dB', () => {
    for (const hz of [300, 1000, 2000, 3000, 3400]) {
      const out = steady(run(new Resampler(48000, 8000), tone(48000, hz, 0.5), 960), 8000);
      expect(Math.abs(db(amplitudeAt(out, 8000, hz) / 16000)), `${hz} Hz`).toBeLessThan(0.5);
    }
  });

  it('upsamples 8 kHz playback to a 48 kHz card without images (the 7 kHz mirror of 1 kHz is 60 dB down)', () => {
    const out = steady(run(new Resampler(8000, 48000), tone(8000, 1000, 1), 160), 48000);
    expect(measureFrequency(out, 48000)).toBeCloseTo(1000, 0);
    expect(Math.abs(db(amplitudeAt(out, 48000, 1000) / 16000))).toBeLessThan(0.2);
    expect(db(amplitudeAt(out, 48000, 7000) / 16000)).toBeLessThan(-60);
    expect(db(amplitudeAt(out, 48000, 9000) / 16000)).toBeLessThan(-60);
  });

  it('handles rates that are not multiples (44.1 kHz → 16 kHz) with the right length and pitch', () => {
    const r = new Resampler(44100, 16000);
    const out = run(r, tone(44100, 1500, 1), 441);
    expect(Math.abs(out.length - 16000)).toBeLessThanOrEqual(Math.ceil(r.delaySamples) + 2);
    expect(measureFrequency(steady(out, 16000), 16000)).toBeCloseTo(1500, 0);
  });

  it('produces the same samples whatever the chunking (stream state is carried across calls)', () => {
    const input = tone(48000, 700, 0.3);
    const a = run(new Resampler(48000, 16000), input, 960);
    const b = run(new Resampler(48000, 16000), input, 37);
    expect(b).toEqual(a);
  });

  it('with the live setting (stopband 1.15 × Nyquist) keeps every alias out of the telephone band', () => {
    const live = { passband: 0.85, stopband: 1.15 };
    expect(new Resampler(48000, 8000, live).tapsPerOutput).toBeLessThan(new Resampler(48000, 8000).tapsPerOutput * 0.6);
    for (const hz of [4700, 5000, 6000, 7600]) {
      const out = steady(run(new Resampler(48000, 8000, live), tone(48000, hz, 0.5), 960), 8000);
      const alias = 8000 - hz; // where the tone would fold to
      expect(db(amplitudeAt(out, 8000, alias) / 16000), `${hz} Hz → ${alias} Hz`).toBeLessThan(-60);
    }
    expect(Math.abs(db(amplitudeAt(steady(run(new Resampler(48000, 8000, live), tone(48000, 3400, 0.5), 960), 8000), 8000, 3400) / 16000))).toBeLessThan(0.5);
  });

  it('refuses a stopband that would let aliases into the passband', () => {
    expect(() => new Resampler(48000, 8000, { passband: 0.85, stopband: 1.2 })).toThrow(/stopband/);
  });

  it('keeps silence silent and a constant level constant', () => {
    const dc = new Int16Array(4800).fill(1000);
    const out = run(new Resampler(48000, 8000), dc, 480).subarray(100);
    for (const s of out) expect(Math.abs(s - 1000)).toBeLessThanOrEqual(1);
  });
});
