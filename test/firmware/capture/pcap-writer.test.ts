import { describe, expect, it } from 'vitest';
import { CaptureRing, decodeSnapshot, encodeIp, IPPROTO_TCP, IPPROTO_UDP, writePcap, type CapturedPacket } from '../../../firmware/capture/index.js';
import { LINKTYPE_RAW, readPcap, udpDatagrams } from '../../../firmware/media/pcap/index.js';

const text = (s: string) => new TextEncoder().encode(s);

function udp(timestampMs: number, src: string, sport: number, dst: string, dport: number, payload: Uint8Array): CapturedPacket {
  return { timestampMs, protocol: IPPROTO_UDP, source: { ip: encodeIp(src), port: sport }, destination: { ip: encodeIp(dst), port: dport }, payload };
}

function tcp(timestampMs: number, src: string, sport: number, dst: string, dport: number, payload: Uint8Array): CapturedPacket {
  return { ...udp(timestampMs, src, sport, dst, dport, payload), protocol: IPPROTO_TCP };
}

/** RFC 1071: summing a header or segment with its checksum in place gives 0xffff. */
function onesComplementSum(data: Uint8Array, initial = 0): number {
  let sum = initial;
  for (let i = 0; i < data.length; i += 2) sum += (data[i]! << 8) | (data[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

function pseudoHeaderSum(ip: Uint8Array, v6: boolean, protocol: number, length: number): number {
  const addrs = v6 ? ip.subarray(8, 40) : ip.subarray(12, 20);
  return onesComplementSum(addrs) + protocol + (length >>> 16) + (length & 0xffff);
}

describe('writePcap', () => {
  it('writes a libpcap file of raw IP packets that the phone’s own pcap reader reads back datagram for datagram', () => {
    const invite = text('INVITE sip:202@lab.test SIP/2.0\r\nContent-Length: 0\r\n\r\n');
    const rtp = Uint8Array.from({ length: 172 }, (_, i) => i & 0xff);
    const v6 = text('OPTIONS sip:[2001:db8::2] SIP/2.0\r\n\r\n');
    const file = readPcap(
      writePcap([
        udp(1_764_086_400_000.25, '192.0.2.10', 5060, '198.51.100.7', 5070, invite),
        udp(1_764_086_400_020.5, '192.0.2.10', 40000, '198.51.100.9', 30000, rtp),
        udp(1_764_086_400_040, '2001:db8::1', 5060, '2001:db8::2', 5060, v6),
      ]),
    );
    expect(file.linkType).toBe(LINKTYPE_RAW);
    expect(file.nanosecond).toBe(false);
    const got = udpDatagrams(file);
    expect(got.map((d) => [d.source, d.destination])).toEqual([
      [{ address: '192.0.2.10', port: 5060 }, { address: '198.51.100.7', port: 5070 }],
      [{ address: '192.0.2.10', port: 40000 }, { address: '198.51.100.9', port: 30000 }],
      [{ address: '2001:db8::1', port: 5060 }, { address: '2001:db8::2', port: 5060 }],
    ]);
    expect(got[0]!.payload).toEqual(invite);
    expect(got[1]!.payload).toEqual(rtp);
    expect(got[2]!.payload).toEqual(v6);
    // Microsecond timestamps.
    expect(got[0]!.timestampMs).toBeCloseTo(1_764_086_400_000.25, 3);
    expect(got[1]!.timestampMs).toBeCloseTo(1_764_086_400_020.5, 3);
  });

  it('puts packets in time order whichever ring they came from', () => {
    const file = readPcap(
      writePcap([udp(3000, '10.0.0.1', 1, '10.0.0.2', 2, text('c')), udp(1000, '10.0.0.1', 1, '10.0.0.2', 2, text('a')), udp(2000, '10.0.0.1', 1, '10.0.0.2', 2, text('b'))]),
    );
    expect(udpDatagrams(file).map((d) => new TextDecoder().decode(d.payload))).toEqual(['a', 'b', 'c']);
  });

  it('writes valid IPv4 header checksums and UDP checksums over the pseudo-header (IPv4 and IPv6, odd lengths)', () => {
    const file = readPcap(writePcap([udp(1, '192.0.2.10', 5060, '198.51.100.7', 5070, text('odd')), udp(2, '2001:db8::1', 6000, '2001:db8::2', 6002, text('evenn!'))]));
    const [v4, v6] = file.records.map((r) => r.data);
    expect(onesComplementSum(v4!.subarray(0, 20))).toBe(0xffff);
    const udp4 = v4!.subarray(20);
    expect((udp4[6]! << 8) | udp4[7]!).not.toBe(0);
    expect(onesComplementSum(udp4, pseudoHeaderSum(v4!, false, 17, udp4.length))).toBe(0xffff);
    const udp6 = v6!.subarray(40);
    // RFC 8200 §8.1: IPv6 UDP must carry a checksum.
    expect((udp6[6]! << 8) | udp6[7]!).not.toBe(0);
    expect(onesComplementSum(udp6, pseudoHeaderSum(v6!, true, 17, udp6.length))).toBe(0xffff);
  });

  it('writes SIP over TCP as segments whose sequence numbers follow on in each direction', () => {
    const a = text('REGISTER sip:lab.test SIP/2.0\r\nContent-Length: 0\r\n\r\n');
    const b = text('SIP/2.0 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
    const c = text('REGISTER sip:lab.test SIP/2.0\r\nAuthorization: Digest x\r\nContent-Length: 0\r\n\r\n');
    const file = readPcap(
      writePcap([tcp(1, '127.0.0.1', 41000, '127.0.0.1', 5070, a), tcp(2, '127.0.0.1', 5070, '127.0.0.1', 41000, b), tcp(3, '127.0.0.1', 41000, '127.0.0.1', 5070, c)]),
    );
    const segs = file.records.map((r) => {
      const ip = r.data;
      expect(ip[9]).toBe(6);
      const t = ip.subarray(20);
      const v = new DataView(t.buffer, t.byteOffset);
      expect(onesComplementSum(t, pseudoHeaderSum(ip, false, 6, t.length))).toBe(0xffff);
      return { seq: v.getUint32(4), ack: v.getUint32(8), flags: t[13], payload: t.subarray((t[12]! >> 4) * 4) };
    });
    expect(segs[0]).toMatchObject({ seq: 1, flags: 0x18 });
    expect(segs[1]).toMatchObject({ seq: 1, ack: 1 + a.length });
    expect(segs[2]).toMatchObject({ seq: 1 + a.length, ack: 1 + b.length });
    expect(segs[2]!.payload).toEqual(c);
    // TCP is not UDP: the replay tool's reader leaves it alone.
    expect(udpDatagrams(file)).toEqual([]);
  });

  it('cuts a SIP message larger than one IP packet into TCP segments that follow on', () => {
    const big = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7) & 0xff);
    const file = readPcap(writePcap([tcp(1, '127.0.0.1', 41000, '127.0.0.1', 5070, big), tcp(2, '::1', 41000, '::1', 5070, big)]));
    const v4 = file.records.filter((r) => r.data[0]! >> 4 === 4).map((r) => r.data);
    expect(v4.length).toBe(2);
    const seq = v4.map((ip) => new DataView(ip.buffer, ip.byteOffset).getUint32(24));
    const payloads = v4.map((ip) => ip.subarray(40));
    expect(seq[1]).toBe(seq[0]! + payloads[0]!.length);
    const joined = new Uint8Array(100_000);
    joined.set(payloads[0]!, 0);
    joined.set(payloads[1]!, payloads[0]!.length);
    expect(joined).toEqual(big);
    // IPv6 too: every record's IP length fits its header field.
    for (const r of file.records) expect(r.data.length).toBeLessThanOrEqual(65_535 + 40);
    expect(file.records.length).toBe(4);
  });

  it('writes a packet whose ends differ in family (dual-stack socket) as IPv6 with the IPv4 end mapped', () => {
    const file = readPcap(writePcap([udp(1, '::1', 5060, '127.0.0.1', 5070, text('x'))]));
    expect(udpDatagrams(file)[0]!.destination.address).toBe('::ffff:7f00:1');
  });

  it('a file written from a full IPv4 ring is no larger than the ring plus the 24-byte file header', () => {
    const ring = new CaptureRing(64 * 1024);
    const local = encodeIp('192.0.2.10');
    const remote = encodeIp('192.0.2.20');
    for (let n = 0; n < 5000; n++) ring.add(n * 20, n % 7 === 0 ? IPPROTO_TCP : IPPROTO_UDP, local, 4000, remote, 4002, new Uint8Array(n % 2 ? 172 : 33));
    const bytes = writePcap(decodeSnapshot(ring.snapshot()));
    expect(bytes.length).toBeLessThanOrEqual(64 * 1024 + 24);
    expect(readPcap(bytes).records.length).toBe(ring.packets);
  });

  it('an empty capture is a valid file with no packets', () => {
    const file = readPcap(writePcap([]));
    expect(file.records).toEqual([]);
    expect(file.snapLength).toBe(65535);
  });
});
