import { decodeALaw, encodeALaw } from '../g711.js';
import type { AudioDecoder, AudioEncoder, CodecDescriptor } from './codec-descriptor.js';

/** RFC 3551 §4.5.14: PCMA, static payload type 8, 8000 Hz, one byte per sample. */
export const PCMA: CodecDescriptor = {
  name: 'PCMA',
  kind: 'audio',
  payloadType: 8,
  clockRate: 8000,
  channels: 1,
  samplesPerByte: 1,
  createEncoder(): AudioEncoder {
    return {
      encode(pcm, out) {
        const n = Math.min(pcm.length, out.length);
        encodeALaw(pcm, out, n);
        return n;
      },
    };
  },
  createDecoder(): AudioDecoder {
    return {
      decode(payload, length, out) {
        const n = Math.min(length, payload.length, out.length);
        decodeALaw(payload, out, n);
        return n;
      },
    };
  },
};
