import { PcapError } from './pcap-errors.js';
import { LINKTYPE_ETHERNET, LINKTYPE_IPV4, LINKTYPE_IPV6, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_NULL, LINKTYPE_RAW, type PcapFile } from './pcap-file.js';

export interface UdpEndpoint {
  address: string;
  port: number;
}

export interface UdpDatagram {
  /** Capture time, ms since the Unix epoch. */
  timestampMs: number;
  source: UdpEndpoint;
  destination: UdpEndpoint;
  payload: Uint8Array;
}

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = [0x8100, 0x88a8, 0x9100];
const IPPROTO_UDP = 17;
/** IPv6 extension headers we step over to reach UDP (RFC 8200 §4). */
const IPV6_EXTENSIONS = new Set([0, 43, 60]);
const IPV6_FRAGMENT = 44;

/**
 * Extracts every UDP datagram from a capture: Ethernet (with VLAN tags),
 * Linux cooked v1 and v2, raw IP and BSD loopback link types; IPv4 and IPv6.
 * Frames that are not UDP, are fragments (RTP is never fragmented in
 * practice), or are cut short by the snap length are skipped.
 */
export function udpDatagrams(file: PcapFile): UdpDatagram[] {
  const out: UdpDatagram[] = [];
  for (const r of file.records) {
    const ip = networkLayer(file.linkType, r.data);
    if (!ip) continue;
    const d = ip.version === 4 ? fromIpv4(ip.bytes) : fromIpv6(ip.bytes);
    if (d) out.push({ timestampMs: r.timestampMs, ...d });
  }
  return out;
}

function networkLayer(linkType: number, f: Uint8Array): { version: 4 | 6; bytes: Uint8Array } | undefined {
  let etherType: number;
  let offset: number;
  switch (linkType) {
    case LINKTYPE_ETHERNET: {
      if (f.length < 14) return undefined;
      offset = 12;
      etherType = (f[offset]! << 8) | f[offset + 1]!;
      offset += 2;
      while (ETHERTYPE_VLAN.includes(etherType) && f.length >= offset + 4) {
        etherType = (f[offset + 2]! << 8) | f[offset + 3]!;
        offset += 4;
      }
      break;
    }
    case LINKTYPE_LINUX_SLL:
      // packet type(2) ARPHRD(2) address length(2) address(8) protocol(2)
      if (f.length < 16) return undefined;
      etherType = (f[14]! << 8) | f[15]!;
      offset = 16;
      break;
    case LINKTYPE_LINUX_SLL2:
      // protocol(2) reserved(2) interface index(4) ARPHRD(2) packet type(1) address length(1) address(8)
      if (f.length < 20) return undefined;
      etherType = (f[0]! << 8) | f[1]!;
      offset = 20;
      break;
    case LINKTYPE_RAW:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
      return byVersion(f);
    case LINKTYPE_NULL:
      // 4-byte address family in the writer's byte order: 2 is AF_INET; 24, 28, 30 are AF_INET6 on the BSDs.
      return f.length > 4 ? byVersion(f.subarray(4)) : undefined;
    default:
      throw new PcapError('PCAP_UNSUPPORTED', 20, `unsupported link type ${linkType} (Ethernet, Linux cooked, raw IP and loopback are supported)`);
  }
  if (etherType === ETHERTYPE_IPV4) return { version: 4, bytes: f.subarray(offset) };
  if (etherType === ETHERTYPE_IPV6) return { version: 6, bytes: f.subarray(offset) };
  return undefined;
}

function byVersion(p: Uint8Array): { version: 4 | 6; bytes: Uint8Array } | undefined {
  if (p.length < 1) return undefined;
  const v = p[0]! >> 4;
  return v === 4 ? { version: 4, bytes: p } : v === 6 ? { version: 6, bytes: p } : undefined;
}

function fromIpv4(p: Uint8Array): Omit<UdpDatagram, 'timestampMs'> | undefined {
  if (p.length < 20 || p[0]! >> 4 !== 4) return undefined;
  const ihl = (p[0]! & 0x0f) * 4;
  if (ihl < 20 || p.length < ihl) return undefined;
  if (p[9] !== IPPROTO_UDP) return undefined;
  const flagsFrag = (p[6]! << 8) | p[7]!;
  if ((flagsFrag & 0x2000) !== 0 || (flagsFrag & 0x1fff) !== 0) return undefined; // a fragment
  const total = (p[2]! << 8) | p[3]!;
  const end = Math.min(p.length, total >= ihl ? total : p.length); // Ethernet may pad short frames
  const src = `${p[12]}.${p[13]}.${p[14]}.${p[15]}`;
  const dst = `${p[16]}.${p[17]}.${p[18]}.${p[19]}`;
  return udp(p.subarray(ihl, end), src, dst);
}

function fromIpv6(p: Uint8Array): Omit<UdpDatagram, 'timestampMs'> | undefined {
  if (p.length < 40 || p[0]! >> 4 !== 6) return undefined;
  const payloadLength = (p[4]! << 8) | p[5]!;
  let next = p[6]!;
  let offset = 40;
  const end = Math.min(p.length, 40 + payloadLength);
  while (IPV6_EXTENSIONS.has(next)) {
    if (end < offset + 8) return undefined;
    const len = (p[offset + 1]! + 1) * 8;
    next = p[offset]!;
    offset += len;
  }
  if (next === IPV6_FRAGMENT) return undefined;
  if (next !== IPPROTO_UDP || offset > end) return undefined;
  return udp(p.subarray(offset, end), ipv6Text(p.subarray(8, 24)), ipv6Text(p.subarray(24, 40)));
}

function udp(u: Uint8Array, src: string, dst: string): Omit<UdpDatagram, 'timestampMs'> | undefined {
  if (u.length < 8) return undefined;
  const length = (u[4]! << 8) | u[5]!;
  if (length < 8 || length > u.length) return undefined; // cut by the snap length
  return {
    source: { address: src, port: (u[0]! << 8) | u[1]! },
    destination: { address: dst, port: (u[2]! << 8) | u[3]! },
    payload: u.subarray(8, length),
  };
}

/** RFC 5952 text form: lowercase, leading zeros dropped, the longest run of zero groups as "::". */
function ipv6Text(a: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((a[i]! << 8) | a[i + 1]!);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
