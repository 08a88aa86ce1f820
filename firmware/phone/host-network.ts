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
