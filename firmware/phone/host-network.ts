import { lookup } from 'node:dns/promises';
import { networkInterfaces } from 'node:os';

/** The address a person on the LAN would call the phone at (first non-internal IPv4), else loopback. */
export function lanAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const ni of list ?? []) if (ni.family === 'IPv4' && !ni.internal) return ni.address;
  }
  return '127.0.0.1';
}

/** The MAC address of the interface the phone talks on (the phone information screen). */
export function macAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const ni of list ?? []) if (!ni.internal && ni.mac !== '00:00:00:00:00:00') return ni.mac;
  }
  return '00:00:00:00:00:00';
}

/** The addresses calls may come from: each account's outbound proxy, registrar and domain, resolved. */
export async function trustedAddresses(lines: ReadonlyArray<{ domain: string; registrar?: string; outboundProxy?: string }>): Promise<string[]> {
  const hosts = new Set<string>();
  for (const l of lines) for (const h of [l.outboundProxy, l.registrar, l.domain]) if (h) hosts.add(hostOf(h));
  const out: string[] = [];
  for (const host of hosts) {
    const found = await lookup(host, { all: true }).catch(() => []);
    out.push(...found.map((f) => f.address));
  }
  return out;
}

/** "sip:[2001:db8::1]:5060;lr" or "pbx.example.com:5060" → the host alone. */
export function hostOf(value: string): string {
  const v = value.replace(/^sips?:/i, '').split(';')[0]!;
  if (v.startsWith('[')) return v.slice(1, v.indexOf(']'));
  return v.split(':')[0]!;
}
