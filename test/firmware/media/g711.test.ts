import { describe, expect, it } from 'vitest';
import { decodeALaw, decodeMuLaw, encodeALaw, encodeMuLaw, ALAW_SILENCE, MULAW_SILENCE } from '../../../firmware/media/g711.js';

/*
 * The oracle: the ITU-T G.191 STL g711.c algorithms, transcribed from their
 * description one sample at a time with the loop-based segment search the
 * reference uses (the production code uses clz and tables instead). Neither
 * alawmulaw, npm g711 nor sox is used as an oracle: each differs from G.191.
 */
function refAlawCompress(x: number): number {
  let ix = x < 0 ? ~x >> 4 : x >> 4; // 1's complement for negatives; 0 <= ix < 2048
  if (ix > 15) {
    let iexp = 1;
    while (ix > 16 + 15) {
      ix >>= 1;
      iexp++;
    }
    ix -= 16; // drop the leading one
    ix += iexp << 4;
  }
  if (x >= 0) ix |= 0x80;
  return (ix ^ 0x55) & 0xff;
}

function refAlawExpand(code: number): number {
  let ix = code ^ 0x55;
  ix &= 0x7f;
  const iexp = ix >> 4;
  let mant = ix & 0x0f;
  if (iexp > 0) mant += 16;
  mant = (mant << 4) + 0x08;
  if (iexp > 1) mant <<= iexp - 1;
  return code > 127 ? mant : -mant;
}

function refUlawCompress(x: number): number {
  let absno = x < 0 ? (~x >> 2) + 33 : (x >> 2) + 33;
  if (absno > 0x1fff) absno = 0x1fff;
  let i = absno >> 6;
  let segno = 1;
  while (i !== 0) {
    segno++;
    i >>= 1;
  }
  const high = 0x0008 - segno;
  const low = 0x000f - ((absno >> segno) & 0x000f);
  let out = (high << 4) | low;
  if (x >= 0) out |= 0x0080;
  return out & 0xff;
}

function refUlawExpand(code: number): number {
  const sign = code < 0x80 ? -1 : 1;
  let mantissa = ~code;
  const exponent = (mantissa >> 4) & 0x07;
  const segment = exponent + 1;
  mantissa &= 0x0f;
  const step = 4 << segment;
  return (sign * ((0x80 << exponent) + step * mantissa + step / 2 - 4 * 33)) | 0; // C integers have no -0
}

const allInputs = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
const allCodes = Uint8Array.from({ length: 256 }, (_, i) => i);

describe('G.711 against the ITU-T G.191 reference', () => {
  it('µ-law encodes every one of the 65,536 inputs as g711.c ulaw_compress does', () => {
    const out = encodeMuLaw(allInputs);
    const mismatches = [];
    for (let i = 0; i < allInputs.length; i++) if (out[i] !== refUlawCompress(allInputs[i]!)) mismatches.push(allInputs[i]);
    expect(mismatches).toEqual([]);
  });

  it('A-law encodes every one of the 65,536 inputs as g711.c alaw_compress does', () => {
    const out = encodeALaw(allInputs);
    const mismatches = [];
    for (let i = 0; i < allInputs.length; i++) if (out[i] !== refAlawCompress(allInputs[i]!)) mismatches.push(allInputs[i]);
    expect(mismatches).toEqual([]);
  });

  it('µ-law decodes all 256 codes as g711.c ulaw_expand does', () => {
    expect(Array.from(decodeMuLaw(allCodes))).toEqual(Array.from(allCodes, refUlawExpand));
  });

  it('A-law decodes all 256 codes as g711.c alaw_expand does', () => {
    expect(Array.from(decodeALaw(allCodes))).toEqual(Array.from(allCodes, refAlawExpand));
  });

  it('the oracle itself matches published G.711 code points (so a shared mistake cannot pass)', () => {
    // G.711 Table 2a/1a: 0 encodes to 0xFF (µ) and 0xD5 (A); full scale to 0x80 / 0xAA.
    expect(refUlawCompress(0)).toBe(0xff);
    expect(refUlawCompress(32767)).toBe(0x80);
    expect(refUlawCompress(-32768)).toBe(0x00);
    expect(refAlawCompress(0)).toBe(0xd5);
    expect(refAlawCompress(32767)).toBe(0xaa);
    expect(refAlawCompress(-32768)).toBe(0x2a);
    // Decision values: µ-law 0x80 decodes to 32124, A-law 0xAA to 32256.
    expect(refUlawExpand(0x80)).toBe(32124);
    expect(refAlawExpand(0xaa)).toBe(32256);
    expect(refUlawExpand(0xff)).toBe(0);
    expect(refAlawExpand(0xd5)).toBe(8);
  });
});

describe('G.711 behaviour', () => {
  it('decode then encode returns every code except µ-law negative zero (0x7F decodes to 0 and re-encodes as 0xFF)', () => {
    const mu = encodeMuLaw(decodeMuLaw(allCodes));
    const changed = [...allCodes].filter((c) => mu[c] !== c);
    expect(changed).toEqual([0x7f]);
    expect(Array.from(encodeALaw(decodeALaw(allCodes)))).toEqual(Array.from(allCodes));
  });

  it('silence constants are the encodings of zero', () => {
    expect(encodeMuLaw(new Int16Array([0]))[0]).toBe(MULAW_SILENCE);
    expect(encodeALaw(new Int16Array([0]))[0]).toBe(ALAW_SILENCE);
  });

  it('writes into a preallocated output and returns it', () => {
    const out = new Uint8Array(4);
    expect(encodeMuLaw(new Int16Array([1, 2, 3, 4]), out)).toBe(out);
    const pcm = new Int16Array(3);
    expect(decodeALaw(new Uint8Array([1, 2, 3]), pcm)).toBe(pcm);
  });

  it('keeps the quantization error within half a step of the segment (a 1 kHz sine survives round trip)', () => {
    const sine = Int16Array.from({ length: 160 }, (_, i) => Math.round(20000 * Math.sin((2 * Math.PI * 1000 * i) / 8000)));
    for (const [enc, dec] of [
      [encodeMuLaw, decodeMuLaw],
      [encodeALaw, decodeALaw],
    ] as const) {
      const back = dec(enc(sine));
      let err = 0;
      let sig = 0;
      for (let i = 0; i < sine.length; i++) {
        err += (back[i]! - sine[i]!) ** 2;
        sig += sine[i]! ** 2;
      }
      // G.711 gives about 38 dB SNR for a loud sine.
      expect(10 * Math.log10(sig / err)).toBeGreaterThan(33);
    }
  });
});
