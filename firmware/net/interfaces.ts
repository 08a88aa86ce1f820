import { isIPv4, isIPv6 } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';

/** One address on one interface, as the phone cares about it. */
export interface InterfaceAddress {
  /** Interface name (eth0, wlan0, veth-phone). */
  name: string;
  address: string;
  family: 4 | 6;
  /** Prefix length from the netmask (24 for 255.255.255.0). */
  prefix: number;
  internal: boolean;
}

export type InterfaceChange =
  | { kind: 'added'; entry: InterfaceAddress }
  | { kind: 'removed'; entry: InterfaceAddress };

/**
 * os.networkInterfaces() as a flat, ordered list. IPv6 link-local addresses (fe80::/10) are left out: they
 * need a zone index to be used and no PBX is reached by them, so they must never be chosen or watched.
 */
export function snapshotInterfaces(raw: NodeJS.Dict<NetworkInterfaceInfo[]>): InterfaceAddress[] {
  const out: InterfaceAddress[] = [];
  for (const [name, list] of Object.entries(raw)) {
    for (const info of list ?? []) {
      const family = info.family === 'IPv6' || (info.family as unknown) === 6 ? 6 : 4;
      if (family === 6 && isLinkLocal6(info.address)) continue;
      out.push({ name, address: info.address, family, prefix: prefixOf(info), internal: info.internal });
    }
  }
  // Code-unit order, not localeCompare: the order only has to be stable, and the first localeCompare
  // loads ICU's collation data (~2 MB of RSS, issue 4's memory target).
  return out.sort((a, b) => {
    const [ka, kb] = [keyOf(a), keyOf(b)];
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/** What differs between two snapshots: addresses gone, addresses new (a changed netmask is both). */
export function diffInterfaces(before: readonly InterfaceAddress[], after: readonly InterfaceAddress[]): InterfaceChange[] {
  const was = new Map(before.map((e) => [keyOf(e), e]));
  const now = new Map(after.map((e) => [keyOf(e), e]));
  const changes: InterfaceChange[] = [];
  for (const [key, entry] of was) if (!now.has(key)) changes.push({ kind: 'removed', entry });
  for (const [key, entry] of now) if (!was.has(key)) changes.push({ kind: 'added', entry });
  return changes;
}

/**
 * The local address on the same subnet as `destination`, when there is one: the kernel sends to an on-link
 * peer from the address of that link (RFC 1122 §3.3.4.3 for IPv4; RFC 6724 §5 rule 5 "prefer outgoing
 * interface" for IPv6). The longest matching prefix wins, as in routing. Undefined when the destination is
 * off-link: only the routing table (a connected socket) knows that answer.
 */
export function onLinkAddress(destination: string, interfaces: readonly InterfaceAddress[]): string | undefined {
  const family = isIPv4(destination) ? 4 : isIPv6(destination) ? 6 : 0;
  if (family === 0) return undefined;
  const dest = toBits(destination, family);
  let best: InterfaceAddress | undefined;
  for (const entry of interfaces) {
    if (entry.family !== family || entry.prefix === 0) continue;
    if (!samePrefix(dest, toBits(entry.address, family), entry.prefix)) continue;
    if (!best || entry.prefix > best.prefix) best = entry;
  }
  return best?.address;
}

function keyOf(e: InterfaceAddress): string {
  return `${e.name}|${e.address.toLowerCase()}/${e.prefix}`;
}

function isLinkLocal6(address: string): boolean {
  return /^fe[89ab]/i.test(address);
}

function prefixOf(info: NetworkInterfaceInfo): number {
  if (info.cidr) {
    const n = Number(info.cidr.slice(info.cidr.lastIndexOf('/') + 1));
    if (Number.isInteger(n)) return n;
  }
  const family = isIPv4(info.netmask) ? 4 : 6;
  const bits = toBits(info.netmask, family);
  let n = 0;
  for (const b of bits) {
    if (!b) break;
    n++;
  }
  return n;
}

/** An IP address as an array of bits (32 or 128). */
function toBits(address: string, family: 4 | 6): boolean[] {
  const bytes = family === 4 ? address.split('.').map(Number) : v6Bytes(address);
  const bits: boolean[] = [];
  for (const byte of bytes) for (let i = 7; i >= 0; i--) bits.push(((byte >> i) & 1) === 1);
  return bits;
}

function v6Bytes(address: string): number[] {
  let text = address.split('%')[0]!.toLowerCase();
  // A trailing dotted quad (::ffff:192.0.2.1) is two groups.
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad[1]!.split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, quad.index) + ((a << 8) | b).toString(16) + ':' + ((c << 8) | d).toString(16);
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const bytes: number[] = [];
  for (const g of groups) {
    const v = parseInt(g || '0', 16);
    bytes.push(v >> 8, v & 0xff);
  }
  return bytes;
}

function samePrefix(a: boolean[], b: boolean[], prefix: number): boolean {
  for (let i = 0; i < prefix; i++) if (a[i] !== b[i]) return false;
  return true;
}
