import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RtpPacket as WeriftRtpPacket, RtpHeader as WeriftRtpHeader } from 'werift-rtp';
import { RtpPacket, RtpParseError, writeRtpHeader } from '../../../../firmware/media/rtp/index.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

describe('RTP packet (RFC 3550 §5.1)', () => {
  // Golden bytes: V=2, M=1, PT=0, seq 0x1234, ts 0xDEADBEEF, SSRC 0x01020304, 4 payload bytes.
  const golden = hex('80 80 1234 deadbeef 01020304  ff fe fd fc');

  it('parses the fixed header fields from golden bytes', () => {
    const p = RtpPacket.parse(golden);
    expect(p).toMatchObject({ payloadType: 0, marker: true, sequenceNumber: 0x1234, timestamp: 0xdeadbeef, ssrc: 0x01020304, paddingLength: 0 });
    expect(Array.from(p.payload)).toEqual([0xff, 0xfe, 0xfd, 0xfc]);
  });

  it('round-trips golden bytes with CSRCs, an extension and padding', () => {
    // V=2 P=1 X=1 CC=2, PT=8, two CSRCs, extension 0xBEDE with 1 word, payload 2 bytes, 2 bytes padding.
    const bytes = hex('b2 08 0001 00000a00 cafebabe  11111111 22222222  bede 0001 10ab0000  d5 d5  00 02');
    const p = RtpPacket.parse(bytes);
    expect(p.csrcs).toEqual([0x11111111, 0x22222222]);
    expect(p.extension?.profile).toBe(0xbede);
    expect(Array.from(p.extension!.data)).toEqual([0x10, 0xab, 0, 0]);
    expect(Array.from(p.payload)).toEqual([0xd5, 0xd5]);
    expect(p.paddingLength).toBe(2);
    expect(p.serialize()).toEqual(bytes);
  });

  it('writes the same header bytes on the allocation-free path', () => {
    const out = new Uint8Array(16);
    writeRtpHeader(out, 0, true, 0x1234, 0xdeadbeef, 0x01020304);
    out.set([0xff, 0xfe, 0xfd, 0xfc], 12);
    expect(out).toEqual(golden);
  });

  it('agrees with werift-rtp on parse and serialize for arbitrary packets', () => {
    fc.assert(
      fc.property(
        fc.record({
          payloadType: fc.integer({ min: 0, max: 127 }),
          sequenceNumber: fc.integer({ min: 0, max: 0xffff }),
          timestamp: fc.nat({ max: 0xffffffff }),
          ssrc: fc.nat({ max: 0xffffffff }),
          marker: fc.boolean(),
          csrcs: fc.array(fc.nat({ max: 0xffffffff }), { maxLength: 15 }),
          payload: fc.uint8Array({ maxLength: 200 }),
        }),
        (fields) => {
          const ours = new RtpPacket(fields).serialize();
          const theirs = WeriftRtpPacket.deSerialize(Buffer.from(ours));
          expect(theirs.header).toMatchObject({
            payloadType: fields.payloadType,
            sequenceNumber: fields.sequenceNumber,
            timestamp: fields.timestamp,
            ssrc: fields.ssrc,
            marker: fields.marker,
            csrc: fields.csrcs,
          });
          expect(new Uint8Array(theirs.payload)).toEqual(fields.payload);
          const header = new WeriftRtpHeader({ ...theirs.header });
          const back = RtpPacket.parse(new WeriftRtpPacket(header, theirs.payload).serialize());
          expect(back.serialize()).toEqual(ours);
        },
      ),
      { numRuns: 200 },
    );
  });

  it.each([
    ['truncated', hex('80 00 0001 00000000')],
    ['bad-version', hex('40 00 0001 00000000 00000001 ff')],
    ['truncated', hex('83 00 0001 00000000 00000001 11111111')], // CC=3 but one CSRC
    ['bad-extension', hex('90 00 0001 00000000 00000001 bede 0004 00000000')],
    ['bad-padding', hex('a0 00 0001 00000000 00000001 ff 00')], // padding count 0
    ['bad-padding', hex('a0 00 0001 00000000 00000001 ff 09')], // more padding than packet
    ['oversize', new Uint8Array(1501).fill(0x80)],
  ])('rejects %s input with a reason, never an exception from tryParse', (reason, bytes) => {
    const r = RtpPacket.tryParse(bytes);
    expect(r).toMatchObject({ ok: false, reason });
    expect(() => RtpPacket.parse(bytes)).toThrow(RtpParseError);
  });

  it('never throws from tryParse on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1600 }), (b) => void RtpPacket.tryParse(b)), { numRuns: 500 });
  });
});
