import { PcapError } from './pcap-errors.js';

/*
 * libpcap file format (draft-ietf-opsawg-pcap §4–5):
 *
 * global header, 24 bytes:
 *   magic (0xA1B2C3D4 µs or 0xA1B23C4D ns timestamps, in the writer's byte order)
 *   version major (2), minor (4), thiszone, sigfigs, snaplen, link type
 * then per record, 16 bytes + data:
 *   ts seconds, ts microseconds (or nanoseconds), captured length, original length
 */

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;
/** Some BSDs write DLT_RAW as 12 or 14 instead of 101. */
const LINKTYPE_RAW_ALIASES = [12, 14];

export interface PcapRecord {
  /** Capture time, ms since the Unix epoch (fractional). */
  timestampMs: number;
  /** The captured bytes (a view into the file). */
  data: Uint8Array;
  originalLength: number;
}

export interface PcapFile {
  linkType: number;
  snapLength: number;
  nanosecond: boolean;
  records: PcapRecord[];
}

const PCAPNG_MAGIC = 0x0a0d0d0a;
/** No link-layer frame is this large; a larger record length means a damaged file. */
const MAX_RECORD = 256 * 1024;

/** Reads a whole libpcap file; throws PcapError naming the byte where it is damaged. */
export function readPcap(buf: Uint8Array): PcapFile {
  if (buf.length < 24) throw new PcapError('PCAP_INVALID', 0, `not a pcap file: ${buf.length} bytes is shorter than the 24-byte header`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magicBE = view.getUint32(0, false);
  if (magicBE === PCAPNG_MAGIC) {
    throw new PcapError('PCAP_UNSUPPORTED', 0, 'this is a pcapng file; save it as plain pcap (e.g. `editcap -F pcap in.pcapng out.pcap`)');
  }
  let little: boolean;
  let nanosecond: boolean;
  if (magicBE === 0xa1b2c3d4 || magicBE === 0xa1b23c4d) {
    little = false;
    nanosecond = magicBE === 0xa1b23c4d;
  } else if (magicBE === 0xd4c3b2a1 || magicBE === 0x4d3cb2a1) {
    little = true;
    nanosecond = magicBE === 0x4d3cb2a1;
  } else {
    throw new PcapError('PCAP_INVALID', 0, `not a pcap file: unknown magic number 0x${magicBE.toString(16).padStart(8, '0')}`);
  }
  const major = view.getUint16(4, little);
  if (major !== 2) throw new PcapError('PCAP_INVALID', 4, `unsupported pcap version ${major}.${view.getUint16(6, little)}`);
  const snapLength = view.getUint32(16, little);
  // The top bits of the link-type field carry FCS information (§5.1); the type is the low 16.
  let linkType = view.getUint32(20, little) & 0xffff;
  if (LINKTYPE_RAW_ALIASES.includes(linkType)) linkType = LINKTYPE_RAW;
  const records: PcapRecord[] = [];
  let offset = 24;
  const fracScale = nanosecond ? 1e-6 : 1e-3;
  while (offset < buf.length) {
    if (buf.length - offset < 16) throw new PcapError('PCAP_INVALID', offset, `damaged pcap: truncated record header at byte ${offset}`);
    const seconds = view.getUint32(offset, little);
    const fraction = view.getUint32(offset + 4, little);
    const captured = view.getUint32(offset + 8, little);
    const original = view.getUint32(offset + 12, little);
    if (captured > MAX_RECORD || (nanosecond ? fraction >= 1e9 : fraction >= 1e6)) {
      throw new PcapError('PCAP_INVALID', offset, `damaged pcap: implausible record header at byte ${offset} (length ${captured}, sub-second ${fraction})`);
    }
    if (offset + 16 + captured > buf.length) {
      throw new PcapError('PCAP_INVALID', offset, `damaged pcap: record at byte ${offset} claims ${captured} bytes but the file ends after ${buf.length - offset - 16}`);
    }
    records.push({ timestampMs: seconds * 1000 + fraction * fracScale, data: buf.subarray(offset + 16, offset + 16 + captured), originalLength: original });
    offset += 16 + captured;
  }
  return { linkType, snapLength, nanosecond, records };
}
