/**
 * In-band DTMF detection for peers that send digits as audio (no RFC 4733),
 * after the receiver requirements of ITU-T Q.24:
 *
 * - frequency tolerance: operate for tones within ±1.5 % of the Q.23
 *   frequency, do not operate beyond ±3.5 % (the detector measures each tone's
 *   frequency and accepts up to ±2.5 %, the midpoint);
 * - twist: the two tones may differ in level, within limits;
 * - minimum level and signal purity: both tones above a floor, and together
 *   almost all of the signal's energy (speech and music spread their energy
 *   over many frequencies; this is what prevents "talk-off");
 * - duration: a digit is recognised after at least 30 ms of tone (Q.24 asks
 *   that 40 ms tones be accepted and ~20 ms bursts rejected), and a pause of
 *   about 20 ms ends it, while a 10 ms drop-out does not.
 *
 * Analysis runs on 20 ms windows every 10 ms. Each 10 ms half-window's
 * Goertzel outputs are kept, so a window costs one half of new work: the two
 * halves combine into the 20 ms bin, and the phase advance from one half to
 * the next gives the tone's frequency to a few hertz.
 */
import { SAMPLE_RATE } from '../constants.js';
import { dbm0ToAmplitude } from '../constants.js';
import { DTMF_HIGH_HZ, DTMF_LOW_HZ, digitAt } from './events.js';
import type { DtmfDigit } from './events.js';
import { goertzel, goertzelCoefficients } from './goertzel.js';
import type { GoertzelCoefficients } from './goertzel.js';

export interface DtmfDetectorOptions {
  sampleRate?: number;
  /** Q.24: the weakest tone level to accept, per frequency. */
  minLevelDbm0?: number;
  /** High-group tone louder than the low-group tone by at most this ("standard twist"). */
  maxHighOverLowDb?: number;
  /** Low-group tone louder than the high-group tone by at most this ("reverse twist"). */
  maxLowOverHighDb?: number;
  /** Largest accepted deviation from the Q.23 frequency, as a fraction (Q.24: between 0.015 and 0.035). */
  maxFrequencyDeviation?: number;
  /** Share of the window's energy the two tones must carry. */
  minToneEnergyRatio?: number;
  /** How far the other frequencies of each group must stay below the strongest one. */
  minGroupPeakDb?: number;
}

export type DtmfDetectorEvent =
  | { type: 'begin'; digit: DtmfDigit; sample: number }
  | { type: 'end'; digit: DtmfDigit; sample: number; durationMs: number };

export type DtmfDetectorListener = (event: DtmfDetectorEvent) => void;

const FREQS = [...DTMF_LOW_HZ, ...DTMF_HIGH_HZ];

type WindowClass = 'none' | 'partial' | 'full';

export class DtmfDetector {
  readonly sampleRate: number;
  private readonly half: number;
  private readonly coeffs: GoertzelCoefficients[];
  /** e^{−jωM} per frequency, to shift the second half's output onto the first's phase. */
  private readonly shiftRe: Float64Array;
  private readonly shiftIm: Float64Array;
  private readonly minAmp: number;
  private readonly maxHighOverLow: number;
  private readonly maxLowOverHigh: number;
  private readonly maxDeviation: number;
  private readonly minEnergyRatio: number;
  private readonly groupPeakRatio: number;
  /** Samples of the current half-window as they arrive. */
  private readonly buf: Float64Array;
  private fill = 0;
  private prevY: Float64Array;
  private curY: Float64Array;
  private prevEnergy = 0;
  private curEnergy = 0;
  private readonly amp = new Float64Array(8);
  private halves = 0;
  /** Index of the next sample to arrive, counted from the start. */
  private sampleCount = 0;

  private candidate: DtmfDigit | undefined;
  private candidateHits = 0;
  private candidateStart = 0;
  private active: DtmfDigit | undefined;
  private activeRow = 0;
  private activeCol = 0;
  private activeStart = 0;
  private activeLastEnd = 0;
  private misses = 0;
  // Results of the last classification.
  private lastDigit: DtmfDigit | undefined;

  constructor(
    private readonly listener: DtmfDetectorListener,
    options: DtmfDetectorOptions = {},
  ) {
    this.sampleRate = options.sampleRate ?? SAMPLE_RATE;
    this.half = Math.round(this.sampleRate / 100);
    this.coeffs = FREQS.map((f) => goertzelCoefficients(f, this.sampleRate));
    this.shiftRe = new Float64Array(this.coeffs.map((c) => Math.cos(c.omega * this.half)));
    this.shiftIm = new Float64Array(this.coeffs.map((c) => -Math.sin(c.omega * this.half)));
    this.minAmp = dbm0ToAmplitude(options.minLevelDbm0 ?? -30);
    this.maxHighOverLow = Math.pow(10, (options.maxHighOverLowDb ?? 8) / 20);
    this.maxLowOverHigh = Math.pow(10, (options.maxLowOverHighDb ?? 6) / 20);
    this.maxDeviation = options.maxFrequencyDeviation ?? 0.025;
    this.minEnergyRatio = options.minToneEnergyRatio ?? 0.8;
    this.groupPeakRatio = Math.pow(10, -(options.minGroupPeakDb ?? 8) / 20);
    this.buf = new Float64Array(this.half);
    this.prevY = new Float64Array(16);
    this.curY = new Float64Array(16);
  }

  /** The digit being heard now, if any. */
  get current(): DtmfDigit | undefined {
    return this.active;
  }

  reset(): void {
    this.fill = 0;
    this.halves = 0;
    this.candidate = undefined;
    this.candidateHits = 0;
    this.active = undefined;
    this.misses = 0;
  }

  /** Feeds samples (any count; frames of the stream). */
  process(pcm: ArrayLike<number>): void {
    const n = pcm.length;
    for (let i = 0; i < n; i++) {
      this.buf[this.fill++] = pcm[i]!;
      this.sampleCount++;
      if (this.fill === this.half) {
        this.fill = 0;
        this.analyseHalf();
      }
    }
  }

  private analyseHalf(): void {
    const tmp = this.prevY;
    this.prevY = this.curY;
    this.curY = tmp;
    this.prevEnergy = this.curEnergy;
    let e = 0;
    for (let i = 0; i < this.half; i++) e += this.buf[i]! * this.buf[i]!;
    this.curEnergy = e;
    for (let k = 0; k < 8; k++) goertzel(this.buf, 0, this.half, this.coeffs[k]!, this.curY, 2 * k);
    if (++this.halves < 2) return;

    const windowEnd = this.sampleCount;
    const windowStart = windowEnd - 2 * this.half;
    const cls = this.classify();
    this.track(cls, windowStart, windowEnd);
  }

  /** Classifies the 20 ms window made of the previous and the current half. */
  private classify(): WindowClass {
    this.lastDigit = undefined;
    const N = 2 * this.half;
    const energy = this.prevEnergy + this.curEnergy;
    // Two tones at the minimum level carry at least this much energy.
    if (energy < this.minAmp * this.minAmp * N * 0.5) return this.holdCheck();
    // Full-window amplitude per frequency: |y1 + e^{−jωM}·y2| · 2/N.
    for (let k = 0; k < 8; k++) {
      const r1 = this.prevY[2 * k]!;
      const i1 = this.prevY[2 * k + 1]!;
      const r2 = this.curY[2 * k]!;
      const i2 = this.curY[2 * k + 1]!;
      const re = r1 + this.shiftRe[k]! * r2 - this.shiftIm[k]! * i2;
      const im = i1 + this.shiftRe[k]! * i2 + this.shiftIm[k]! * r2;
      this.amp[k] = (2 * Math.hypot(re, im)) / N;
    }
    const row = this.peak(0);
    const col = this.peak(4);
    const lowAmp = this.amp[row]!;
    const highAmp = this.amp[4 + col]!;
    if (!this.dominates(0, row) || !this.dominates(4, col)) return this.holdCheck();

    // Q.24 frequency tolerance: the phase advance over one half-window gives the true frequency.
    const lowDev = this.deviation(row);
    const highDev = this.deviation(4 + col);
    // Correct each amplitude for the bin's roll-off at the measured offset (a 1633 Hz tone 1.5 % off
    // reads 3.7 dB low in a 20 ms bin) before judging levels, twist and energy share.
    const low = lowAmp / this.rolloff(lowDev * FREQS[row]!);
    const high = highAmp / this.rolloff(highDev * FREQS[4 + col]!);
    if (low < this.minAmp || high < this.minAmp) return this.holdCheck();
    if (high > low * this.maxHighOverLow || low > high * this.maxLowOverHigh) return this.holdCheck();
    const toneEnergy = ((low * low + high * high) * N) / 2;
    if (toneEnergy < this.minEnergyRatio * energy) return this.holdCheck();

    // A window that straddles the tone's start or end has one weak half; its
    // phase-based frequency reading is unreliable, so it may only sustain a digit.
    const balanced = this.balanced(row) && this.balanced(4 + col);
    if (!balanced) return this.holdCheck(row, col);
    if (Math.abs(lowDev) > this.maxDeviation || Math.abs(highDev) > this.maxDeviation) return this.holdCheck();
    this.lastDigit = digitAt(row, col);
    return 'full';
  }

  /**
   * While a digit is active, a window still carrying its two frequencies above
   * the floor (as the strongest of their groups) sustains it, so short
   * drop-outs and a window straddling the end do not split it.
   */
  private holdCheck(row?: number, col?: number): WindowClass {
    if (this.active === undefined) return 'none';
    if (row !== undefined && col !== undefined && row === this.activeRow && col === this.activeCol) return 'partial';
    const M = this.half;
    const a = (k: number): number => {
      const h1 = Math.hypot(this.prevY[2 * k]!, this.prevY[2 * k + 1]!);
      const h2 = Math.hypot(this.curY[2 * k]!, this.curY[2 * k + 1]!);
      return (2 * Math.max(h1, h2)) / M;
    };
    const lo = a(this.activeRow);
    const hi = a(4 + this.activeCol);
    if (lo < this.minAmp || hi < this.minAmp) return 'none';
    for (let k = 0; k < 4; k++) if (k !== this.activeRow && a(k) > lo) return 'none';
    for (let k = 0; k < 4; k++) if (k !== this.activeCol && a(4 + k) > hi) return 'none';
    return 'partial';
  }

  private track(cls: WindowClass, start: number, end: number): void {
    if (this.active !== undefined) {
      if (cls === 'partial' || (cls === 'full' && this.lastDigit === this.active)) {
        this.misses = 0;
        this.activeLastEnd = end;
        return;
      }
      // Two consecutive windows without the digit (≈ 20 ms of pause) end it.
      if (++this.misses < 2) return;
      const digit = this.active;
      this.active = undefined;
      this.misses = 0;
      this.listener({
        type: 'end',
        digit,
        sample: this.activeLastEnd,
        durationMs: ((this.activeLastEnd - this.activeStart) * 1000) / this.sampleRate,
      });
      this.candidateHits = 0;
    }
    if (cls !== 'full' || this.lastDigit === undefined) {
      this.candidateHits = 0;
      return;
    }
    if (this.candidateHits > 0 && this.candidate === this.lastDigit) {
      this.candidateHits++;
    } else {
      this.candidate = this.lastDigit;
      this.candidateHits = 1;
      this.candidateStart = start;
    }
    // Two consecutive full windows: 30 ms of clean tone.
    if (this.candidateHits >= 2) {
      const digit = this.candidate;
      this.active = digit;
      this.setActiveCells(digit);
      this.activeStart = this.candidateStart;
      this.activeLastEnd = end;
      this.candidateHits = 0;
      this.misses = 0;
      this.listener({ type: 'begin', digit, sample: this.candidateStart });
    }
  }

  private setActiveCells(digit: DtmfDigit): void {
    for (let r = 0; r < 4; r++) {
      for (let c = 0; c < 4; c++) {
        if (digitAt(r, c) === digit) {
          this.activeRow = r;
          this.activeCol = c;
          return;
        }
      }
    }
  }

  private peak(base: number): number {
    let best = 0;
    for (let k = 1; k < 4; k++) if (this.amp[base + k]! > this.amp[base + best]!) best = k;
    return best;
  }

  private dominates(base: number, best: number): boolean {
    const limit = this.amp[base + best]! * this.groupPeakRatio;
    for (let k = 0; k < 4; k++) if (k !== best && this.amp[base + k]! > limit) return false;
    return true;
  }

  /** Both halves carry the tone at comparable strength (the window lies inside the tone). */
  private balanced(k: number): boolean {
    const h1 = Math.hypot(this.prevY[2 * k]!, this.prevY[2 * k + 1]!);
    const h2 = Math.hypot(this.curY[2 * k]!, this.curY[2 * k + 1]!);
    return Math.min(h1, h2) >= 0.6 * Math.max(h1, h2);
  }

  /**
   * Relative frequency deviation of the tone near FREQS[k]: the second half's
   * output leads the first by ω₀·M radians for a tone at ω₀ (both share the
   * e^{jω(M−1)} factor of the Goertzel output, which cancels).
   */
  private deviation(k: number): number {
    const r1 = this.prevY[2 * k]!;
    const i1 = this.prevY[2 * k + 1]!;
    const r2 = this.curY[2 * k]!;
    const i2 = this.curY[2 * k + 1]!;
    // y2 · conj(y1)
    const re = r2 * r1 + i2 * i1;
    const im = i2 * r1 - r2 * i1;
    const c = this.coeffs[k]!;
    let d = Math.atan2(im, re) - ((c.omega * this.half) % (2 * Math.PI));
    d -= 2 * Math.PI * Math.round(d / (2 * Math.PI));
    const deltaHz = (d / this.half) * (this.sampleRate / (2 * Math.PI));
    return deltaHz / c.hz;
  }

  /** |D(δ)|: gain of a 20 ms DFT bin for a tone δ Hz away from its centre. */
  private rolloff(deltaHz: number): number {
    const N = 2 * this.half;
    const x = (Math.PI * deltaHz) / this.sampleRate;
    if (Math.abs(x) < 1e-9) return 1;
    return Math.max(0.3, Math.abs(Math.sin(N * x) / (N * Math.sin(x))));
  }
}
