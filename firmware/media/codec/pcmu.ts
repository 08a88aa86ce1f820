import { decodeMuLaw, encodeMuLaw } from '../g711.js';
import type { AudioDecoder, AudioEncoder, CodecDescriptor } from './codec-descriptor.js';

/** RFC 3551 §4.5.14: PCMU, static payload type 0, 8000 Hz, one byte per sample. */
export const PCMU: CodecDescriptor = {
  name: 'PCMU',
  kind: 'audio',
  payloadType: 0,
  clockRate: 8000,
  channels: 1,
  samplesPerByte: 1,
  createEncoder(): AudioEncoder {
    return {
      encode(pcm, out) {
        const n = Math.min(pcm.length, out.length);
        encodeMuLaw(pcm, out, n);
        return n;
      },
    };
  },
  createDecoder(): AudioDecoder {
    return {
      decode(payload, length, out) {
        const n = Math.min(length, payload.length, out.length);
        decodeMuLaw(payload, out, n);
        return n;
      },
    };
  },
};
