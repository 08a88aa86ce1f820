import type { UdpDatagram, UdpEndpoint } from '../pcap/index.js';
import { isRtcpPacket } from '../rtcp/index.js';
import { RtpPacket } from '../rtp/index.js';

export interface CapturedRtpPacket {
  arrivalMs: number;
  packet: RtpPacket;
}

export interface CapturedRtpStream {
  ssrc: number;
  source: UdpEndpoint;
  destination: UdpEndpoint;
  /** Payload types seen, with packet counts. */
  payloadTypes: Map<number, number>;
  packets: CapturedRtpPacket[];
}

/** A flow needs this many packets, mostly in sequence, to count as RTP and not stray UDP that happens to parse. */
const MIN_PACKETS = 5;

/**
 * Groups a capture's UDP datagrams into RTP streams by (SSRC, source,
 * destination). Any UDP payload can look like RTP by chance (SIP text starts
 * with letters whose top bits are 01, DNS and STUN rarely pass, but some do),
 * so a stream is kept only if most of its packets follow each other in
 * sequence number order, as RFC 3550 §A.1's probation expects of a real source.
 */
export function findRtpStreams(datagrams: readonly UdpDatagram[]): CapturedRtpStream[] {
  const flows = new Map<string, CapturedRtpStream>();
  for (const d of datagrams) {
    if (isRtcpPacket(d.payload)) continue;
    const r = RtpPacket.tryParse(d.payload);
    if (!r.ok) continue;
    const p = r.packet;
    const key = `${p.ssrc}|${d.source.address}|${d.source.port}|${d.destination.address}|${d.destination.port}`;
    let s = flows.get(key);
    if (!s) {
      s = { ssrc: p.ssrc, source: d.source, destination: d.destination, payloadTypes: new Map(), packets: [] };
      flows.set(key, s);
    }
    s.payloadTypes.set(p.payloadType, (s.payloadTypes.get(p.payloadType) ?? 0) + 1);
    s.packets.push({ arrivalMs: d.timestampMs, packet: p });
  }
  return [...flows.values()].filter(looksLikeRtp).sort((a, b) => b.packets.length - a.packets.length);
}

function looksLikeRtp(s: CapturedRtpStream): boolean {
  if (s.packets.length < MIN_PACKETS) return false;
  let sequential = 0;
  for (let i = 1; i < s.packets.length; i++) {
    const d = (s.packets[i]!.packet.sequenceNumber - s.packets[i - 1]!.packet.sequenceNumber) & 0xffff;
    if (d <= 3 || d >= 0xfffd) sequential++; // small gaps, duplicates and reordering still count
  }
  return sequential >= 0.8 * (s.packets.length - 1);
}
