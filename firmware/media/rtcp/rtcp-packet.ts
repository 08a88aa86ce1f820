import { DeskphoneError } from '../../errors.js';

/*
 * RFC 3550 §6.4.1 sender report (PT=200); the receiver report (PT=201, §6.4.2)
 * is the same without the sender info. §6.5 SDES (202), §6.6 BYE (203).
 *
 *         0                   1                   2                   3
 *         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * header |V=2|P|    RC   |   PT=SR=200   |             length            |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                         SSRC of sender                        |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * sender |              NTP timestamp, most significant word             |
 * info   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |             NTP timestamp, least significant word             |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                         RTP timestamp                         |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                     sender's packet count                     |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                      sender's octet count                     |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * report |                 SSRC_1 (SSRC of first source)                 |
 * block  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   1    | fraction lost |       cumulative number of packets lost       |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |           extended highest sequence number received           |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                      interarrival jitter                      |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                         last SR (LSR)                         |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                   delay since last SR (DLSR)                  |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *
 * `length` is the packet's length in 32-bit words minus one, header included.
 */

export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;
export const SDES_CNAME = 1;

export interface ReportBlock {
  ssrc: number;
  /** Fraction lost since the last report, 8-bit fixed point (loss × 256). */
  fractionLost: number;
  /** Cumulative packets lost, a signed 24-bit value (duplicates can make it negative). */
  cumulativeLost: number;
  extendedHighestSeq: number;
  /** Interarrival jitter in timestamp units. */
  jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR from this source, 0 if none. */
  lastSr: number;
  /** Delay since that SR, in units of 1/65536 s. */
  delaySinceLastSr: number;
}

export interface SenderInfo {
  ntpSeconds: number;
  ntpFraction: number;
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
}

export type RtcpPacket =
  | { type: 'sr'; ssrc: number; sender: SenderInfo; reports: ReportBlock[] }
  | { type: 'rr'; ssrc: number; reports: ReportBlock[] }
  | { type: 'sdes'; chunks: { ssrc: number; cname?: string; items: { type: number; text: string }[] }[] }
  | { type: 'bye'; ssrcs: number[]; reason?: string }
  | { type: 'other'; packetType: number; count: number; body: Uint8Array };

export type RtcpParseReason = 'truncated' | 'bad-version' | 'bad-length' | 'bad-padding' | 'not-report-first' | 'bad-item';

export class RtcpParseError extends DeskphoneError {
  readonly reason: RtcpParseReason;
  readonly offset: number;
  constructor(reason: RtcpParseReason, offset: number) {
    super('RTCP_PARSE', `not a valid RTCP compound packet: ${reason} at byte ${offset}`);
    this.reason = reason;
    this.offset = offset;
  }
}

export type RtcpParseResult = { ok: true; packets: RtcpPacket[] } | { ok: false; reason: RtcpParseReason; offset: number };

const te = new TextEncoder();
const td = new TextDecoder();

/**
 * Parses a compound RTCP packet with the validity checks of RFC 3550 §A.2:
 * version 2 in every packet, the first one an SR or RR, padding only on the
 * last, and lengths that add up to the datagram. Never throws.
 */
export function tryParseRtcp(buf: Uint8Array): RtcpParseResult {
  const packets: RtcpPacket[] = [];
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let offset = 0;
  if (buf.length < 4) return { ok: false, reason: 'truncated', offset: 0 };
  while (offset < buf.length) {
    if (buf.length - offset < 4) return { ok: false, reason: 'truncated', offset };
    const b0 = buf[offset]!;
    if (b0 >> 6 !== 2) return { ok: false, reason: 'bad-version', offset };
    const pt = buf[offset + 1]!;
    const count = b0 & 0x1f;
    const bytes = (view.getUint16(offset + 2) + 1) * 4;
    if (offset + bytes > buf.length) return { ok: false, reason: 'bad-length', offset };
    let end = offset + bytes;
    if (b0 & 0x20) {
      if (end !== buf.length) return { ok: false, reason: 'bad-padding', offset };
      const pad = buf[end - 1]!;
      if (pad === 0 || pad > bytes - 4) return { ok: false, reason: 'bad-padding', offset: end - 1 };
      end -= pad;
    }
    if (packets.length === 0 && pt !== RTCP_SR && pt !== RTCP_RR) return { ok: false, reason: 'not-report-first', offset };
    const body = offset + 4;
    const p = parseOne(pt, count, view, buf, body, end);
    if (typeof p === 'string') return { ok: false, reason: p, offset };
    packets.push(p);
    offset += bytes;
  }
  return { ok: true, packets };
}

export function parseRtcp(buf: Uint8Array): RtcpPacket[] {
  const r = tryParseRtcp(buf);
  if (!r.ok) throw new RtcpParseError(r.reason, r.offset);
  return r.packets;
}

function parseOne(pt: number, count: number, view: DataView, buf: Uint8Array, start: number, end: number): RtcpPacket | RtcpParseReason {
  switch (pt) {
    case RTCP_SR: {
      if (end - start < 24 + 24 * count) return 'bad-length';
      const sender: SenderInfo = {
        ntpSeconds: view.getUint32(start + 4),
        ntpFraction: view.getUint32(start + 8),
        rtpTimestamp: view.getUint32(start + 12),
        packetCount: view.getUint32(start + 16),
        octetCount: view.getUint32(start + 20),
      };
      return { type: 'sr', ssrc: view.getUint32(start), sender, reports: readBlocks(view, start + 24, count) };
    }
    case RTCP_RR:
      if (end - start < 4 + 24 * count) return 'bad-length';
      return { type: 'rr', ssrc: view.getUint32(start), reports: readBlocks(view, start + 4, count) };
    case RTCP_SDES: {
      const chunks: { ssrc: number; cname?: string; items: { type: number; text: string }[] }[] = [];
      let o = start;
      for (let c = 0; c < count; c++) {
        if (o + 4 > end) return 'bad-length';
        const chunk: { ssrc: number; cname?: string; items: { type: number; text: string }[] } = { ssrc: view.getUint32(o), items: [] };
        o += 4;
        // Items until a zero type octet; then skip to the next 32-bit boundary (§6.5).
        for (;;) {
          if (o >= end) return 'bad-item';
          const type = buf[o]!;
          if (type === 0) break;
          if (o + 2 > end) return 'bad-item';
          const len = buf[o + 1]!;
          if (o + 2 + len > end) return 'bad-item';
          const text = td.decode(buf.subarray(o + 2, o + 2 + len));
          chunk.items.push({ type, text });
          if (type === SDES_CNAME) chunk.cname = text;
          o += 2 + len;
        }
        o = start + Math.ceil((o + 1 - start) / 4) * 4; // past the null octet, to the 32-bit boundary
        chunks.push(chunk);
      }
      return { type: 'sdes', chunks };
    }
    case RTCP_BYE: {
      if (end - start < 4 * count) return 'bad-length';
      const ssrcs: number[] = [];
      for (let i = 0; i < count; i++) ssrcs.push(view.getUint32(start + 4 * i));
      let reason: string | undefined;
      const r = start + 4 * count;
      if (r < end) {
        const len = buf[r]!;
        if (r + 1 + len > end) return 'bad-length';
        reason = td.decode(buf.subarray(r + 1, r + 1 + len));
      }
      return reason === undefined ? { type: 'bye', ssrcs } : { type: 'bye', ssrcs, reason };
    }
    default:
      // APP, feedback (RFC 4585), XR (RFC 3611)…: kept opaque, §6.1 says ignore what you do not understand.
      return { type: 'other', packetType: pt, count, body: buf.subarray(start, end) };
  }
}

function readBlocks(view: DataView, at: number, count: number): ReportBlock[] {
  const blocks: ReportBlock[] = [];
  for (let i = 0; i < count; i++, at += 24) {
    const lostWord = view.getUint32(at + 4);
    blocks.push({
      ssrc: view.getUint32(at),
      fractionLost: lostWord >>> 24,
      cumulativeLost: ((lostWord & 0xffffff) << 8) >> 8, // sign-extend 24 bits
      extendedHighestSeq: view.getUint32(at + 8),
      jitter: view.getUint32(at + 12),
      lastSr: view.getUint32(at + 16),
      delaySinceLastSr: view.getUint32(at + 20),
    });
  }
  return blocks;
}

/** Serializes packets into one compound datagram (§6.1: SR/RR first, then SDES with CNAME). */
export function serializeRtcp(packets: readonly RtcpPacket[]): Uint8Array {
  const parts = packets.map(serializeOne);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function serializeOne(p: RtcpPacket): Uint8Array {
  let count: number;
  let pt: number;
  let body: Uint8Array;
  switch (p.type) {
    case 'sr': {
      count = p.reports.length;
      pt = RTCP_SR;
      body = new Uint8Array(24 + 24 * count);
      const v = new DataView(body.buffer);
      v.setUint32(0, p.ssrc >>> 0);
      v.setUint32(4, p.sender.ntpSeconds >>> 0);
      v.setUint32(8, p.sender.ntpFraction >>> 0);
      v.setUint32(12, p.sender.rtpTimestamp >>> 0);
      v.setUint32(16, p.sender.packetCount >>> 0);
      v.setUint32(20, p.sender.octetCount >>> 0);
      writeBlocks(v, 24, p.reports);
      break;
    }
    case 'rr': {
      count = p.reports.length;
      pt = RTCP_RR;
      body = new Uint8Array(4 + 24 * count);
      const v = new DataView(body.buffer);
      v.setUint32(0, p.ssrc >>> 0);
      writeBlocks(v, 4, p.reports);
      break;
    }
    case 'sdes': {
      count = p.chunks.length;
      pt = RTCP_SDES;
      const chunks = p.chunks.map((c) => {
        const items = c.items.length > 0 ? c.items : c.cname !== undefined ? [{ type: SDES_CNAME, text: c.cname }] : [];
        const encoded = items.map((i) => ({ type: i.type, bytes: te.encode(i.text).subarray(0, 255) }));
        const itemBytes = encoded.reduce((n, i) => n + 2 + i.bytes.length, 0);
        // At least one null octet ends the item list, then pad to 32 bits (§6.5).
        const len = 4 + Math.ceil((itemBytes + 1) / 4) * 4;
        const chunk = new Uint8Array(len);
        new DataView(chunk.buffer).setUint32(0, c.ssrc >>> 0);
        let o = 4;
        for (const i of encoded) {
          chunk[o] = i.type;
          chunk[o + 1] = i.bytes.length;
          chunk.set(i.bytes, o + 2);
          o += 2 + i.bytes.length;
        }
        return chunk;
      });
      body = concat(chunks);
      break;
    }
    case 'bye': {
      count = p.ssrcs.length;
      pt = RTCP_BYE;
      const reason = p.reason !== undefined ? te.encode(p.reason).subarray(0, 255) : undefined;
      const len = 4 * count + (reason ? Math.ceil((1 + reason.length) / 4) * 4 : 0);
      body = new Uint8Array(len);
      const v = new DataView(body.buffer);
      p.ssrcs.forEach((s, i) => v.setUint32(4 * i, s >>> 0));
      if (reason) {
        body[4 * count] = reason.length;
        body.set(reason, 4 * count + 1);
      }
      break;
    }
    case 'other':
      count = p.count;
      pt = p.packetType;
      body = p.body;
      break;
  }
  if (count > 31) throw new RangeError('RFC 3550 §6.4: at most 31 report blocks / chunks / sources per packet');
  if (body.length % 4 !== 0) throw new RangeError('RTCP packet body must be a multiple of 4 bytes');
  const out = new Uint8Array(4 + body.length);
  out[0] = 0x80 | count;
  out[1] = pt;
  new DataView(out.buffer).setUint16(2, out.length / 4 - 1);
  out.set(body, 4);
  return out;
}

function writeBlocks(v: DataView, at: number, blocks: readonly ReportBlock[]): void {
  for (const b of blocks) {
    v.setUint32(at, b.ssrc >>> 0);
    const lost = Math.max(-0x800000, Math.min(0x7fffff, b.cumulativeLost)) & 0xffffff; // §6.4.1: clamp to 24 bits
    v.setUint32(at + 4, ((b.fractionLost & 0xff) << 24) | lost);
    v.setUint32(at + 8, b.extendedHighestSeq >>> 0);
    v.setUint32(at + 12, b.jitter >>> 0);
    v.setUint32(at + 16, b.lastSr >>> 0);
    v.setUint32(at + 20, b.delaySinceLastSr >>> 0);
    at += 24;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
