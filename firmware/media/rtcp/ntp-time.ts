/**
 * NTP timestamps for RTCP (RFC 3550 §4): seconds since 1900 and a 32-bit
 * fraction. RTT only needs the "middle 32 bits" (16.16 fixed point), which
 * wrap every 18 hours; differences are taken modulo 2^32.
 */
const NTP_UNIX_OFFSET_S = 2208988800;

export function ntpFromUnixMs(unixMs: number): { seconds: number; fraction: number } {
  const s = Math.floor(unixMs / 1000);
  const fraction = Math.floor(((unixMs - s * 1000) / 1000) * 0x100000000);
  return { seconds: (s + NTP_UNIX_OFFSET_S) >>> 0, fraction: fraction >>> 0 };
}

/** The middle 32 bits of an NTP timestamp (LSR in §6.4.1). */
export function ntpMiddle32(seconds: number, fraction: number): number {
  return (((seconds & 0xffff) << 16) | (fraction >>> 16)) >>> 0;
}

/** Milliseconds as 1/65536-second units (the DLSR field). */
export function msToNtpShort(ms: number): number {
  return Math.round((ms * 65536) / 1000) >>> 0;
}

export function ntpShortToMs(units: number): number {
  return (units * 1000) / 65536;
}
