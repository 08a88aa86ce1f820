import { describe, expect, it } from 'vitest';
import { DtmfDetector, digitFrequencies } from '../../../../firmware/media/dtmf/index.js';
import type { DtmfDetectorEvent } from '../../../../firmware/media/dtmf/index.js';
import { gaussianNoise, prng } from '../tones/signal-analysis.js';

const RATE = 8000;
/** Peak amplitude of a sine at `dbm0` (G.711: +3.14 dBm0 is full scale). */
const amp = (dbm0: number): number => 32767 * Math.pow(10, (dbm0 - 3.14) / 20);

/** A signal built piece by piece: tones, silence, noise; then quantised to 16 bits. */
class Signal {
  readonly x: number[] = [];
  private phase = [Math.random() * 0, 0.3];

  tone(hz: readonly number[], levels: readonly number[], ms: number): this {
    const n = (ms * RATE) / 1000;
    for (let i = 0; i < n; i++) {
      let v = 0;
      hz.forEach((f, k) => {
        v += amp(levels[k]!) * Math.sin(2 * Math.PI * (this.phase[k] ?? 0));
        this.phase[k] = ((this.phase[k] ?? 0) + f / RATE) % 1;
      });
      this.x.push(v);
    }
    return this;
  }

  digit(d: string, ms: number, opts: { lowDbm0?: number; highDbm0?: number; lowOff?: number; highOff?: number } = {}): this {
    const [lo, hi] = digitFrequencies(d);
    return this.tone([lo * (1 + (opts.lowOff ?? 0)), hi * (1 + (opts.highOff ?? 0))], [opts.lowDbm0 ?? -10, opts.highDbm0 ?? -8], ms);
  }

  silence(ms: number): this {
    for (let i = 0; i < (ms * RATE) / 1000; i++) this.x.push(0);
    return this;
  }

  addNoise(rms: number, seed = 7): this {
    const n = gaussianNoise(this.x.length, rms, seed);
    for (let i = 0; i < this.x.length; i++) this.x[i]! += n[i]!;
    return this;
  }

  pcm(): Int16Array {
    return Int16Array.from(this.x, (v) => Math.max(-32768, Math.min(32767, Math.round(v))));
  }
}

/** Feeds the signal in 20 ms frames, as the stream does, and returns the events. */
function detect(pcm: Int16Array, frame = 160): DtmfDetectorEvent[] {
  const events: DtmfDetectorEvent[] = [];
  const det = new DtmfDetector((e) => events.push(e));
  for (let i = 0; i < pcm.length; i += frame) det.process(pcm.subarray(i, i + frame));
  det.process(new Int16Array(800));
  return events;
}

const digits = (events: DtmfDetectorEvent[]): string =>
  events
    .filter((e) => e.type === 'begin')
    .map((e) => e.digit)
    .join('');

describe('DtmfDetector (ITU-T Q.24 style)', () => {
  it('detects all sixteen digits, each once, with begin and end', () => {
    const s = new Signal().silence(30);
    for (const d of '123A456B789C*0#D') s.digit(d, 60).silence(60);
    const events = detect(s.pcm());
    expect(digits(events)).toBe('123A456B789C*0#D');
    expect(events.filter((e) => e.type === 'end')).toHaveLength(16);
  });

  it('measures how long a digit lasted', () => {
    const events = detect(new Signal().silence(40).digit('5', 200).silence(100).pcm());
    const end = events.find((e) => e.type === 'end');
    expect(end?.type === 'end' && end.durationMs).toBeGreaterThanOrEqual(190);
    expect(end?.type === 'end' && end.durationMs).toBeLessThanOrEqual(225);
  });

  it.each([-0.015, 0.015])('operates for both tones %s off their nominal frequency', (off) => {
    for (const d of '19*D') {
      expect(digits(detect(new Signal().silence(20).digit(d, 80, { lowOff: off, highOff: off }).silence(60).pcm()))).toBe(d);
      expect(digits(detect(new Signal().silence(20).digit(d, 80, { lowOff: off, highOff: -off }).silence(60).pcm()))).toBe(d);
    }
  });

  it.each([-0.035, 0.035, 0.05])('does not operate with a tone %s off its frequency', (off) => {
    for (const d of '19*D') {
      expect(digits(detect(new Signal().silence(20).digit(d, 200, { lowOff: off }).silence(60).pcm()))).toBe('');
      expect(digits(detect(new Signal().silence(20).digit(d, 200, { highOff: off }).silence(60).pcm()))).toBe('');
    }
  });

  it('accepts twist within limits and rejects it beyond', () => {
    const at = (low: number, high: number): string =>
      digits(detect(new Signal().silence(20).digit('8', 100, { lowDbm0: low, highDbm0: high }).silence(60).pcm()));
    expect(at(-14, -8)).toBe('8'); // high group 6 dB louder
    expect(at(-8, -12)).toBe('8'); // low group 4 dB louder
    expect(at(-20, -8)).toBe(''); // 12 dB
    expect(at(-6, -16)).toBe(''); // reverse 10 dB
  });

  it('operates down to −25 dBm0 per tone and not at −36 dBm0', () => {
    expect(digits(detect(new Signal().silence(20).digit('6', 100, { lowDbm0: -25, highDbm0: -25 }).silence(60).pcm()))).toBe('6');
    expect(digits(detect(new Signal().silence(20).digit('6', 100, { lowDbm0: -36, highDbm0: -36 }).silence(60).pcm()))).toBe('');
  });

  it('accepts a 40 ms tone at any alignment and rejects a 20 ms burst', () => {
    for (let shift = 0; shift < 80; shift += 7) {
      const pre = 20 + shift / 8;
      expect(digits(detect(new Signal().silence(pre).digit('2', 40).silence(60).pcm()))).toBe('2');
      expect(digits(detect(new Signal().silence(pre).digit('2', 20).silence(60).pcm()))).toBe('');
    }
  });

  it('does not split a digit on a 10 ms drop-out, but separates digits 40 ms apart', () => {
    expect(digits(detect(new Signal().silence(20).digit('3', 100).silence(10).digit('3', 100).silence(60).pcm()))).toBe('3');
    expect(digits(detect(new Signal().silence(20).digit('3', 60).silence(40).digit('3', 60).silence(60).pcm()))).toBe('33');
  });

  it('detects digits in noise at 15 dB SNR', () => {
    // Tones at −10/−8 dBm0; noise 15 dB below their combined power.
    const toneRms = Math.sqrt((amp(-10) ** 2 + amp(-8) ** 2) / 2);
    const s = new Signal().silence(40);
    for (const d of '0123456789') s.digit(d, 70).silence(70);
    expect(digits(detect(s.addNoise(toneRms * Math.pow(10, -15 / 20)).pcm()))).toBe('0123456789');
  });

  describe('talk-off: no digit from signals that are not DTMF', () => {
    it('white noise at several levels', () => {
      for (const level of [300, 1500, 6000]) {
        expect(detect(new Signal().silence(3000).addNoise(level, level).pcm())).toEqual([]);
      }
    });

    it('single tones and call-progress tone pairs', () => {
      const signals = [
        new Signal().tone([1000], [-10], 1000),
        new Signal().tone([350, 440], [-13, -13], 1000),
        new Signal().tone([480, 620], [-10, -10], 1000),
        new Signal().tone([697], [-6], 1000),
        new Signal().tone([1209], [-6], 1000),
        // A DTMF pair plus a third strong tone: not a clean digit.
        new Signal().tone([770, 1336, 1100], [-10, -10, -10], 1000),
      ];
      for (const s of signals) expect(digits(detect(s.pcm()))).toBe('');
    });

    it('speech-like vowels (harmonic-rich, formant-shaped, gliding pitch)', () => {
      const r = prng(42);
      const x: number[] = [];
      // Formant sets (Hz) of /a/, /i/, /u/, /e/, /o/.
      const formants = [
        [730, 1090, 2440],
        [270, 2290, 3010],
        [300, 870, 2240],
        [530, 1840, 2480],
        [570, 840, 2410],
      ];
      for (let v = 0; v < 40; v++) {
        const f = formants[v % formants.length]!;
        const pitch0 = 90 + r() * 160;
        const glide = (r() - 0.5) * 60;
        const n = 1600 + Math.floor(r() * 1600);
        let phase = 0;
        for (let i = 0; i < n; i++) {
          const pitch = pitch0 + (glide * i) / n;
          phase += pitch / RATE;
          let s = 0;
          // Harmonics weighted by formant resonances.
          for (let h = 1; h * pitch < 3800; h++) {
            const fh = h * pitch;
            let g = 0;
            for (const fm of f) g += 1 / (1 + ((fh - fm) / 90) ** 2);
            s += (g / h ** 0.5) * Math.sin(2 * Math.PI * h * phase);
          }
          x.push(s * 2500);
        }
        for (let i = 0; i < 400; i++) x.push(0);
      }
      const pcm = Int16Array.from(x, (v) => Math.max(-32768, Math.min(32767, Math.round(v))));
      expect(detect(pcm)).toEqual([]);
    });

    it('music-like chords with harmonics', () => {
      const r = prng(3);
      const x: number[] = [];
      for (let chord = 0; chord < 40; chord++) {
        const root = 220 * Math.pow(2, Math.floor(r() * 24) / 12);
        const notes = [root, root * Math.pow(2, 4 / 12), root * Math.pow(2, 7 / 12)];
        const n = 2000;
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (const f of notes) for (let h = 1; h <= 4 && h * f < 3800; h++) s += Math.sin((2 * Math.PI * h * f * i) / RATE) / h;
          x.push(s * 3000 * Math.exp(-i / 3000));
        }
      }
      const pcm = Int16Array.from(x, (v) => Math.max(-32768, Math.min(32767, Math.round(v))));
      expect(detect(pcm)).toEqual([]);
    });
  });

  it('gives the same result whatever the frame size', () => {
    const s = new Signal().silence(20);
    for (const d of '4711#') s.digit(d, 60).silence(50);
    const pcm = s.pcm();
    expect(digits(detect(pcm, 80))).toBe('4711#');
    expect(digits(detect(pcm, 240))).toBe('4711#');
    expect(digits(detect(pcm, 37))).toBe('4711#');
  });
});
