import { describe, expect, it } from 'vitest';
import { RtpPacket, RtpSender } from '../../../../firmware/media/rtp/index.js';

function seeded(...values: number[]) {
  let i = 0;
  return () => values[i++ % values.length]!;
}

describe('RTP sender', () => {
  it('starts from random SSRC, sequence number and timestamp (RFC 3550 §5.1)', () => {
    const s = new RtpSender({ payloadType: 0, random: seeded(0xaabbccdd, 0x1fffe, 0x12345678) });
    expect(s.ssrc).toBe(0xaabbccdd);
    expect(s.sequenceNumber).toBe(0xfffe);
    expect(s.timestamp).toBe(0x12345678);
    const a = new RtpSender({ payloadType: 0 });
    const b = new RtpSender({ payloadType: 0 });
    expect([a.ssrc, a.timestamp]).not.toEqual([b.ssrc, b.timestamp]);
  });

  it('counts timestamps in samples, wraps the sequence number, and marks only talk-spurt starts', () => {
    const s = new RtpSender({ payloadType: 8, random: seeded(1, 0xffff, 0xffffffa0) });
    const payload = new Uint8Array(160).fill(0xd5);
    const out = new Uint8Array(172);
    const sent: RtpPacket[] = [];
    const send = () => sent.push(RtpPacket.parse(out.slice(0, s.packetize(payload, 160, 160, out))));
    send();
    send();
    s.skip(160 * 10); // 200 ms of suppressed silence
    send();
    send();
    expect(sent.map((p) => [p.sequenceNumber, p.timestamp, p.marker, p.payloadType])).toEqual([
      [0xffff, 0xffffffa0, true, 8],
      [0, 0x40, false, 8], // the 32-bit timestamp wraps too
      [1, 0x40 + 160 * 11, true, 8],
      [2, 0x40 + 160 * 12, false, 8],
    ]);
    expect(s.packetsSent).toBe(4);
    expect(s.octetsSent).toBe(640);
  });

  it('picks a different SSRC after a collision (§8.2)', () => {
    const s = new RtpSender({ payloadType: 0, random: seeded(7, 1, 2, 7, 9) });
    s.changeSsrc();
    expect(s.ssrc).toBe(9);
  });
});
