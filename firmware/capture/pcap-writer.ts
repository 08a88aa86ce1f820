import { CaptureError } from './capture-error.js';
import { IPPROTO_TCP, IPPROTO_UDP, type CapturedPacket } from './capture-ring.js';
import { v4Mapped, type IpBytes } from './ip-address.js';
// The reader's constant (media/pcap, which `deskphone media replay` reads these files with).
import { LINKTYPE_RAW } from '../media/pcap/pcap-file.js';

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
const PCAP_MAGIC_MICROSECONDS = 0xa1b2c3d4;
const SNAPLEN = 65_535;
const IPV4_HEADER = 20;
const IPV6_HEADER = 40;
const UDP_HEADER = 8;
const TCP_HEADER = 20;
/** A TCP segment's payload stays below what an IPv4 total length can express. */
const MAX_SEGMENT = 65_535 - IPV6_HEADER - TCP_HEADER;
const TCP_PSH_ACK = 0x18;

/**
 * The file's bytes; packets are written oldest first whatever order they come
 * in. Everything is written in place into one buffer sized up front: a 2 MB
 * download must not hold the main thread (SIP, web) for long.
 */
export function writePcap(packets: readonly CapturedPacket[]): Uint8Array {
  const ordered = [...packets].sort((a, b) => a.timestampMs - b.timestampMs);
  let total = 24;
  for (const p of ordered) {
    const family = p.source.ip.family === 4 && p.destination.ip.family === 4 ? 4 : 6;
    const overhead = 16 + (family === 4 ? IPV4_HEADER : IPV6_HEADER) + (p.protocol === IPPROTO_UDP ? UDP_HEADER : TCP_HEADER);
    const segments = p.protocol === IPPROTO_TCP ? Math.max(1, Math.ceil(p.payload.length / MAX_SEGMENT)) : 1;
    total += segments * overhead + p.payload.length;
  }
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint32(0, PCAP_MAGIC_MICROSECONDS, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setUint32(16, SNAPLEN, true);
  v.setUint32(20, LINKTYPE_RAW, true);
  let at = 24;
  const tcp = new TcpSequencer();
  let ipId = 0;
  for (const p of ordered) {
    // A dual-stack socket can report one end as IPv4 and the other as IPv6: write both as IPv6.
    const mixed = p.source.ip.family !== p.destination.ip.family;
    const src = mixed ? v4Mapped(p.source.ip) : p.source.ip;
    const dst = mixed ? v4Mapped(p.destination.ip) : p.destination.ip;
    const segments = p.protocol === IPPROTO_TCP ? splitSegments(p.payload) : [p.payload];
    for (const payload of segments) {
      const ipHeader = src.family === 4 ? IPV4_HEADER : IPV6_HEADER;
      const transportHeader = p.protocol === IPPROTO_UDP ? UDP_HEADER : TCP_HEADER;
      const ipLength = ipHeader + transportHeader + payload.length;
      writeRecordHeader(v, at, p.timestampMs, ipLength);
      const ipAt = at + 16;
      const tAt = ipAt + ipHeader;
      if (src.family === 4) writeIpv4Header(out, v, ipAt, src, dst, p.protocol, ipLength, (ipId = (ipId + 1) & 0xffff));
      else writeIpv6Header(out, v, ipAt, src, dst, p.protocol, transportHeader + payload.length);
      if (p.protocol === IPPROTO_UDP) writeUdpHeader(v, tAt, p.source.port, p.destination.port, UDP_HEADER + payload.length);
      else tcp.writeHeader(v, tAt, src, p.source.port, dst, p.destination.port, payload.length);
      out.set(payload, tAt + transportHeader);
      setTransportChecksum(out, tAt, transportHeader + payload.length, p.protocol, src, dst);
      at = ipAt + ipLength;
    }
  }
  // Sized up front: a mismatch would leave zero bytes that read as empty records, so fail loudly instead.
  if (at !== total) throw new CaptureError('CAPTURE_DAMAGED', `pcap writer sized ${total} bytes but wrote ${at}`);
  return out;
}

function writeRecordHeader(v: DataView, at: number, timestampMs: number, length: number): void {
  let seconds = Math.floor(timestampMs / 1000);
  let micros = Math.round((timestampMs - seconds * 1000) * 1000);
  if (micros >= 1_000_000) {
    seconds++;
    micros -= 1_000_000;
  }
  v.setUint32(at, seconds, true);
  v.setUint32(at + 4, micros, true);
  v.setUint32(at + 8, length, true);
  v.setUint32(at + 12, length, true);
}

function splitSegments(payload: Uint8Array): Uint8Array[] {
  if (payload.length <= MAX_SEGMENT) return [payload];
  const out: Uint8Array[] = [];
  for (let i = 0; i < payload.length; i += MAX_SEGMENT) out.push(payload.subarray(i, i + MAX_SEGMENT));
  return out;
}

// RFC 768: source port, destination port, length, checksum (filled in later).
function writeUdpHeader(v: DataView, at: number, sport: number, dport: number, length: number): void {
  v.setUint16(at, sport);
  v.setUint16(at + 2, dport);
  v.setUint16(at + 4, length);
}

/** Sequence numbers per direction of each connection, so consecutive messages follow on (RFC 9293 §3.4). */
class TcpSequencer {
  private readonly next = new Map<string, number>();

  writeHeader(v: DataView, at: number, src: IpBytes, sport: number, dst: IpBytes, dport: number, payloadLength: number): void {
    const key = flowKey(src, sport, dst, dport);
    const seq = this.next.get(key) ?? 1;
    this.next.set(key, (seq + payloadLength) >>> 0);
    const ack = this.next.get(flowKey(dst, dport, src, sport)) ?? 1;
    // RFC 9293 §3.1 header: ports, sequence, acknowledgment, data offset, flags, window, checksum, urgent.
    v.setUint16(at, sport);
    v.setUint16(at + 2, dport);
    v.setUint32(at + 4, seq);
    v.setUint32(at + 8, ack);
    v.setUint8(at + 12, (TCP_HEADER / 4) << 4);
    v.setUint8(at + 13, TCP_PSH_ACK);
    v.setUint16(at + 14, 65_535);
  }
}

function flowKey(a: IpBytes, ap: number, b: IpBytes, bp: number): string {
  return `${a.bytes.join('.')}|${ap}|${b.bytes.join('.')}|${bp}`;
}

function writeIpv4Header(out: Uint8Array, v: DataView, at: number, src: IpBytes, dst: IpBytes, protocol: number, totalLength: number, id: number): void {
  // RFC 791 §3.1: version 4, IHL 5; total length; identification; DF; TTL 64; protocol; checksum; addresses.
  v.setUint8(at, 0x45);
  v.setUint16(at + 2, totalLength);
  v.setUint16(at + 4, id);
  v.setUint16(at + 6, 0x4000);
  v.setUint8(at + 8, 64);
  v.setUint8(at + 9, protocol);
  out.set(src.bytes.subarray(0, 4), at + 12);
  out.set(dst.bytes.subarray(0, 4), at + 16);
  v.setUint16(at + 10, internetChecksum(out, at, IPV4_HEADER, 0));
}

function writeIpv6Header(out: Uint8Array, v: DataView, at: number, src: IpBytes, dst: IpBytes, protocol: number, payloadLength: number): void {
  // RFC 8200 §3: version 6, traffic class and flow label 0; payload length; next header; hop limit 64; addresses.
  v.setUint32(at, 0x6000_0000);
  v.setUint16(at + 4, payloadLength);
  v.setUint8(at + 6, protocol);
  v.setUint8(at + 7, 64);
  out.set(src.bytes, at + 8);
  out.set(dst.bytes, at + 24);
}

/** UDP and TCP checksums over the pseudo-header (RFC 768, RFC 9293 §3.1, RFC 8200 §8.1). */
function setTransportChecksum(out: Uint8Array, at: number, length: number, protocol: number, src: IpBytes, dst: IpBytes): void {
  let sum = 0;
  const addrBytes = src.family === 4 ? 4 : 16;
  for (let i = 0; i < addrBytes; i += 2) {
    sum += (src.bytes[i]! << 8) | src.bytes[i + 1]!;
    sum += (dst.bytes[i]! << 8) | dst.bytes[i + 1]!;
  }
  sum += protocol;
  sum += length >>> 16;
  sum += length & 0xffff;
  let checksum = internetChecksum(out, at, length, sum);
  // RFC 768: a computed UDP checksum of zero is sent as all ones (zero means "none").
  if (protocol === IPPROTO_UDP && checksum === 0) checksum = 0xffff;
  const field = at + (protocol === IPPROTO_UDP ? 6 : 16);
  out[field] = checksum >> 8;
  out[field + 1] = checksum & 0xff;
}

/** RFC 1071 one's-complement sum of the 16-bit words of data[at, at + length), starting from `initial` (the pseudo-header). */
function internetChecksum(data: Uint8Array, at: number, length: number, initial: number): number {
  let sum = initial;
  const end = at + (length & ~1);
  for (let i = at; i < end; i += 2) sum += (data[i]! << 8) | data[i + 1]!;
  if (length & 1) sum += data[at + length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
