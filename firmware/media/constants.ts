/**
 * Media parameters shared by tones, DTMF, the mixer, the media clock and the
 * stream (DESIGN.md: protocol parameters in one place per layer, named as the
 * specifications name them).
 */

/** G.711 narrowband telephony: 8000 samples per second (ITU-T G.711 §1). */
export const SAMPLE_RATE = 8000;

/** RFC 3551 §4.5: the default packetization interval for G.711 is 20 ms. */
export const PTIME_DEFAULT_MS = 20;
/** The range of a=ptime values the stream accepts (RFC 4566 §6; 10–60 ms is what desk phones negotiate). */
export const PTIME_MIN_MS = 10;
export const PTIME_MAX_MS = 60;

/** 20 ms at 8 kHz: 160 samples, the phone's audio frame. */
export const FRAME_SAMPLES_DEFAULT = (SAMPLE_RATE * PTIME_DEFAULT_MS) / 1000;

/**
 * Level of a full-scale sine in dBm0 for 16-bit linear PCM: ITU-T G.711 §3 puts
 * the µ-law/A-law overload point at +3.14 dBm0, so a 0 dBm0 sine has a peak of
 * 32767 · 10^(−3.14/20) ≈ 22 786 (the "digital milliwatt").
 */
export const FULL_SCALE_DBM0 = 3.14;

/** Samples in one frame of `ptimeMs` at `sampleRate`. */
export function samplesPerFrame(ptimeMs: number, sampleRate = SAMPLE_RATE): number {
  return Math.round((sampleRate * ptimeMs) / 1000);
}

/** Peak amplitude (16-bit linear) of a sine at `dbm0`. */
export function dbm0ToAmplitude(dbm0: number): number {
  return 32767 * Math.pow(10, (dbm0 - FULL_SCALE_DBM0) / 20);
}

/** dBm0 of a sine whose RMS over a block is `rms` (16-bit linear). */
export function rmsToDbm0(rms: number): number {
  return 20 * Math.log10((rms * Math.SQRT2) / 32767) + FULL_SCALE_DBM0;
}
