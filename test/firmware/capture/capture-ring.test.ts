import { describe, expect, it } from 'vitest';
import { CaptureError, CaptureRing, decodeSnapshot, encodeIp, ENTRY_HEADER_BYTES, IPPROTO_TCP, IPPROTO_UDP } from '../../../firmware/capture/index.js';

const phone = encodeIp('192.0.2.10');
const pbx = encodeIp('198.51.100.7');

/** A payload whose bytes say which packet it is. */
function packet(n: number, length = 100): Uint8Array {
  const p = new Uint8Array(length);
  new DataView(p.buffer).setUint32(0, n);
  return p;
}
const idOf = (payload: Uint8Array) => new DataView(payload.buffer, payload.byteOffset).getUint32(0);

function held(ring: CaptureRing): number[] {
  return decodeSnapshot(ring.snapshot()).map((p) => idOf(p.payload));
}

describe('CaptureRing', () => {
  it('gives back every packet with its time, protocol, addresses and ports, oldest first', () => {
    const ring = new CaptureRing(4096);
    ring.add(1_700_000_000_123.456, IPPROTO_UDP, phone, 5060, pbx, 5070, new TextEncoder().encode('REGISTER sip:lab.test SIP/2.0\r\n\r\n'));
    ring.add(1_700_000_000_200, IPPROTO_TCP, pbx, 5070, phone, 40000, packet(2, 13));
    const [a, b] = decodeSnapshot(ring.snapshot());
    expect(a).toMatchObject({ timestampMs: 1_700_000_000_123.456, protocol: IPPROTO_UDP, source: { port: 5060 }, destination: { port: 5070 } });
    expect(a!.source.ip).toEqual(phone);
    expect(a!.destination.ip).toEqual(pbx);
    expect(new TextDecoder().decode(a!.payload)).toBe('REGISTER sip:lab.test SIP/2.0\r\n\r\n');
    expect(b).toMatchObject({ protocol: IPPROTO_TCP, source: { port: 5070 }, destination: { port: 40000 } });
    expect(b!.payload.length).toBe(13);
    expect(ring.packets).toBe(2);
  });

  it('copies the packet: the sender may reuse its buffer at once', () => {
    const ring = new CaptureRing(1024);
    const buf = packet(7);
    ring.add(1, IPPROTO_UDP, phone, 1, pbx, 2, buf);
    buf.fill(0);
    expect(held(ring)).toEqual([7]);
  });

  it('records only the given slice of a larger buffer', () => {
    const ring = new CaptureRing(1024);
    const pool = new Uint8Array(1500).fill(0xaa);
    pool.set([1, 2, 3], 0);
    ring.add(1, IPPROTO_UDP, phone, 1, pbx, 2, pool, 0, 3);
    expect([...decodeSnapshot(ring.snapshot())[0]!.payload]).toEqual([1, 2, 3]);
  });

  it('once full, overwrites the oldest packets and keeps the newest, in order, through many wrap-arounds', () => {
    const entry = ENTRY_HEADER_BYTES + 100;
    const ring = new CaptureRing(entry * 10 + 30); // ten entries and a tail too short for an eleventh
    for (let n = 1; n <= 1000; n++) {
      ring.add(n, IPPROTO_UDP, phone, 4000, pbx, 4002, packet(n));
      const ids = held(ring);
      expect(ids.at(-1)).toBe(n);
      expect(ids).toEqual(ids.map((_, i) => n - ids.length + 1 + i)); // consecutive: nothing lost from the middle
      expect(ring.usedBytes).toBeLessThanOrEqual(ring.capacityBytes);
    }
    expect(ring.packets).toBe(10);
    expect(ring.dropped.overwritten).toBe(990);
  });

  it('never holds more than its size with packets of mixed lengths', () => {
    const ring = new CaptureRing(8192);
    let seed = 1;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff) / 0x7fffffff);
    for (let n = 1; n <= 3000; n++) {
      const length = 4 + Math.floor(random() * 1400);
      ring.add(n, IPPROTO_UDP, phone, 1, pbx, 2, packet(n, length));
      const ids = held(ring);
      expect(ids.at(-1)).toBe(n);
      expect(ids[ids.length - 1]! - ids[0]! + 1).toBe(ids.length);
      expect(ring.snapshot().length).toBeLessThanOrEqual(8192);
    }
  });

  it('refuses a packet larger than the whole ring and keeps what it had', () => {
    const ring = new CaptureRing(512);
    ring.add(1, IPPROTO_UDP, phone, 1, pbx, 2, packet(1, 40));
    expect(ring.add(2, IPPROTO_UDP, phone, 1, pbx, 2, packet(2, 1000))).toBe(false);
    expect(held(ring)).toEqual([1]);
    expect(ring.dropped.tooLarge).toBe(1);
  });

  it('a packet as large as the ring replaces everything', () => {
    const ring = new CaptureRing(ENTRY_HEADER_BYTES + 400);
    ring.add(1, IPPROTO_UDP, phone, 1, pbx, 2, packet(1, 100));
    ring.add(2, IPPROTO_UDP, phone, 1, pbx, 2, packet(2, 100));
    ring.add(3, IPPROTO_UDP, phone, 1, pbx, 2, packet(3, 400));
    expect(held(ring)).toEqual([3]);
    ring.add(4, IPPROTO_UDP, phone, 1, pbx, 2, packet(4, 100));
    expect(held(ring)).toEqual([4]);
  });

  it('is empty after clear()', () => {
    const ring = new CaptureRing(1024);
    ring.add(1, IPPROTO_UDP, phone, 1, pbx, 2, packet(1));
    ring.clear();
    expect(ring.packets).toBe(0);
    expect(ring.snapshot().length).toBe(0);
  });

  it('rejects a size too small for one packet', () => {
    expect(() => new CaptureRing(10)).toThrow(CaptureError);
  });

  it('reports a damaged snapshot instead of reading garbage', () => {
    const ring = new CaptureRing(1024);
    ring.add(1, IPPROTO_UDP, phone, 1, pbx, 2, packet(1));
    const snap = ring.snapshot();
    expect(() => decodeSnapshot(snap.subarray(0, snap.length - 10))).toThrow(/damaged/);
    snap[18] = 99; // not TCP or UDP
    expect(() => decodeSnapshot(snap)).toThrow(CaptureError);
  });
});

describe('encodeIp', () => {
  it('reads IPv4, IPv6 (compressed, with an IPv4 tail, with a zone) and turns v4-mapped addresses into IPv4', () => {
    expect(encodeIp('127.0.0.1')).toEqual({ family: 4, bytes: Uint8Array.from([127, 0, 0, 1, ...new Array(12).fill(0)]) });
    expect(encodeIp('::1').bytes[15]).toBe(1);
    expect(encodeIp('::1').family).toBe(6);
    expect([...encodeIp('2001:db8::7:1').bytes]).toEqual([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 0, 1]);
    expect([...encodeIp('64:ff9b::192.0.2.33').bytes.subarray(12)]).toEqual([192, 0, 2, 33]);
    expect(encodeIp('fe80::1%eth0').bytes[0]).toBe(0xfe);
    expect(encodeIp('::ffff:10.1.2.3')).toEqual(encodeIp('10.1.2.3'));
    expect(encodeIp('[::1]')).toEqual(encodeIp('::1'));
  });

  it('refuses text that is not an address', () => {
    for (const bad of ['pbx.example.com', '1.2.3', '256.1.1.1', '1::2::3', '12345::', '1:2:3:4:5:6:7:8:9']) {
      expect(() => encodeIp(bad), bad).toThrow(CaptureError);
    }
  });
});
