import { describe, expect, it } from 'vitest';
import { parseRtcp, rtcpInterval, RtcpSession } from '../../../../firmware/media/rtcp/index.js';
import { RtpSource } from '../../../../firmware/media/rtp/index.js';

function local(ssrc: number) {
  return { ssrc, packetsSent: 0, octetsSent: 0, timestamp: 1000 };
}

describe('RTCP session', () => {
  it('sends an SR while we send RTP and an RR when we do not, each with SDES CNAME', () => {
    const me = local(0xaaaa);
    const s = new RtcpSession({ cname: 'alice@phone', local: me, random: () => 0.5 });
    const remote = new RtpSource(0xbbbb, 100, 8000);
    for (let q = 100; q < 110; q++) remote.update(q);
    expect(parseRtcp(s.buildReport(5000, [remote]))[0]!.type).toBe('rr');
    me.packetsSent = 50;
    me.octetsSent = 8000;
    const [sr, sdes] = parseRtcp(s.buildReport(10000, [remote]));
    expect(sr).toMatchObject({ type: 'sr', ssrc: 0xaaaa, sender: { packetCount: 50, octetCount: 8000, rtpTimestamp: 1000 } });
    expect(sdes).toMatchObject({ type: 'sdes', chunks: [{ ssrc: 0xaaaa, cname: 'alice@phone' }] });
  });

  it('measures round-trip time from the LSR and DLSR the peer echoes (§6.4.1)', () => {
    const me = local(0xaaaa);
    me.packetsSent = 10;
    const unixMsAtZero = Date.UTC(2026, 0, 1);
    const alice = new RtcpSession({ cname: 'a', local: me, unixMsAtZero, random: () => 0.5 });
    const bobLocal = local(0xbbbb);
    const bob = new RtcpSession({ cname: 'b', local: bobLocal, unixMsAtZero: unixMsAtZero + 123_456, random: () => 0.5 });
    const aliceSource = new RtpSource(0xaaaa, 1, 8000);
    aliceSource.update(1);
    aliceSource.update(2);

    const sr = alice.buildReport(1000, []); // sent at 1000 ms
    bob.receive(sr, 1000 + 40); // one-way 40 ms; bob's clock is offset, which must not matter
    const rr = bob.buildReport(1000 + 40 + 300, [aliceSource]); // bob holds it 300 ms
    alice.receive(rr, 1000 + 40 + 300 + 40);
    expect(alice.rttMs).toBeCloseTo(80, 0);
    expect(alice.remoteReport?.ssrc).toBe(0xaaaa);
  });

  it('reports BYE sources and counts garbage without throwing', () => {
    const s = new RtcpSession({ cname: 'a', local: local(1), random: () => 0.5 });
    const peer = new RtcpSession({ cname: 'b', local: local(2), random: () => 0.5 });
    expect(s.receive(peer.buildBye(0, [], 'bye'), 0)?.byes).toEqual([2]);
    expect(s.receive(new Uint8Array([0x80, 0xc9, 0, 9]), 1)).toBeUndefined();
    expect(s.receive(new Uint8Array(3), 2)).toBeUndefined();
    expect(s.drops['bad-length'] + s.drops.truncated).toBe(2);
  });

  it('spaces reports at the randomized interval of §6.3.1, the first after half the minimum', () => {
    const base = { members: 2, senders: 2, rtcpBandwidth: 500, weSent: true, avgRtcpSize: 100 };
    const compensation = Math.E - 1.5;
    // Below the 5 s minimum the minimum wins; randomization spans 0.5–1.5 of it.
    expect(rtcpInterval({ ...base, initial: false, random: 0 })).toBeCloseTo((5 * 0.5) / compensation, 6);
    expect(rtcpInterval({ ...base, initial: false, random: 0.999999 })).toBeCloseTo((5 * 1.5) / compensation, 4);
    expect(rtcpInterval({ ...base, initial: true, random: 0.5 })).toBeCloseTo(2.5 / compensation, 6);
    // A crowded session on little bandwidth: n × size / bw exceeds the minimum.
    expect(rtcpInterval({ ...base, members: 100, senders: 50, initial: false, random: 0.5 })).toBeCloseTo((100 * 100) / 500 / compensation, 6);
    // Senders are a quarter or fewer of the members: receivers share 75 % of the bandwidth.
    expect(rtcpInterval({ ...base, members: 100, senders: 1, weSent: false, initial: false, random: 0.5 })).toBeCloseTo((99 * 100) / 375 / compensation, 6);
    const s = new RtcpSession({ cname: 'a', local: local(1), random: () => 0.5 });
    expect(s.nextIntervalMs()).toBeCloseTo(2500 / compensation, 0);
  });
});
