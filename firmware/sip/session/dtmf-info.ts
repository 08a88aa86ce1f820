/**
 * DTMF over SIP INFO (issue 5 point 7) in the de-facto `application/dtmf-relay`
 * format many PBXs use (Cisco's): `Signal=5` and `Duration=160` lines. Also
 * reads `application/dtmf` (a single digit or RFC 4733 event code), which some
 * gateways send. RFC 6086 §4.2 makes INFO a plain in-dialog request; the body
 * format is the Info Package's business.
 */
export const DTMF_RELAY = 'application/dtmf-relay';

const DIGITS = '0123456789*#ABCD';

export interface DtmfInfo {
  digit: string;
  durationMs: number;
}

export function isDtmfDigit(digit: string): boolean {
  return digit.length === 1 && DIGITS.includes(digit.toUpperCase());
}

export function formatDtmfRelay(digit: string, durationMs: number): string {
  return `Signal=${digit.toUpperCase()}\r\nDuration=${Math.round(durationMs)}\r\n`;
}

/** The digit a dtmf-relay or dtmf body carries, or undefined when it carries none we know. */
export function parseDtmfInfo(contentType: string | undefined, body: string): DtmfInfo | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === DTMF_RELAY) {
    let digit: string | undefined;
    let durationMs = 250;
    for (const line of body.split(/\r?\n/)) {
      const eq = line.indexOf('=');
      if (eq < 0) continue;
      const key = line.slice(0, eq).trim().toLowerCase();
      const value = line.slice(eq + 1).trim();
      if (key === 'signal') digit = eventToDigit(value);
      else if (key === 'duration' && /^\d+$/.test(value)) durationMs = Number(value);
    }
    return digit === undefined ? undefined : { digit, durationMs };
  }
  if (type === 'application/dtmf') {
    const digit = eventToDigit(body.trim());
    return digit === undefined ? undefined : { digit, durationMs: 250 };
  }
  return undefined;
}

/** A digit as written, or an RFC 4733 §3.2 event number (10 = *, 11 = #, 12–15 = A–D). */
function eventToDigit(value: string): string | undefined {
  if (isDtmfDigit(value)) return value.toUpperCase();
  if (/^1[0-5]$/.test(value)) return DIGITS[Number(value)];
  return undefined;
}
