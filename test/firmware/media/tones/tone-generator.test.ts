import { describe, expect, it } from 'vitest';
import {
  REGION_CODES,
  TONE_KINDS,
  ToneGenerator,
  ToneSpecError,
  UnknownRegionError,
  callProgressTone,
  cadence,
  freqs,
  regionTones,
  ringMelody,
  ringTone,
  ringVolumeGainDb,
} from '../../../../firmware/media/tones/index.js';
import { ampToDbm0, dftPower, onOffByMs, peakFrequency, runs } from './signal-analysis.js';

function render(gen: ToneGenerator, samples: number, frame = 160): Int16Array {
  const out = new Int16Array(samples);
  const buf = new Int16Array(frame);
  for (let i = 0; i < samples; i += frame) {
    gen.next(buf);
    out.set(buf.subarray(0, Math.min(frame, samples - i)), i);
  }
  return out;
}

describe('ToneGenerator', () => {
  it('plays US dial tone as 350 + 440 Hz at −13 dBm0 each (ANSI T1.401)', () => {
    const x = render(new ToneGenerator(callProgressTone('US', 'dial')), 8000);
    // Skip the 2 ms fade-in; measure over whole cycles of both components (1 s).
    expect(ampToDbm0(dftPower(x, 350))).toBeCloseTo(-13, 1);
    expect(ampToDbm0(dftPower(x, 440))).toBeCloseTo(-13, 1);
    expect(dftPower(x, 400)).toBeLessThan(dftPower(x, 350) / 100);
  });

  it('gives the same samples whatever the frame size (frame-independent, phase-continuous)', () => {
    const spec = callProgressTone('UK', 'ringback');
    const whole = render(new ToneGenerator(spec), 24000, 24000);
    for (const frame of [80, 160, 240, 480, 7]) {
      expect(render(new ToneGenerator(spec), 24000, frame)).toEqual(whole);
    }
  });

  it('has no discontinuity between frames of a continuous tone', () => {
    const x = render(new ToneGenerator(callProgressTone('DE', 'dial')), 16000, 160);
    // A 425 Hz sine at amplitude A moves at most A·2π·425/8000 per sample.
    const amp = 32767 * Math.pow(10, (-10 - 3.14) / 20);
    const maxStep = amp * 2 * Math.sin((Math.PI * 425) / 8000) + 2;
    for (let i = 1; i < x.length; i++) expect(Math.abs(x[i]! - x[i - 1]!)).toBeLessThanOrEqual(maxStep);
  });

  it('keeps the UK double-ring cadence 0.4–0.2–0.4–2.0 s, sample-accurately', () => {
    const x = render(new ToneGenerator(callProgressTone('UK', 'ringback')), 8000 * 6);
    const r = runs(onOffByMs(x, 8000, 50));
    expect(r.slice(0, 5)).toEqual([
      [true, 400],
      [false, 200],
      [true, 400],
      [false, 2000],
      [true, 400],
    ]);
    // The first off sample is exactly at 400 ms: the ramp ends on it.
    expect(x[3200]).toBe(0);
    expect(Math.abs(x[3199]!)).toBeLessThan(200);
    expect(peakFrequency(x.subarray(0, 3200), 380, 470)).toBeGreaterThanOrEqual(399);
  });

  it('fades in and out over 2 ms instead of clicking at cadence edges', () => {
    const x = render(new ToneGenerator(callProgressTone('DE', 'busy')), 8000);
    // Busy: 480 ms on. The first samples are small, full level only after the ramp.
    expect(Math.abs(x[0]!)).toBeLessThan(5);
    const edge = 480 * 8;
    for (let i = edge - 3; i < edge; i++) expect(Math.abs(x[i]!)).toBeLessThan(2500);
  });

  it('plays the confirmation tone once, then silence, and reports done', () => {
    const gen = new ToneGenerator(callProgressTone('US', 'confirmation'));
    const x = render(gen, 8000);
    expect(runs(onOffByMs(x, 8000, 50)).filter(([on]) => on).map(([, ms]) => ms)).toEqual([100, 100, 100]);
    expect(gen.done).toBe(true);
    expect(x.subarray(600 * 8).every((v) => v === 0)).toBe(true);
  });

  it('plays stutter dial tone as ten bursts, then steady dial tone with no gaps', () => {
    const x = render(new ToneGenerator(callProgressTone('FR', 'stutterDial')), 8000 * 5);
    const r = runs(onOffByMs(x, 8000, 50));
    expect(r.filter(([on]) => on).length).toBe(11);
    const last = r[r.length - 1]!;
    // 10 × (100 on + 100 off) = 2 s of stutter, then dial tone for the remaining 3 s.
    expect(last).toEqual([true, 3000]);
  });

  it('modulates Japan ringback at 16 Hz ("400×16")', () => {
    const x = render(new ToneGenerator(callProgressTone('JP', 'ringback')), 8000);
    const on = Array.from(x.subarray(0, 8000));
    // 16 Hz envelope: sidebands at 384 and 416 Hz beside the 400 Hz carrier.
    expect(dftPower(on, 416)).toBeGreaterThan(dftPower(on, 400) * 0.3);
    expect(dftPower(on, 384)).toBeGreaterThan(dftPower(on, 400) * 0.3);
  });

  it('restarts from the beginning on reset()', () => {
    const gen = new ToneGenerator(callProgressTone('US', 'busy'));
    const a = render(gen, 4000);
    gen.reset();
    expect(render(gen, 4000)).toEqual(a);
  });

  it('rejects tones outside the telephone band or above the overload point', () => {
    expect(() => new ToneGenerator(cadence('bad', freqs([5000], -10), [100, 100]))).toThrow(ToneSpecError);
    expect(() => new ToneGenerator(cadence('loud', freqs([400], 6), [100, 100]))).toThrow(/overload/);
  });
});

describe('region tone tables (ITU-T E.180 Suppl. 2)', () => {
  const dialHz: Record<string, number[]> = {
    US: [350, 440],
    UK: [350, 440],
    DE: [425],
    FR: [440],
    NL: [425],
    IT: [425],
    ES: [425],
    AU: [413, 438],
    JP: [400],
    CH: [425],
    SE: [425],
  };

  it('has at least US, UK, DE, FR and the other configurable regions', () => {
    expect(REGION_CODES).toEqual(expect.arrayContaining(Object.keys(dialHz)));
  });

  it.each(Object.entries(dialHz))('%s dial tone carries its E.180 frequencies', (region, hz) => {
    const x = render(new ToneGenerator(callProgressTone(region, 'dial')), 8000);
    for (const f of hz) expect(ampToDbm0(dftPower(x, f))).toBeGreaterThan(-20);
    expect(dftPower(x, 1000)).toBeLessThan(5);
  });

  it.each(REGION_CODES)('%s: every tone kind builds and plays', (region) => {
    for (const kind of TONE_KINDS) {
      const gen = new ToneGenerator(regionTones(region).tones[kind]);
      const x = render(gen, 8000 * 3);
      expect(x.some((v) => Math.abs(v) > 500)).toBe(true);
    }
  });

  it.each([
    ['US', 'busy', [500, 500]],
    ['DE', 'busy', [480, 480]],
    ['FR', 'ringback', [1500, 3500]],
    ['ES', 'congestion', [200, 200, 200, 200, 200, 600]],
    ['US', 'congestion', [250, 250]],
  ] as const)('%s %s follows its cadence', (region, kind, pattern) => {
    const total = pattern.reduce((a, b) => a + b, 0);
    const x = render(new ToneGenerator(callProgressTone(region, kind)), total * 8 * 2);
    expect(runs(onOffByMs(x, 8000, 50)).map(([, ms]) => ms)).toEqual([...pattern, ...pattern]);
  });

  it('accepts GB for the UK and lower case codes', () => {
    expect(regionTones('gb').region).toBe('UK');
  });

  it('refuses an unknown region with a typed error naming the known ones', () => {
    let err: unknown;
    try {
      regionTones('XX');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnknownRegionError);
    expect((err as UnknownRegionError).code).toBe('TONE_REGION_UNKNOWN');
    expect(String(err)).toMatch(/DE/);
  });
});

describe('ring tones', () => {
  it('ring on the region cadence: Germany 1 s on, 4 s off', () => {
    const x = render(new ToneGenerator(ringTone('classic', 'DE')), 8000 * 10);
    expect(runs(onOffByMs(x, 8000, 50)).map(([, ms]) => ms)).toEqual([1000, 4000, 1000, 4000]);
  });

  it('ring double in the UK', () => {
    const x = render(new ToneGenerator(ringTone('beep', 'UK')), 8000 * 3);
    const r = runs(onOffByMs(x, 8000, 50));
    expect(r[r.length - 1]).toEqual([false, 2000]);
  });

  it('classic ring trills between 1000 and 1250 Hz', () => {
    const x = render(new ToneGenerator(ringTone('classic', 'US')), 8000);
    // Each 25 ms step is one pitch: measure them one by one.
    for (let step = 0; step < 8; step++) {
      const [hz, other] = step % 2 === 0 ? [1000, 1250] : [1250, 1000];
      const at = step * 200;
      expect(ampToDbm0(dftPower(x, hz, 8000, at, 200))).toBeGreaterThan(-8);
      expect(dftPower(x, other, 8000, at, 200)).toBeLessThan(dftPower(x, hz, 8000, at, 200) / 4);
    }
  });

  it('offers the melody without cadence for a ringer that keeps its own cadence', () => {
    const x = render(new ToneGenerator(ringMelody('warble')), 8000 * 3);
    expect(runs(onOffByMs(x, 8000, 50))).toEqual([[true, 3000]]);
  });

  it('maps the ringer volume setting to gain: 100 % as is, 50 % −6 dB, 0 % silent', () => {
    expect(ringVolumeGainDb(100)).toBe(0);
    expect(ringVolumeGainDb(50)).toBeCloseTo(-6.02, 2);
    const silent = render(new ToneGenerator(ringMelody('beep'), { gainDb: ringVolumeGainDb(0) }), 800);
    expect(silent.every((v) => v === 0)).toBe(true);
  });

  it('applies the ringer volume as gain', () => {
    const loud = render(new ToneGenerator(ringTone('warble'), { gainDb: 0 }), 800);
    const soft = render(new ToneGenerator(ringTone('warble'), { gainDb: -20 }), 800);
    expect(dftPower(soft, 800) / dftPower(loud, 800)).toBeCloseTo(0.1, 2);
  });
});
