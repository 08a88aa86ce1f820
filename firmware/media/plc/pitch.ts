/**
 * Pitch period search for loss concealment (ITU-T G.711 Appendix I):
 * the lag in [minLag, maxLag] that maximizes the normalized cross-correlation
 * between the most recent `corrLen` samples and the samples one lag earlier.
 * Appendix I searches a 2:1 decimated signal first to save cycles; a full-rate
 * search over 81 lags × 160 samples costs ~13k multiply-adds per loss event,
 * negligible here, so it is done directly.
 */
export function findPitch(history: Float32Array, end: number, minLag: number, maxLag: number, corrLen: number): number {
  const start = end - corrLen;
  let bestLag = maxLag;
  let bestScore = -Infinity;
  for (let lag = minLag; lag <= maxLag; lag++) {
    let corr = 0;
    let energy = 0;
    for (let i = start; i < end; i++) {
      const past = history[i - lag]!;
      corr += history[i]! * past;
      energy += past * past;
    }
    // corr / sqrt(energy) ranks lags like the normalized correlation (the recent segment's energy is common).
    const score = energy > 0 ? corr / Math.sqrt(energy) : 0;
    if (score > bestScore) {
      bestScore = score;
      bestLag = lag;
    }
  }
  return bestLag;
}
