import type { CodecDescriptor } from './codec-descriptor.js';

/**
 * RFC 3389 comfort noise, static payload type 13 at 8000 Hz (RFC 3551 Table 4).
 * Data only: the noise generator that plays it lives in ../comfort-noise/.
 */
export const CN: CodecDescriptor = {
  name: 'CN',
  kind: 'comfort-noise',
  payloadType: 13,
  clockRate: 8000,
  channels: 1,
};
