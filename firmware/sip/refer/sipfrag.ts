import { ReferError } from './refer-error.js';

/** RFC 3420 message/sipfrag, the body of a refer NOTIFY (RFC 3515 §2.4.5): here only a status line. */
export const SIPFRAG = 'message/sipfrag';

export interface SipfragStatus {
  status: number;
  reason: string;
}

/** "SIP/2.0 180 Ringing" (and any header lines after it, which a refer NOTIFY need not carry). */
export function formatSipfrag(status: number, reason: string): string {
  return `SIP/2.0 ${status} ${reason}\r\n`;
}

/**
 * RFC 3515 §2.4.5: "The body of a NOTIFY MUST begin with a SIP Response Status-Line"; the first line is all we
 * read. A fragment that starts otherwise is refused (the NOTIFY gets 400).
 */
export function parseSipfrag(body: string): SipfragStatus {
  const line = body.replace(/^\s+/, '').split(/\r?\n/, 1)[0] ?? '';
  const m = /^SIP\/2\.0\s+([1-6]\d\d)(?:\s+(.*))?$/i.exec(line.trim());
  if (!m) throw new ReferError(`message/sipfrag without a status line: "${line.slice(0, 60)}"`, 'bad-sipfrag');
  return { status: Number(m[1]), reason: (m[2] ?? '').trim() };
}
