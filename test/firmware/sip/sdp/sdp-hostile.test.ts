import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SdpError, SdpSession, type SdpCodec } from '../../../../firmware/sip/sdp/index.js';

const CODECS: SdpCodec[] = [
  { name: 'PCMU', payloadType: 0, clockRate: 8000 },
  { name: 'telephone-event', kind: 'telephone-event', payloadType: 101, clockRate: 8000, fmtp: '0-15' },
];

const LINES = [
  'v=0',
  'o=- 1 1 IN IP4 198.51.100.7',
  's=-',
  'c=IN IP4 198.51.100.7',
  'c=IN IP6 2001:db8::1',
  'c=IN IP4 0.0.0.0',
  't=0 0',
  'm=audio 7000 RTP/AVP 0 101',
  'm=audio 0 RTP/AVP 0',
  'm=video 9000 RTP/AVP 96',
  'm=audio 7000 RTP/SAVP 0',
  'm=audio 70000 RTP/AVP 999 -1 x',
  'm=audio',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=rtpmap:101',
  'a=fmtp:101 0-15',
  'a=ptime:abc',
  'a=sendonly',
  'a=inactive',
  'a=',
  '',
];

/** Every outcome of reading a peer's SDP is an answer or an SdpError: nothing else may escape to the UA core. */
function readsSafely(text: string): void {
  const session = new SdpSession({ address: '192.0.2.10', port: 40000, codecs: CODECS });
  try {
    const { media } = session.receiveOffer(text);
    expect(media.remotePort).toBeGreaterThan(0);
    expect(media.remotePort).toBeLessThanOrEqual(65535);
  } catch (err) {
    expect(err).toBeInstanceOf(SdpError);
  }
  session.createOffer();
  try {
    session.receiveAnswer(text);
  } catch (err) {
    expect(err).toBeInstanceOf(SdpError);
  }
}

describe('hostile session descriptions', () => {
  it('never throws anything but SdpError for arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (text) => readsSafely(text)), { numRuns: 500 });
  });

  it('never throws anything but SdpError for shuffled and broken SDP lines', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...LINES), { maxLength: 20 }), fc.constantFrom('\r\n', '\n'), (lines, eol) => readsSafely(['v=0', ...lines].join(eol))),
      { numRuns: 1000 },
    );
  });
});
