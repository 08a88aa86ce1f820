import type { SipMessage } from '../message/index.js';

/** RFC 3262 §7.1 RSeq: "1*DIGIT", 1 to 2**32 - 1. */
export function readRSeq(message: SipMessage): number | undefined {
  const raw = message.headers.get('rseq')?.trim();
  if (!raw || !/^\d{1,10}$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= 1 && n <= 0xffffffff ? n : undefined;
}

/** RFC 3262 §7.2 RAck: "response-num CSeq-num Method". */
export interface RAck {
  rseq: number;
  cseq: number;
  method: string;
}

export function readRAck(message: SipMessage): RAck | undefined {
  const parts = message.headers.get('rack')?.trim().split(/\s+/);
  if (!parts || parts.length !== 3 || !/^\d{1,10}$/.test(parts[0]!) || !/^\d{1,10}$/.test(parts[1]!)) return undefined;
  return { rseq: Number(parts[0]), cseq: Number(parts[1]), method: parts[2]! };
}

export function formatRAck(rack: RAck): string {
  return `${rack.rseq} ${rack.cseq} ${rack.method}`;
}

/** RFC 3262 §3: "The value of the RSeq ... MUST be ... between 1 and 2**31 - 1" for the first one. */
export function initialRSeq(random: () => number = Math.random): number {
  return 1 + Math.floor(random() * 0x7fffffe);
}
