import { describe, expect, it } from 'vitest';
import { RtpPacket, RtpReceiver, type RemoteEndpoint } from '../../../../firmware/media/rtp/index.js';

const peer: RemoteEndpoint = { address: '203.0.113.5', port: 40000 };
const nat: RemoteEndpoint = { address: '198.51.100.7', port: 61000 };
const attacker: RemoteEndpoint = { address: '192.0.2.66', port: 5004 };

function rtp(seq: number, ssrc = 0x1111, pt = 0, ts = seq * 160): Uint8Array {
  return new RtpPacket({ payloadType: pt, sequenceNumber: seq, timestamp: ts, ssrc, payload: new Uint8Array(160) }).serialize();
}

function receiver() {
  return new RtpReceiver({ clockRate: 8000, expectedPayloadTypes: [0, 8, 13, 101], relatchAfterMs: 2000 });
}

describe('RTP receiver: validation (RFC 3550 §A.1)', () => {
  it('holds a new source in probation until two packets arrive in sequence, then plays it', () => {
    const r = receiver();
    expect(r.receive(rtp(10), peer, 0)).toBeUndefined();
    const second = r.receive(rtp(11), peer, 20);
    expect(second?.newSource).toBe(true);
    expect(second?.packet.sequenceNumber).toBe(11);
    expect(r.receive(rtp(12), peer, 40)?.newSource).toBe(false);
    expect(r.drops.probation).toBe(1);
  });

  it('counts and drops garbage, unknown payload types and truncated packets without throwing', () => {
    const r = receiver();
    r.receive(rtp(1), peer, 0);
    r.receive(rtp(2), peer, 20);
    expect(r.receive(new Uint8Array([1, 2, 3]), peer, 30)).toBeUndefined();
    expect(r.receive(new Uint8Array(40).fill(0xff), peer, 31)).toBeUndefined();
    expect(r.receive(rtp(3, 0x1111, 96), peer, 40)).toBeUndefined();
    expect(r.receive(rtp(3).subarray(0, 8), peer, 41)).toBeUndefined();
    expect(r.drops).toMatchObject({ truncated: 2, 'bad-version': 1, 'unexpected-payload-type': 1 });
    expect(r.receive(rtp(3), peer, 60)).toBeDefined();
  });

  it('drops a single wild sequence jump but follows a sender that restarted its numbering', () => {
    const r = receiver();
    for (let s = 100; s < 105; s++) r.receive(rtp(s), peer, s);
    expect(r.receive(rtp(40000), peer, 200)).toBeUndefined();
    expect(r.drops['bad-sequence']).toBe(1);
    const restarted = r.receive(rtp(40001), peer, 220);
    expect(restarted?.newSource).toBe(true);
    expect(r.source!.expected).toBe(1);
  });

  it('switches to a new SSRC from the latched address after probation (§8.2)', () => {
    const r = receiver();
    r.receive(rtp(1, 0xaaaa), peer, 0);
    r.receive(rtp(2, 0xaaaa), peer, 20);
    expect(r.receive(rtp(500, 0xbbbb), peer, 40)).toBeUndefined();
    const switched = r.receive(rtp(501, 0xbbbb), peer, 60);
    expect(switched?.newSource).toBe(true);
    expect(r.source!.ssrc).toBe(0xbbbb);
    expect(r.ssrcChanges).toBe(1);
  });
});

describe('RTP receiver: symmetric RTP (RFC 4961)', () => {
  it('latches to the address the media really comes from, not the one in the SDP', () => {
    const r = receiver();
    r.receive(rtp(1), nat, 0);
    r.receive(rtp(2), nat, 20);
    expect(r.remote).toEqual(nat);
  });

  it('ignores an injected stream from another address while the latched source is talking', () => {
    const r = receiver();
    r.receive(rtp(1), peer, 0);
    r.receive(rtp(2), peer, 20);
    for (let i = 0; i < 50; i++) expect(r.receive(rtp(9000 + i, 0x6666), attacker, 30 + i)).toBeUndefined();
    expect(r.drops['foreign-source']).toBe(50);
    expect(r.remote).toEqual(peer);
    expect(r.receive(rtp(3), peer, 40)).toBeDefined();
  });

  it('re-latches when the latched source has been silent (NAT rebinding, media moved)', () => {
    const r = receiver();
    r.receive(rtp(1), peer, 0);
    r.receive(rtp(2), peer, 20);
    expect(r.receive(rtp(3), nat, 1000)).toBeUndefined(); // still too soon
    expect(r.receive(rtp(4), nat, 2100)).toBeUndefined(); // probation from the new address
    expect(r.receive(rtp(5), nat, 2120)).toBeDefined();
    expect(r.remote).toEqual(nat);
    expect(r.relatches).toBe(1);
  });

  it('measures interarrival jitter as RFC 3550 §A.8 does', () => {
    const r = receiver();
    // Every other packet arrives 10 ms late: |D| = 10 ms = 80 timestamp units each time, so J converges to 80.
    for (let i = 0; i < 200; i++) r.receive(rtp(i), peer, 20 * i + (i % 2 ? 10 : 0));
    expect(r.source!.jitter).toBeGreaterThanOrEqual(79);
    expect(r.source!.jitter).toBeLessThanOrEqual(80);
    expect(r.source!.jitterMs).toBeCloseTo(r.source!.jitter / 8, 0);
  });

  it('keeps a timestamp jump out of the jitter estimate', () => {
    const r = receiver();
    for (let i = 0; i < 50; i++) r.receive(rtp(i), peer, 20 * i);
    // The sender restarts its timestamps 10 minutes ahead, sequence numbers continue.
    for (let i = 50; i < 60; i++) r.receive(rtp(i, 0x1111, 0, i * 160 + 8000 * 600), peer, 20 * i);
    expect(r.source!.timestampJumps).toBe(1);
    expect(r.source!.jitterMs).toBeLessThan(1);
  });

  it('computes cumulative and fractional loss as §A.3 does', () => {
    const r = receiver();
    for (let i = 0; i < 100; i++) if (i % 10 !== 5) r.receive(rtp(i), peer, 20 * i);
    const s = r.source!;
    // Source became valid at seq 1, so 99 expected (1–99) and 10 of them (5, 15, … 95) lost.
    expect(s.expected).toBe(99);
    expect(s.cumulativeLost).toBe(10);
    expect(s.takeFractionLost()).toBe(Math.floor((10 * 256) / 99));
    expect(s.takeFractionLost()).toBe(0);
  });
});
