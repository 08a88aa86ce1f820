import { IPPROTO_TCP, IPPROTO_UDP, type CapturedPacket } from './capture-ring.js';
import { v4Mapped, type IpBytes } from './ip-address.js';

/*
 * Writes captured packets as a classic libpcap file (draft-ietf-opsawg-pcap
 * §4–5) with link type LINKTYPE_RAW (101): each record is an IPv4 or IPv6
 * packet with no link layer, so one file holds both families and no MAC
 * addresses have to be invented.
 *
 * The phone never sees its own IP, UDP or TCP headers, so they are
 * synthesised from the addresses the sockets report. Checksums are real:
 * IPv6 requires the UDP one (RFC 8200 §8.1), and a correct IPv4 one keeps
 * Wireshark's checksum validation (when turned on) quiet.
 *
 * SIP that crossed a TCP or TLS connection is written as TCP segments between
 * the connection's endpoints, with sequence numbers counted per direction,
 * so Wireshark follows the stream; TLS appears decrypted.
 */
export const LINKTYPE_RAW = 101;
const PCAP_MAGIC_MICROSECONDS = 0xa1b2c3d4;
const SNAPLEN = 65_535;
const IPV4_HEADER = 20;
const IPV6_HEADER = 40;
const UDP_HEADER = 8;
const TCP_HEADER = 20;
/** A TCP segment's payload stays below what an IPv4 total length can express. */
const MAX_SEGMENT = 65_535 - IPV6_HEADER - TCP_HEADER;
const TCP_PSH_ACK = 0x18;

/** The file's bytes; packets are written oldest first whatever order they come in. */
export function writePcap(packets: readonly CapturedPacket[]): Uint8Array {
  const ordered = [...packets].sort((a, b) => a.timestampMs - b.timestampMs);
  const records: Uint8Array[] = [];
  const tcp = new TcpSequencer();
  let ipId = 0;
  for (const p of ordered) {
    // A dual-stack socket can report one end as IPv4 and the other as IPv6: write both as IPv6.
    const mixed = p.source.ip.family !== p.destination.ip.family;
    const src = mixed ? v4Mapped(p.source.ip) : p.source.ip;
    const dst = mixed ? v4Mapped(p.destination.ip) : p.destination.ip;
    const segments = p.protocol === IPPROTO_TCP ? splitSegments(p.payload) : [p.payload];
    for (const payload of segments) {
      const transport =
        p.protocol === IPPROTO_UDP
          ? udpSegment(p.source.port, p.destination.port, payload)
          : tcp.segment(src, p.source.port, dst, p.destination.port, payload);
      setTransportChecksum(transport, p.protocol, src, dst);
      const packet = src.family === 4 ? ipv4Packet(src, dst, p.protocol, transport, (ipId = (ipId + 1) & 0xffff)) : ipv6Packet(src, dst, p.protocol, transport);
      records.push(recordHeader(p.timestampMs, packet.length), packet);
    }
  }
  const header = new Uint8Array(24);
  const h = new DataView(header.buffer);
  h.setUint32(0, PCAP_MAGIC_MICROSECONDS, true);
  h.setUint16(4, 2, true);
  h.setUint16(6, 4, true);
  h.setUint32(16, SNAPLEN, true);
  h.setUint32(20, LINKTYPE_RAW, true);
  let total = header.length;
  for (const r of records) total += r.length;
  const out = new Uint8Array(total);
  out.set(header, 0);
  let at = header.length;
  for (const r of records) {
    out.set(r, at);
    at += r.length;
  }
  return out;
}

function recordHeader(timestampMs: number, length: number): Uint8Array {
  const r = new Uint8Array(16);
  const v = new DataView(r.buffer);
  let seconds = Math.floor(timestampMs / 1000);
  let micros = Math.round((timestampMs - seconds * 1000) * 1000);
  if (micros >= 1_000_000) {
    seconds++;
    micros -= 1_000_000;
  }
  v.setUint32(0, seconds, true);
  v.setUint32(4, micros, true);
  v.setUint32(8, length, true);
  v.setUint32(12, length, true);
  return r;
}

function splitSegments(payload: Uint8Array): Uint8Array[] {
  if (payload.length <= MAX_SEGMENT) return [payload];
  const out: Uint8Array[] = [];
  for (let i = 0; i < payload.length; i += MAX_SEGMENT) out.push(payload.subarray(i, i + MAX_SEGMENT));
  return out;
}

// RFC 768: source port, destination port, length, checksum.
function udpSegment(sport: number, dport: number, payload: Uint8Array): Uint8Array {
  const s = new Uint8Array(UDP_HEADER + payload.length);
  const v = new DataView(s.buffer);
  v.setUint16(0, sport);
  v.setUint16(2, dport);
  v.setUint16(4, s.length);
  s.set(payload, UDP_HEADER);
  return s;
}

/** Sequence numbers per direction of each connection, so consecutive messages follow on (RFC 9293 §3.4). */
class TcpSequencer {
  private readonly next = new Map<string, number>();

  segment(src: IpBytes, sport: number, dst: IpBytes, dport: number, payload: Uint8Array): Uint8Array {
    const key = flowKey(src, sport, dst, dport);
    const seq = this.next.get(key) ?? 1;
    this.next.set(key, (seq + payload.length) >>> 0);
    const ack = this.next.get(flowKey(dst, dport, src, sport)) ?? 1;
    const s = new Uint8Array(TCP_HEADER + payload.length);
    const v = new DataView(s.buffer);
    // RFC 9293 §3.1 header: ports, sequence, acknowledgment, data offset, flags, window, checksum, urgent.
    v.setUint16(0, sport);
    v.setUint16(2, dport);
    v.setUint32(4, seq);
    v.setUint32(8, ack);
    v.setUint8(12, (TCP_HEADER / 4) << 4);
    v.setUint8(13, TCP_PSH_ACK);
    v.setUint16(14, 65_535);
    s.set(payload, TCP_HEADER);
    return s;
  }
}

function flowKey(a: IpBytes, ap: number, b: IpBytes, bp: number): string {
  return `${a.bytes.join('.')}|${ap}|${b.bytes.join('.')}|${bp}`;
}

function ipv4Packet(src: IpBytes, dst: IpBytes, protocol: number, transport: Uint8Array, id: number): Uint8Array {
  const p = new Uint8Array(IPV4_HEADER + transport.length);
  const v = new DataView(p.buffer);
  // RFC 791 §3.1: version 4, IHL 5; total length; identification; DF; TTL 64; protocol; checksum; addresses.
  v.setUint8(0, 0x45);
  v.setUint16(2, p.length);
  v.setUint16(4, id);
  v.setUint16(6, 0x4000);
  v.setUint8(8, 64);
  v.setUint8(9, protocol);
  p.set(src.bytes.subarray(0, 4), 12);
  p.set(dst.bytes.subarray(0, 4), 16);
  v.setUint16(10, internetChecksum(p.subarray(0, IPV4_HEADER), 0));
  p.set(transport, IPV4_HEADER);
  return p;
}

function ipv6Packet(src: IpBytes, dst: IpBytes, protocol: number, transport: Uint8Array): Uint8Array {
  const p = new Uint8Array(IPV6_HEADER + transport.length);
  const v = new DataView(p.buffer);
  // RFC 8200 §3: version 6, traffic class and flow label 0; payload length; next header; hop limit 64; addresses.
  v.setUint32(0, 0x6000_0000);
  v.setUint16(4, transport.length);
  v.setUint8(6, protocol);
  v.setUint8(7, 64);
  p.set(src.bytes, 8);
  p.set(dst.bytes, 24);
  p.set(transport, IPV6_HEADER);
  return p;
}

/** UDP and TCP checksums over the pseudo-header (RFC 768, RFC 9293 §3.1, RFC 8200 §8.1). */
function setTransportChecksum(segment: Uint8Array, protocol: number, src: IpBytes, dst: IpBytes): void {
  let sum = 0;
  const addrBytes = src.family === 4 ? 4 : 16;
  for (let i = 0; i < addrBytes; i += 2) {
    sum += (src.bytes[i]! << 8) | src.bytes[i + 1]!;
    sum += (dst.bytes[i]! << 8) | dst.bytes[i + 1]!;
  }
  sum += protocol;
  sum += segment.length >>> 16;
  sum += segment.length & 0xffff;
  let checksum = internetChecksum(segment, sum);
  // RFC 768: a computed UDP checksum of zero is sent as all ones (zero means "none").
  if (protocol === IPPROTO_UDP && checksum === 0) checksum = 0xffff;
  const at = protocol === IPPROTO_UDP ? 6 : 16;
  segment[at] = checksum >> 8;
  segment[at + 1] = checksum & 0xff;
}

/** RFC 1071 one's-complement sum of 16-bit words, starting from `initial` (the pseudo-header). */
function internetChecksum(data: Uint8Array, initial: number): number {
  let sum = initial;
  const even = data.length & ~1;
  for (let i = 0; i < even; i += 2) sum += (data[i]! << 8) | data[i + 1]!;
  if (data.length & 1) sum += data[data.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
