/**
 * ITU-T G.711 µ-law and A-law, bit-exact with the ITU-T G.191 Software Tools
 * Library (g711.c: ulaw_compress, alaw_compress, ulaw_expand, alaw_expand).
 *
 * Input and output linear samples are 16-bit two's complement, as G.191 takes
 * them: A-law uses the top 13 bits, µ-law the top 14 bits. Encoding is a single
 * lookup in a 64 Ki-entry table per law and decoding a lookup in a 256-entry
 * table, built once at module load from the segment rules below, so the hot
 * path is one load and one store per sample.
 *
 * Note that G.191 quantizes negative inputs by their one's complement
 * (~x, i.e. -x-1), not by -x: that is where most other implementations
 * (Sun's g711.c and its descendants) disagree with the reference.
 */

/** µ-law bias: G.711 Table 2 puts segment ends at 2^k·33 − 33 in 14-bit units (0x84 in 16-bit units). */
const ULAW_BIAS_14 = 33;
/** µ-law clips at 8158 in 14-bit units: the largest biased magnitude the 8 segments cover is 0x1FFF. */
const ULAW_MAX_BIASED = 0x1fff;
/** A-law even-bit inversion (G.711 §2: "the even bits are inverted"). */
const ALAW_XOR = 0x55;

function ulawCodeFor(sample: number): number {
  // G.191: magnitude of the 14-bit sample (one's complement for negatives), biased by 33.
  const negative = sample < 0;
  let biased = ((negative ? ~sample : sample) >> 2) + ULAW_BIAS_14;
  if (biased > ULAW_MAX_BIASED) biased = ULAW_MAX_BIASED;
  // Segment = position of the highest set bit above bit 5 (biased values start at 33 ≥ 2^5).
  const segment = 31 - Math.clz32(biased) - 5; // 0..7
  const mantissa = (biased >> (segment + 1)) & 0x0f;
  // µ-law codes are transmitted inverted; the sign bit is 1 for positive values.
  const code = ((7 - segment) << 4) | (0x0f - mantissa);
  return negative ? code : code | 0x80;
}

function alawCodeFor(sample: number): number {
  const negative = sample < 0;
  const magnitude = (negative ? ~sample : sample) >> 4; // 12-bit magnitude, 0..2047
  let code: number;
  if (magnitude < 32) {
    // Segments 0 and 1 share one step size (G.711 Table 1a), so below 32 the
    // code is the magnitude itself: segment 1's leading one is the exponent bit.
    code = magnitude;
  } else {
    const exponent = 31 - Math.clz32(magnitude) - 3; // 2..7
    code = (exponent << 4) | ((magnitude >> (exponent - 1)) & 0x0f);
  }
  return (negative ? code : code | 0x80) ^ ALAW_XOR;
}

function ulawLinearFor(code: number): number {
  const inverted = ~code & 0xff;
  const exponent = (inverted >> 4) & 0x07;
  const mantissa = inverted & 0x0f;
  // Reconstruct the biased magnitude at the middle of the quantization step, then remove the bias.
  const magnitude = (((mantissa << 1) | 0x21) << (exponent + 2)) - (ULAW_BIAS_14 << 2);
  return code & 0x80 ? magnitude : -magnitude;
}

function alawLinearFor(code: number): number {
  const c = code ^ ALAW_XOR;
  const exponent = (c >> 4) & 0x07;
  const mantissa = c & 0x0f;
  // Middle of the step; segment 0 has no implied leading one.
  const magnitude = exponent === 0 ? (mantissa << 4) + 8 : (((mantissa | 0x10) << 4) + 8) << (exponent - 1);
  return c & 0x80 ? magnitude : -magnitude;
}

const MULAW_ENCODE = new Uint8Array(65536);
const ALAW_ENCODE = new Uint8Array(65536);
const MULAW_DECODE = new Int16Array(256);
const ALAW_DECODE = new Int16Array(256);
for (let u = 0; u < 65536; u++) {
  const sample = (u << 16) >> 16; // index is the sample's 16-bit pattern
  MULAW_ENCODE[u] = ulawCodeFor(sample);
  ALAW_ENCODE[u] = alawCodeFor(sample);
}
for (let c = 0; c < 256; c++) {
  MULAW_DECODE[c] = ulawLinearFor(c);
  ALAW_DECODE[c] = alawLinearFor(c);
}

// `length` (default: the whole input) lets callers with preallocated, larger
// buffers (jitter-buffer slots, frame pools) convert a prefix without a subarray.

/** Encodes 16-bit linear PCM to µ-law; writes into `out` (at least pcm.length long) or a new array. */
export function encodeMuLaw(pcm: Int16Array, out: Uint8Array = new Uint8Array(pcm.length), length = pcm.length): Uint8Array {
  const t = MULAW_ENCODE;
  // Unrolled by four: the loop overhead, not the table load, dominates a 160-sample frame.
  const n4 = length & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    out[i] = t[pcm[i]! & 0xffff]!;
    out[i + 1] = t[pcm[i + 1]! & 0xffff]!;
    out[i + 2] = t[pcm[i + 2]! & 0xffff]!;
    out[i + 3] = t[pcm[i + 3]! & 0xffff]!;
  }
  for (; i < length; i++) out[i] = t[pcm[i]! & 0xffff]!;
  return out;
}

/** Decodes µ-law to 16-bit linear PCM; writes into `out` (at least codes.length long) or a new array. */
export function decodeMuLaw(codes: Uint8Array, out: Int16Array = new Int16Array(codes.length), length = codes.length): Int16Array {
  const t = MULAW_DECODE;
  // Unrolled by four: the loop overhead, not the table load, dominates a 160-sample frame.
  const n4 = length & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    out[i] = t[codes[i]!]!;
    out[i + 1] = t[codes[i + 1]!]!;
    out[i + 2] = t[codes[i + 2]!]!;
    out[i + 3] = t[codes[i + 3]!]!;
  }
  for (; i < length; i++) out[i] = t[codes[i]!]!;
  return out;
}

/** Encodes 16-bit linear PCM to A-law; writes into `out` (at least pcm.length long) or a new array. */
export function encodeALaw(pcm: Int16Array, out: Uint8Array = new Uint8Array(pcm.length), length = pcm.length): Uint8Array {
  const t = ALAW_ENCODE;
  // Unrolled by four: the loop overhead, not the table load, dominates a 160-sample frame.
  const n4 = length & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    out[i] = t[pcm[i]! & 0xffff]!;
    out[i + 1] = t[pcm[i + 1]! & 0xffff]!;
    out[i + 2] = t[pcm[i + 2]! & 0xffff]!;
    out[i + 3] = t[pcm[i + 3]! & 0xffff]!;
  }
  for (; i < length; i++) out[i] = t[pcm[i]! & 0xffff]!;
  return out;
}

/** Decodes A-law to 16-bit linear PCM; writes into `out` (at least codes.length long) or a new array. */
export function decodeALaw(codes: Uint8Array, out: Int16Array = new Int16Array(codes.length), length = codes.length): Int16Array {
  const t = ALAW_DECODE;
  // Unrolled by four: the loop overhead, not the table load, dominates a 160-sample frame.
  const n4 = length & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    out[i] = t[codes[i]!]!;
    out[i + 1] = t[codes[i + 1]!]!;
    out[i + 2] = t[codes[i + 2]!]!;
    out[i + 3] = t[codes[i + 3]!]!;
  }
  for (; i < length; i++) out[i] = t[codes[i]!]!;
  return out;
}

/** One sample, for callers that work sample by sample (tone generators, tests). */
export function muLawSample(sample: number): number {
  return MULAW_ENCODE[sample & 0xffff]!;
}
export function aLawSample(sample: number): number {
  return ALAW_ENCODE[sample & 0xffff]!;
}
export function muLawToLinear(code: number): number {
  return MULAW_DECODE[code & 0xff]!;
}
export function aLawToLinear(code: number): number {
  return ALAW_DECODE[code & 0xff]!;
}

/** Code of digital silence in each law (the encoding of 0). */
export const MULAW_SILENCE = 0xff;
export const ALAW_SILENCE = 0xd5;
