/**
 * Test support: writes libpcap files around UDP datagrams, for each link type
 * the replay tool reads, so tests build exactly the captures they need.
 */
export type LinkKind = 'ethernet' | 'ethernet-vlan' | 'sll' | 'sll2' | 'raw';

export interface Endpoint {
  address: string;
  port: number;
}

export interface CapturedDatagram {
  timestampMs: number;
  source: Endpoint;
  destination: Endpoint;
  payload: Uint8Array;
  /** IP protocol number (17 = UDP, the default; 6 makes a TCP-looking packet to be skipped). */
  protocol?: number;
  /** IPv4 only: mark the packet as a first fragment (MF set). */
  fragment?: boolean;
  /** IPv6 only: put a hop-by-hop options header before UDP. */
  hopByHop?: boolean;
}

export interface PcapWriteOptions {
  link?: LinkKind;
  nanosecond?: boolean;
  bigEndian?: boolean;
}

const LINK_NUMBER: Record<LinkKind, number> = { ethernet: 1, 'ethernet-vlan': 1, sll: 113, sll2: 276, raw: 101 };

export function writePcap(datagrams: readonly CapturedDatagram[], options: PcapWriteOptions = {}): Uint8Array {
  const link = options.link ?? 'ethernet';
  const le = !options.bigEndian;
  const frames = datagrams.map((d) => ({ d, bytes: frame(link, ip(d)) }));
  const out = new Uint8Array(24 + frames.reduce((n, f) => n + 16 + f.bytes.length, 0));
  const v = new DataView(out.buffer);
  v.setUint32(0, options.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4, le);
  v.setUint16(4, 2, le);
  v.setUint16(6, 4, le);
  v.setUint32(16, 65535, le);
  v.setUint32(20, LINK_NUMBER[link], le);
  let o = 24;
  for (const { d, bytes } of frames) {
    const seconds = Math.floor(d.timestampMs / 1000);
    const frac = options.nanosecond ? Math.round((d.timestampMs - seconds * 1000) * 1e6) : Math.round((d.timestampMs - seconds * 1000) * 1e3);
    v.setUint32(o, seconds, le);
    v.setUint32(o + 4, frac, le);
    v.setUint32(o + 8, bytes.length, le);
    v.setUint32(o + 12, bytes.length, le);
    out.set(bytes, o + 16);
    o += 16 + bytes.length;
  }
  return out;
}

function frame(link: LinkKind, packet: { version: 4 | 6; bytes: Uint8Array }): Uint8Array {
  const etherType = packet.version === 4 ? 0x0800 : 0x86dd;
  switch (link) {
    case 'raw':
      return packet.bytes;
    case 'ethernet':
    case 'ethernet-vlan': {
      const tag = link === 'ethernet-vlan' ? 4 : 0;
      const f = new Uint8Array(14 + tag + packet.bytes.length);
      f.set([0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2], 0);
      if (tag) f.set([0x81, 0x00, 0x00, 0x64], 12); // VLAN 100
      f[12 + tag] = etherType >> 8;
      f[13 + tag] = etherType & 0xff;
      f.set(packet.bytes, 14 + tag);
      return f;
    }
    case 'sll': {
      const f = new Uint8Array(16 + packet.bytes.length);
      f.set([0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0], 0);
      f[14] = etherType >> 8;
      f[15] = etherType & 0xff;
      f.set(packet.bytes, 16);
      return f;
    }
    case 'sll2': {
      const f = new Uint8Array(20 + packet.bytes.length);
      f[0] = etherType >> 8;
      f[1] = etherType & 0xff;
      f.set([0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0], 2);
      f.set(packet.bytes, 20);
      return f;
    }
  }
}

function ip(d: CapturedDatagram): { version: 4 | 6; bytes: Uint8Array } {
  const udp = new Uint8Array(8 + d.payload.length);
  const uv = new DataView(udp.buffer);
  uv.setUint16(0, d.source.port);
  uv.setUint16(2, d.destination.port);
  uv.setUint16(4, udp.length);
  udp.set(d.payload, 8);
  const protocol = d.protocol ?? 17;
  if (!d.source.address.includes(':')) {
    const p = new Uint8Array(20 + udp.length);
    const v = new DataView(p.buffer);
    p[0] = 0x45;
    v.setUint16(2, p.length);
    if (d.fragment) v.setUint16(6, 0x2000);
    p[8] = 64;
    p[9] = protocol;
    p.set(d.source.address.split('.').map(Number), 12);
    p.set(d.destination.address.split('.').map(Number), 16);
    p.set(udp, 20);
    return { version: 4, bytes: p };
  }
  const ext = d.hopByHop ? 8 : 0;
  const p = new Uint8Array(40 + ext + udp.length);
  const v = new DataView(p.buffer);
  p[0] = 0x60;
  v.setUint16(4, ext + udp.length);
  p[6] = d.hopByHop ? 0 : protocol;
  p[7] = 64;
  p.set(ipv6Bytes(d.source.address), 8);
  p.set(ipv6Bytes(d.destination.address), 24);
  if (d.hopByHop) {
    p[40] = protocol; // next header
    p[41] = 0; // length 8 bytes
    p.set([1, 4, 0, 0, 0, 0], 42); // PadN
  }
  p.set(udp, 40 + ext);
  return { version: 6, bytes: p };
}

function ipv6Bytes(text: string): Uint8Array {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':').filter(Boolean) : [];
  const t = tail ? tail.split(':').filter(Boolean) : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t].map((g) => parseInt(g, 16));
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}
