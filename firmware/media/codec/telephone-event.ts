import type { CodecDescriptor } from './codec-descriptor.js';

/**
 * RFC 4733 telephone-event: a dynamic payload type (101 is the de-facto
 * default), events 0–15 are the DTMF digits and 16 is flash (RFC 4733 §3.2).
 * Data only: sending and receiving live in ../dtmf/.
 */
export const TELEPHONE_EVENT: CodecDescriptor = {
  name: 'telephone-event',
  kind: 'telephone-event',
  payloadType: 101,
  clockRate: 8000,
  channels: 1,
  fmtp: '0-16',
};
