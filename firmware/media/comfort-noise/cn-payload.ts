/**
 * RFC 3389 §3 comfort-noise payload: one octet of noise level (§3.1: the
 * magnitude in −dBov, 0…127, MSB unused) followed by an optional list of
 * reflection coefficients of an all-pole model of the noise spectrum (§3.2),
 * one octet each; the model order is the payload length minus one.
 *
 * Coefficient octets map to k = (q − 127) / 128, the 8-bit uniform quantizer
 * over (−1, 1) of §3.2 as deployed decoders (WebRTC's CNG) read it.
 */
export interface ComfortNoiseParameters {
  /** Noise level in dBov (≤ 0): 0 dBov is a full-scale square wave (RMS 32768). */
  levelDbov: number;
  reflectionCoefficients: number[];
}

/** Highest model order we honour; §3.2 lets a decoder drop higher-order coefficients. */
export const CN_MAX_ORDER = 12;

/** Decodes a CN payload; undefined for an empty one (counted and ignored by the caller). */
export function decodeCnPayload(payload: Uint8Array, length = payload.length): ComfortNoiseParameters | undefined {
  if (length < 1) return undefined;
  const levelDbov = -(payload[0]! & 0x7f);
  const order = Math.min(length - 1, CN_MAX_ORDER);
  const reflectionCoefficients: number[] = [];
  for (let i = 0; i < order; i++) reflectionCoefficients.push((payload[1 + i]! - 127) / 128);
  return { levelDbov, reflectionCoefficients };
}

export function encodeCnPayload(p: ComfortNoiseParameters): Uint8Array {
  const out = new Uint8Array(1 + p.reflectionCoefficients.length);
  out[0] = Math.max(0, Math.min(127, Math.round(-p.levelDbov)));
  p.reflectionCoefficients.forEach((k, i) => (out[1 + i] = Math.max(0, Math.min(255, Math.round(k * 128) + 127))));
  return out;
}
