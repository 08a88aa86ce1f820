import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RtcpPacketConverter, RtcpRrPacket, RtcpReceiverInfo, RtcpSrPacket, RtcpSenderInfo } from 'werift-rtp';
import { isRtcpPacket, parseRtcp, RtcpParseError, serializeRtcp, tryParseRtcp, type RtcpPacket } from '../../../../firmware/media/rtcp/index.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

describe('RTCP packets (RFC 3550 §6.4–6.6)', () => {
  // SR with one report block, then SDES CNAME "ab" (§6.1 compound order): the chunk is SSRC, item
  // type 1 length 2 "ab", then a null octet and padding to 32 bits.
  const goldenBytes = hex(`
    81 c8 000c 11223344 e5a1b2c3 80000000 00001f40 0000000a 00000640
    55667788 19fffffe 0001000c 00000020 b2c38000 00010000
    81 ca 0003 11223344 01026162 00000000`);

  it('parses a compound SR + SDES from golden bytes', () => {
    const [sr, sdes] = parseRtcp(goldenBytes);
    expect(sr).toEqual({
      type: 'sr',
      ssrc: 0x11223344,
      sender: { ntpSeconds: 0xe5a1b2c3, ntpFraction: 0x80000000, rtpTimestamp: 8000, packetCount: 10, octetCount: 1600 },
      reports: [{ ssrc: 0x55667788, fractionLost: 0x19, cumulativeLost: -2, extendedHighestSeq: 0x1000c, jitter: 32, lastSr: 0xb2c38000, delaySinceLastSr: 0x10000 }],
    });
    expect(sdes).toMatchObject({ type: 'sdes', chunks: [{ ssrc: 0x11223344, cname: 'ab' }] });
    expect(serializeRtcp([sr!, sdes!])).toEqual(goldenBytes);
  });

  it('round-trips RR, SDES and BYE with a reason', () => {
    const packets: RtcpPacket[] = [
      { type: 'rr', ssrc: 7, reports: [] },
      { type: 'sdes', chunks: [{ ssrc: 7, cname: 'phone@192.0.2.1', items: [{ type: 1, text: 'phone@192.0.2.1' }] }] },
      { type: 'bye', ssrcs: [7], reason: 'hung up' },
    ];
    expect(parseRtcp(serializeRtcp(packets))).toEqual(packets);
  });

  it('agrees with werift-rtp on SR and RR report blocks', () => {
    const block = fc.record({
      ssrc: fc.nat({ max: 0xffffffff }),
      fractionLost: fc.integer({ min: 0, max: 255 }),
      cumulativeLost: fc.integer({ min: 0, max: 0x7fffff }),
      extendedHighestSeq: fc.nat({ max: 0xffffffff }),
      jitter: fc.nat({ max: 0xffffffff }),
      lastSr: fc.nat({ max: 0xffffffff }),
      delaySinceLastSr: fc.nat({ max: 0xffffffff }),
    });
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.array(block, { maxLength: 5 }), fc.boolean(), (ssrc, reports, isSr) => {
        const ours: RtcpPacket = isSr
          ? { type: 'sr', ssrc, sender: { ntpSeconds: 0xe0000000, ntpFraction: 0x1234, rtpTimestamp: 99, packetCount: 3, octetCount: 480 }, reports }
          : { type: 'rr', ssrc, reports };
        const theirs = RtcpPacketConverter.deSerialize(Buffer.from(serializeRtcp([ours])))[0] as RtcpSrPacket | RtcpRrPacket;
        expect(theirs.ssrc).toBe(ssrc);
        expect(theirs.reports.map((r) => [r.ssrc, r.fractionLost, r.packetsLost, r.highestSequence, r.jitter, r.lsr, r.dlsr])).toEqual(
          reports.map((r) => [r.ssrc, r.fractionLost, r.cumulativeLost, r.extendedHighestSeq, r.jitter, r.lastSr, r.delaySinceLastSr]),
        );
        // And back: werift's bytes parse to the same packet.
        const infos = reports.map(
          (r) => new RtcpReceiverInfo({ ssrc: r.ssrc, fractionLost: r.fractionLost, packetsLost: r.cumulativeLost, highestSequence: r.extendedHighestSeq, jitter: r.jitter, lsr: r.lastSr, dlsr: r.delaySinceLastSr }),
        );
        const bytes = isSr
          ? new RtcpSrPacket({ ssrc, senderInfo: new RtcpSenderInfo({ ntpTimestamp: (0xe0000000n << 32n) | 0x1234n, rtpTimestamp: 99, packetCount: 3, octetCount: 480 }), reports: infos }).serialize()
          : new RtcpRrPacket({ ssrc, reports: infos }).serialize();
        expect(parseRtcp(bytes)).toEqual([ours]);
      }),
      { numRuns: 100 },
    );
  });

  it.each([
    ['truncated', hex('81c8')],
    ['bad-version', hex('41c90001 00000001')],
    ['bad-length', hex('80c90005 00000001')],
    ['not-report-first', hex('81ca0002 00000001 00000000')],
    ['bad-padding', hex('a0c90001 00000000')], // padding flag with a padding count of 0
    ['bad-length', hex('81c90001 00000001')], // RC=1 but no report block
    ['bad-item', hex('80c90001 00000001 81ca0002 00000001 01ff6162')],
  ])('rejects %s input with a reason, without throwing from tryParseRtcp', (reason, bytes) => {
    expect(tryParseRtcp(bytes)).toMatchObject({ ok: false, reason });
    expect(() => parseRtcp(bytes)).toThrow(RtcpParseError);
  });

  it('never throws from tryParseRtcp on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => void tryParseRtcp(b)), { numRuns: 500 });
  });

  it('tells RTCP from RTP on a muxed port by the second octet (RFC 5761 §4)', () => {
    expect(isRtcpPacket(goldenBytes)).toBe(true);
    expect(isRtcpPacket(hex('80 00 0001 00000000 00000001'))).toBe(false); // PCMU
    expect(isRtcpPacket(hex('80 e5 0001 00000000 00000001'))).toBe(false); // marker + PT 101
    expect(isRtcpPacket(hex('80 c9 0001 00000001'))).toBe(true);
    expect(isRtcpPacket(hex('00 c9'))).toBe(false);
  });
});
