import { describe, expect, it } from 'vitest';
import { findPitch, PacketLossConcealer } from '../../../../firmware/media/plc/index.js';

const FRAME = 80; // 10 ms frames make the Appendix I schedule easy to read
const D = PacketLossConcealer.delaySamples;

/** A voiced-speech-like signal: f0 = 125 Hz (period 64 samples) with decaying harmonics. */
function voiced(n: number, offset = 0, f0 = 125): Int16Array {
  return Int16Array.from({ length: n }, (_, k) => {
    const t = (k + offset) / 8000;
    let v = 0;
    for (let h = 1; h <= 6; h++) v += Math.sin(2 * Math.PI * f0 * h * t + h) / h;
    return Math.round(6000 * v);
  });
}

function rms(a: ArrayLike<number>, from = 0, to = a.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i]! ** 2;
  return Math.sqrt(s / Math.max(1, to - from));
}

/** Runs frames through the concealer; `lost` lists frame indices that are concealed. Returns the output, re-aligned by the delay. */
function run(signal: Int16Array, lost: Set<number>): Int16Array {
  const plc = new PacketLossConcealer();
  const out = new Int16Array(signal.length);
  const frame = new Int16Array(FRAME);
  for (let f = 0; f * FRAME < signal.length; f++) {
    if (lost.has(f)) plc.conceal(frame);
    else plc.good(signal.subarray(f * FRAME, (f + 1) * FRAME), frame);
    out.set(frame, f * FRAME);
  }
  return out.subarray(D);
}

describe('packet loss concealment (G.711 Appendix I style)', () => {
  it('passes good frames through unchanged, delayed by 3.75 ms', () => {
    const s = voiced(800);
    const out = run(s, new Set());
    expect(D).toBe(30);
    expect(Array.from(out)).toEqual(Array.from(s.subarray(0, 800 - D)));
  });

  it('finds the pitch period of voiced speech', () => {
    const h = Float32Array.from(voiced(400));
    expect(findPitch(h, 400, 40, 120, 160)).toBe(64);
    const low = Float32Array.from(voiced(400, 0, 80)); // 80 Hz: period 100
    expect(findPitch(low, 400, 40, 120, 160)).toBe(100);
  });

  it('continues a periodic signal through the first 10 ms of a loss closely (waveform substitution)', () => {
    const s = voiced(1600);
    const out = run(s, new Set([10]));
    // Frame 10 (samples 800–879) was lost; compare its concealment with what was really said.
    let err = 0;
    for (let i = 800; i < 880; i++) err += (out[i]! - s[i]!) ** 2;
    const snr = 10 * Math.log10((rms(s, 800, 880) ** 2 * 80) / err);
    expect(snr).toBeGreaterThan(15);
  });

  it('attenuates 20 % per 10 ms after the first 10 ms and is silent from 60 ms on', () => {
    const s = voiced(2400);
    const lost = new Set([10, 11, 12, 13, 14, 15, 16, 17]);
    const out = run(s, lost);
    const blockRms = [10, 11, 12, 13, 14, 15, 16, 17].map((f) => rms(out, f * FRAME, (f + 1) * FRAME));
    const ref = rms(s, 800, 880);
    expect(blockRms[0]! / ref).toBeGreaterThan(0.85);
    // Each later block is quieter than the one before, until silence.
    for (let i = 1; i < 6; i++) expect(blockRms[i]!).toBeLessThan(blockRms[i - 1]!);
    // 10–20 ms has gains 1 → 0.8 (mean 0.9); 50–60 ms has 0.2 → 0 (mean 0.1).
    expect(blockRms[1]! / ref).toBeGreaterThan(0.75);
    expect(blockRms[1]! / ref).toBeLessThan(1.0);
    expect(blockRms[5]! / ref).toBeLessThan(0.2);
    // The delay line holds 30 samples of the 50–60 ms block's tail; beyond that, silence.
    expect(Math.max(...Array.from(out.subarray(16 * FRAME, 18 * FRAME)).map(Math.abs))).toBe(0);
  });

  it('does not buzz on long losses: after 10 ms it repeats more than the last period', () => {
    // Amplitude-modulated voice: the last three periods before the loss differ in level.
    const s = Int16Array.from(voiced(1600), (v, i) => Math.round(v * (1 + 0.5 * Math.sin(i / 30))));
    const out = run(s, new Set([10, 11, 12, 13]));
    // Undo the known attenuation (1 until 10 ms into the loss, then −20 % per 10 ms) and
    // correlate the 20–30 ms stretch with itself one pitch period (64) earlier.
    const y = (i: number) => {
      const t = i - 800;
      return out[i]! / (t < 80 ? 1 : 1 - (0.2 * (t - 80)) / 80);
    };
    let xy = 0;
    let xx = 0;
    let yy = 0;
    for (let i = 960; i < 1040; i++) {
      xy += y(i) * y(i - 64);
      xx += y(i) ** 2;
      yy += y(i - 64) ** 2;
    }
    // Repeating one period would make this 1.0 (a buzz); cycling through three periods does not.
    expect(xy / Math.sqrt(xx * yy)).toBeLessThan(0.97);
  });

  it('recovers smoothly: no click where real audio resumes after a loss', () => {
    const maxStep = (a: ArrayLike<number>, from: number, to: number) => {
      let m = 0;
      for (let i = from + 1; i < to; i++) m = Math.max(m, Math.abs(a[i]! - a[i - 1]!));
      return m;
    };
    const s = voiced(2400);
    const natural = maxStep(s, 0, 800);
    // A short loss (synthetic still loud) and a long one (already silent) both fade into the real signal.
    // Both losses end where the signal is near its negative peak (phase 48 of the 64-sample period).
    for (const lost of [[12, 13, 14], [11, 12, 13, 14, 15, 16, 17, 18]]) {
      const out = run(s, new Set(lost));
      const resume = (lost.at(-1)! + 1) * FRAME;
      expect(maxStep(out, resume - 10, resume + 100)).toBeLessThan(1.1 * natural);
    }
  });

  it('smooths the splice when the jitter buffer discards frames', () => {
    const s = voiced(1600);
    const plc = new PacketLossConcealer();
    const frame = new Int16Array(FRAME);
    const out: number[] = [];
    for (let f = 0; f < 10; f++) {
      plc.good(s.subarray(f * FRAME, (f + 1) * FRAME), frame);
      out.push(...frame);
    }
    // Frames are discarded and the next one follows frame 9 directly, 16 samples (a quarter period) out of phase.
    plc.good(voiced(FRAME, 11 * FRAME + 16), frame, true);
    out.push(...frame);
    plc.good(voiced(FRAME, 12 * FRAME + 16), frame);
    out.push(...frame);
    let m = 0;
    for (let i = 780; i < 900; i++) m = Math.max(m, Math.abs(out[i]! - out[i - 1]!));
    let natural = 0;
    for (let i = 1; i < 800; i++) natural = Math.max(natural, Math.abs(s[i]! - s[i - 1]!));
    expect(m).toBeLessThan(1.3 * natural);
  });
});
