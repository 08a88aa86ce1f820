import { CaptureError } from './capture-error.js';

/**
 * IP addresses as the capture stores them: 16 bytes, IPv4 in the first four
 * with family 4. Sockets report addresses as text; parsing that text for every
 * RTP packet would cost the 20 ms path, so AddressCache keeps the few
 * addresses a phone talks to already encoded.
 */
export interface IpBytes {
  family: 4 | 6;
  /** 16 bytes; an IPv4 address uses the first 4. */
  bytes: Uint8Array;
}

/** Parses an IPv4 or IPv6 literal. An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) becomes IPv4, as it is on the wire. */
export function encodeIp(text: string): IpBytes {
  const bytes = new Uint8Array(16);
  const t = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (!t.includes(':')) {
    if (!writeIpv4(t, bytes, 0)) throw new CaptureError('CAPTURE_ADDRESS', `not an IP address: ${JSON.stringify(text)}`);
    return { family: 4, bytes };
  }
  // RFC 4007 §11: a zone index (`fe80::1%eth0`) is not part of the address on the wire.
  const address = t.split('%')[0]!;
  if (!writeIpv6(address, bytes)) throw new CaptureError('CAPTURE_ADDRESS', `not an IP address: ${JSON.stringify(text)}`);
  if (isV4Mapped(bytes)) {
    const v4 = new Uint8Array(16);
    v4.set(bytes.subarray(12, 16), 0);
    return { family: 4, bytes: v4 };
  }
  return { family: 6, bytes };
}

/** The IPv6 form of an IPv4 address (RFC 4291 §2.5.5.2), for a packet whose other end is IPv6. */
export function v4Mapped(ip: IpBytes): IpBytes {
  if (ip.family === 6) return ip;
  const bytes = new Uint8Array(16);
  bytes[10] = 0xff;
  bytes[11] = 0xff;
  bytes.set(ip.bytes.subarray(0, 4), 12);
  return { family: 6, bytes };
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

function writeIpv4(text: string, out: Uint8Array, at: number): boolean {
  const parts = text.split('.');
  if (parts.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^\d{1,3}$/.test(p)) return false;
    const n = Number(p);
    if (n > 255) return false;
    out[at + i] = n;
  }
  return true;
}

function writeIpv6(text: string, out: Uint8Array): boolean {
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  // RFC 4291 §2.2 form 3: the last 32 bits may be written as dotted IPv4.
  const last = (halves.length === 2 ? tail : head).at(-1);
  const words: number[] = [];
  const pushGroups = (list: string[], allowV4Tail: boolean): boolean => {
    for (let i = 0; i < list.length; i++) {
      const g = list[i]!;
      if (allowV4Tail && i === list.length - 1 && g === last && g.includes('.')) {
        const v4 = new Uint8Array(4);
        if (!writeIpv4(g, v4, 0)) return false;
        words.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return false;
      words.push(parseInt(g, 16));
    }
    return true;
  };
  if (!pushGroups(head, halves.length === 1)) return false;
  const headWords = words.length;
  if (!pushGroups(tail, true)) return false;
  const tailWords = words.length - headWords;
  if (halves.length === 1 ? words.length !== 8 : words.length > 7) return false;
  const gap = 8 - headWords - tailWords;
  const all = [...words.slice(0, headWords), ...new Array<number>(halves.length === 2 ? gap : 0).fill(0), ...words.slice(headWords)];
  for (let i = 0; i < 8; i++) {
    out[i * 2] = all[i]! >> 8;
    out[i * 2 + 1] = all[i]! & 0xff;
  }
  return true;
}

/**
 * Encoded addresses by their text. A phone talks to a handful of peers, so the
 * cache stays small; a flood of distinct sources (a scan) empties it rather
 * than growing it without bound.
 */
export class AddressCache {
  private readonly map = new Map<string, IpBytes>();
  constructor(private readonly limit = 64) {}

  /** The encoded address; undefined for text that is not an IP literal (never thrown on the packet path). */
  get(text: string): IpBytes | undefined {
    let ip = this.map.get(text);
    if (ip) return ip;
    try {
      ip = encodeIp(text);
    } catch {
      return undefined;
    }
    if (this.map.size >= this.limit) this.map.clear();
    this.map.set(text, ip);
    return ip;
  }
}
