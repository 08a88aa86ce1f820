/**
 * Jitter-buffer parameters in one place (DESIGN.md: protocol parameters named
 * and configurable where a PBX admin would want them: min/max delay).
 */
export interface JitterBufferOptions {
  /** RTP clock rate of the stream (8000 for G.711). */
  clockRate?: number;
  /** Packet duration assumed until two consecutive packets show the real one (RFC 3551 §4.5: 20 ms). */
  frameMs?: number;
  /** The delay never adapts below this (ms, arrival of the fastest packet to playout). */
  minDelayMs?: number;
  /** The delay never adapts above this; beyond it frames are discarded even in speech. */
  maxDelayMs?: number;
  /** Target delay before any jitter has been measured. */
  initialDelayMs?: number;
  /** Largest payload stored; longer payloads are truncated to it (60 ms of G.711 is 480). */
  maxPayloadBytes?: number;
  /** Fraction of packets that should arrive in time; the target delay is this quantile of the measured delay. */
  inTimeQuantile?: number;
  /** Per-packet forgetting factor of the delay histogram (0.999 ≈ a memory of 1000 packets, 20 s at 20 ms). */
  histogramForgetting?: number;
  /** After a delay spike the target falls back to the histogram's quantile with this time constant (slow decay). */
  peakDecayMs?: number;
  /** Window over which the fastest packet defines zero delay; short enough to follow clock skew. */
  baselineWindowMs?: number;
  /** While speech is playing, discard at most one frame per this interval to shorten the delay. */
  speechCompressIntervalMs?: number;
  /** Payload type of RFC 3389 comfort noise: its frames are silence, where delay may change freely. */
  comfortNoisePayloadType?: number;
  /** Concealing this long with nothing queued means the talker stopped (DTX) or the stream died: wait to re-anchor. */
  maxConcealMs?: number;
}

export const JITTER_DEFAULTS: Required<JitterBufferOptions> = {
  clockRate: 8000,
  frameMs: 20,
  minDelayMs: 0,
  maxDelayMs: 500,
  initialDelayMs: 40,
  maxPayloadBytes: 1500,
  inTimeQuantile: 0.995,
  histogramForgetting: 0.999,
  peakDecayMs: 4000,
  baselineWindowMs: 2000,
  speechCompressIntervalMs: 200,
  comfortNoisePayloadType: 13,
  maxConcealMs: 100,
};
