import type { AudioDecoder, AudioEncoder, CodecDescriptor } from './codec-descriptor.js';

/** The shape of g711.ts's converters: a prefix of `length` samples or codes into a preallocated output. */
type Encode = (pcm: Int16Array, out: Uint8Array, length: number) => Uint8Array;
type Decode = (codes: Uint8Array, out: Int16Array, length: number) => Int16Array;

/**
 * A G.711 law as a codec descriptor. RFC 3551 §4.5.14: both laws run at
 * 8000 Hz, mono, one byte per sample, so a frame is as many bytes as samples
 * and only the name, the static payload type and the law differ.
 */
export function g711Codec(name: string, payloadType: number, encode: Encode, decode: Decode): CodecDescriptor {
  return {
    name,
    kind: 'audio',
    payloadType,
    clockRate: 8000,
    channels: 1,
    samplesPerByte: 1,
    createEncoder(): AudioEncoder {
      return {
        encode(pcm, out) {
          const n = Math.min(pcm.length, out.length);
          encode(pcm, out, n);
          return n;
        },
      };
    },
    createDecoder(): AudioDecoder {
      return {
        decode(payload, length, out) {
          const n = Math.min(length, payload.length, out.length);
          decode(payload, out, n);
          return n;
        },
      };
    },
  };
}
