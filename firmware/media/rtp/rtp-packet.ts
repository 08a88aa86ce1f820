import { RtpParseError, type RtpParseReason } from './rtp-errors.js';

/*
 * RFC 3550 §5.1 RTP fixed header:
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * §5.3.1 header extension (X=1), after the CSRC list:
 * |      defined by profile       |           length              |
 * |                        header extension                       |
 *
 * §5.1 padding (P=1): the last octet counts the padding octets, itself included.
 */

export const RTP_VERSION = 2;
export const RTP_HEADER_LENGTH = 12;
/** Largest datagram we accept: above an Ethernet MTU an RTP audio packet is garbage or an attack. */
export const RTP_MAX_PACKET_LENGTH = 1500;

export interface RtpHeaderExtension {
  /** The 16-bit "defined by profile" field (0xBEDE for RFC 8285 one-byte headers). */
  profile: number;
  /** Extension data, a multiple of 4 bytes. */
  data: Uint8Array;
}

export interface RtpPacketFields {
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  marker?: boolean;
  csrcs?: readonly number[];
  extension?: RtpHeaderExtension;
  payload?: Uint8Array;
  /** Padding octets to append (RFC 3550 §5.1), including the count octet; 0 for none. */
  paddingLength?: number;
}

/** Shared by every packet without CSRCs (nearly all of them): one allocation fewer per packet. */
const NO_CSRCS: number[] = Object.freeze([]) as unknown as number[];

/** The outcome of tryParse: a packet, or the reason it was dropped. Never throws. */
export type RtpParseResult = { ok: true; packet: RtpPacket } | { ok: false; reason: RtpParseReason; offset: number };

/** An RTP packet as a value: parse from bytes, serialize back to the same bytes. */
export class RtpPacket {
  readonly payloadType: number;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly marker: boolean;
  readonly csrcs: readonly number[];
  readonly extension: RtpHeaderExtension | undefined;
  readonly payload: Uint8Array;
  readonly paddingLength: number;

  constructor(fields: RtpPacketFields) {
    this.payloadType = fields.payloadType & 0x7f;
    this.sequenceNumber = fields.sequenceNumber & 0xffff;
    this.timestamp = fields.timestamp >>> 0;
    this.ssrc = fields.ssrc >>> 0;
    this.marker = fields.marker ?? false;
    this.csrcs = fields.csrcs ?? NO_CSRCS;
    this.extension = fields.extension;
    this.payload = fields.payload ?? new Uint8Array(0);
    this.paddingLength = fields.paddingLength ?? 0;
    if (this.csrcs.length > 15) throw new RangeError('RFC 3550 §5.1: at most 15 CSRCs');
    if (this.paddingLength < 0 || this.paddingLength > 255) throw new RangeError('padding length must be 0..255');
    if (this.extension && this.extension.data.length % 4 !== 0) throw new RangeError('RFC 3550 §5.3.1: extension data is a multiple of 4 bytes');
  }

  get padding(): boolean {
    return this.paddingLength > 0;
  }

  get byteLength(): number {
    return (
      RTP_HEADER_LENGTH + 4 * this.csrcs.length + (this.extension ? 4 + this.extension.data.length : 0) + this.payload.length + this.paddingLength
    );
  }

  /** Parses one datagram; throws RtpParseError. Receivers use tryParse, which counts instead of throwing. */
  static parse(buf: Uint8Array): RtpPacket {
    const r = RtpPacket.tryParse(buf);
    if (!r.ok) throw new RtpParseError(r.reason, r.offset, `not an RTP packet: ${r.reason} at byte ${r.offset}`);
    return r.packet;
  }

  static tryParse(buf: Uint8Array): RtpParseResult {
    if (buf.length > RTP_MAX_PACKET_LENGTH) return { ok: false, reason: 'oversize', offset: RTP_MAX_PACKET_LENGTH };
    if (buf.length < RTP_HEADER_LENGTH) return { ok: false, reason: 'truncated', offset: buf.length };
    const b0 = buf[0]!;
    if (b0 >> 6 !== RTP_VERSION) return { ok: false, reason: 'bad-version', offset: 0 };
    const hasPadding = (b0 & 0x20) !== 0;
    const hasExtension = (b0 & 0x10) !== 0;
    const cc = b0 & 0x0f;
    const b1 = buf[1]!;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let offset = RTP_HEADER_LENGTH;
    if (buf.length < offset + 4 * cc) return { ok: false, reason: 'truncated', offset: buf.length };
    const csrcs: number[] = cc === 0 ? NO_CSRCS : [];
    for (let i = 0; i < cc; i++, offset += 4) csrcs.push(view.getUint32(offset));
    let extension: RtpHeaderExtension | undefined;
    if (hasExtension) {
      if (buf.length < offset + 4) return { ok: false, reason: 'bad-extension', offset };
      const profile = view.getUint16(offset);
      const words = view.getUint16(offset + 2);
      const start = offset + 4;
      if (buf.length < start + 4 * words) return { ok: false, reason: 'bad-extension', offset };
      extension = { profile, data: buf.subarray(start, start + 4 * words) };
      offset = start + 4 * words;
    }
    let end = buf.length;
    let paddingLength = 0;
    if (hasPadding) {
      // §5.1: the last octet holds the padding count, itself included; 0 is invalid (§A.1).
      paddingLength = buf[buf.length - 1]!;
      if (paddingLength === 0 || offset + paddingLength > buf.length) return { ok: false, reason: 'bad-padding', offset: buf.length - 1 };
      end -= paddingLength;
    }
    const packet = new RtpPacket({
      payloadType: b1 & 0x7f,
      marker: (b1 & 0x80) !== 0,
      sequenceNumber: view.getUint16(2),
      timestamp: view.getUint32(4),
      ssrc: view.getUint32(8),
      csrcs,
      extension,
      payload: buf.subarray(offset, end),
      paddingLength,
    });
    return { ok: true, packet };
  }

  serialize(): Uint8Array {
    const out = new Uint8Array(this.byteLength);
    this.serializeInto(out);
    return out;
  }

  /** Writes the packet at the start of `out` (no allocation); returns the bytes written. */
  serializeInto(out: Uint8Array): number {
    const total = this.byteLength;
    if (out.length < total) throw new RangeError(`buffer of ${out.length} bytes cannot hold an RTP packet of ${total}`);
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    out[0] = (RTP_VERSION << 6) | (this.padding ? 0x20 : 0) | (this.extension ? 0x10 : 0) | this.csrcs.length;
    out[1] = (this.marker ? 0x80 : 0) | this.payloadType;
    view.setUint16(2, this.sequenceNumber);
    view.setUint32(4, this.timestamp);
    view.setUint32(8, this.ssrc);
    let offset = RTP_HEADER_LENGTH;
    for (const c of this.csrcs) {
      view.setUint32(offset, c >>> 0);
      offset += 4;
    }
    if (this.extension) {
      view.setUint16(offset, this.extension.profile);
      view.setUint16(offset + 2, this.extension.data.length / 4);
      out.set(this.extension.data, offset + 4);
      offset += 4 + this.extension.data.length;
    }
    out.set(this.payload, offset);
    offset += this.payload.length;
    if (this.paddingLength > 0) {
      out.fill(0, offset, offset + this.paddingLength - 1);
      out[offset + this.paddingLength - 1] = this.paddingLength;
      offset += this.paddingLength;
    }
    return offset;
  }
}

/**
 * Writes a plain RTP header (no CSRC, no extension) into `out` for the sender's
 * hot path, where building an RtpPacket per 20 ms frame would allocate.
 */
export function writeRtpHeader(out: Uint8Array, payloadType: number, marker: boolean, sequenceNumber: number, timestamp: number, ssrc: number): number {
  out[0] = RTP_VERSION << 6;
  out[1] = (marker ? 0x80 : 0) | (payloadType & 0x7f);
  out[2] = (sequenceNumber >> 8) & 0xff;
  out[3] = sequenceNumber & 0xff;
  out[4] = (timestamp >>> 24) & 0xff;
  out[5] = (timestamp >>> 16) & 0xff;
  out[6] = (timestamp >>> 8) & 0xff;
  out[7] = timestamp & 0xff;
  out[8] = (ssrc >>> 24) & 0xff;
  out[9] = (ssrc >>> 16) & 0xff;
  out[10] = (ssrc >>> 8) & 0xff;
  out[11] = ssrc & 0xff;
  return RTP_HEADER_LENGTH;
}
