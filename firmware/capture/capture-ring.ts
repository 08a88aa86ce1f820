import { CaptureError } from './capture-error.js';
import type { IpBytes } from './ip-address.js';

/**
 * The most recent packets in a fixed amount of memory (issue 7 §6: "the recent
 * SIP and RTP traffic"). One preallocated buffer holds variable-length
 * entries back to back; a new entry that does not fit overwrites the oldest
 * ones. Adding copies the packet into the buffer and allocates nothing, so the
 * media worker can record every RTP packet on its 20 ms path.
 *
 * Entry layout (little-endian), 56 bytes and the payload padded to 4:
 *
 *    0  u32 entry length        4  u32 payload length
 *    8  f64 capture time, ms since the Unix epoch
 *   16  u8 source family (4|6)  17  u8 destination family
 *   18  u8 IP protocol (6 TCP, 17 UDP)  19  reserved
 *   20  u16 source port        22  u16 destination port
 *   24  source address (16)    40  destination address (16)
 *   56  payload
 *
 * The header is no smaller than what the pcap writer adds per IPv4 packet
 * (16-byte record header, 20-byte IPv4, 8-byte UDP or 20-byte TCP), so the
 * file written from a full ring is no larger than the ring (README.md).
 */
export const ENTRY_HEADER_BYTES = 56;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export type IpProtocol = typeof IPPROTO_TCP | typeof IPPROTO_UDP;

/** The smallest ring that still holds a full-size SIP message (RFC 3261 §18.1.1's 64 KB bound plus headers). */
export const MIN_RING_BYTES = 80 * 1024;

export interface CapturedEndpoint {
  ip: IpBytes;
  port: number;
}

export interface CapturedPacket {
  timestampMs: number;
  protocol: IpProtocol;
  source: CapturedEndpoint;
  destination: CapturedEndpoint;
  payload: Uint8Array;
}

export class CaptureRing {
  private readonly buf: Uint8Array;
  private readonly view: DataView;
  /** Offset of the oldest entry. */
  private start = 0;
  /** Offset just after the newest entry: where the next one goes. */
  private end = 0;
  /** While the entries wrap round, where the older run stops (the rest of the buffer is unused); -1 otherwise. */
  private wrapAt = -1;
  private count = 0;
  /** Packets refused because they could never fit (larger than the whole ring). */
  private refused = 0;
  /** Entries overwritten by newer ones since the ring was created or cleared. */
  private overwritten = 0;

  constructor(readonly capacityBytes: number) {
    if (!Number.isInteger(capacityBytes) || capacityBytes < ENTRY_HEADER_BYTES + 4) {
      throw new CaptureError('CAPTURE_SIZE', `a capture ring needs at least ${ENTRY_HEADER_BYTES + 4} bytes, not ${capacityBytes}`);
    }
    this.buf = new Uint8Array(capacityBytes);
    this.view = new DataView(this.buf.buffer);
  }

  /** Packets held now. */
  get packets(): number {
    return this.count;
  }

  get dropped(): { overwritten: number; tooLarge: number } {
    return { overwritten: this.overwritten, tooLarge: this.refused };
  }

  /** Bytes the held entries occupy. */
  get usedBytes(): number {
    if (this.count === 0) return 0;
    return this.wrapAt < 0 ? this.end - this.start : this.wrapAt - this.start + this.end;
  }

  /**
   * Records one packet (copied from data[offset, offset + length)). Returns
   * false when the packet is larger than the whole ring and was not kept.
   */
  add(
    timestampMs: number,
    protocol: IpProtocol,
    source: IpBytes,
    sourcePort: number,
    destination: IpBytes,
    destinationPort: number,
    data: Uint8Array,
    offset = 0,
    length = data.length - offset,
  ): boolean {
    const size = ENTRY_HEADER_BYTES + ((length + 3) & ~3);
    if (size > this.capacityBytes) {
      this.refused++;
      return false;
    }
    const at = this.reserve(size);
    const v = this.view;
    v.setUint32(at, size, true);
    v.setUint32(at + 4, length, true);
    v.setFloat64(at + 8, timestampMs, true);
    v.setUint8(at + 16, source.family);
    v.setUint8(at + 17, destination.family);
    v.setUint8(at + 18, protocol);
    v.setUint8(at + 19, 0);
    v.setUint16(at + 20, sourcePort, true);
    v.setUint16(at + 22, destinationPort, true);
    this.buf.set(source.bytes, at + 24);
    this.buf.set(destination.bytes, at + 40);
    this.buf.set(length === data.length && offset === 0 ? data : data.subarray(offset, offset + length), at + ENTRY_HEADER_BYTES);
    this.end = at + size;
    this.count++;
    return true;
  }

  /** The held entries, oldest first, copied into one buffer (for a download; decodeSnapshot reads it). */
  snapshot(): Uint8Array {
    const out = new Uint8Array(this.usedBytes);
    if (this.count === 0) return out;
    if (this.wrapAt < 0) {
      out.set(this.buf.subarray(this.start, this.end));
    } else {
      out.set(this.buf.subarray(this.start, this.wrapAt));
      out.set(this.buf.subarray(0, this.end), this.wrapAt - this.start);
    }
    return out;
  }

  clear(): void {
    this.start = this.end = this.count = this.refused = this.overwritten = 0;
    this.wrapAt = -1;
  }

  /** Makes room for `size` bytes at the write position, evicting the oldest entries; returns where to write. */
  private reserve(size: number): number {
    if (this.end + size > this.capacityBytes) {
      // Not enough room before the end of the buffer: everything still stored there is the oldest data.
      while (this.count > 0 && this.wrapAt >= 0) this.evict();
      if (this.count === 0) {
        this.start = this.end = 0;
      } else {
        this.wrapAt = this.end;
        this.end = 0;
      }
    }
    // Wrapped: the oldest entries sit just after the write position; overwrite as many as the new one needs.
    while (this.count > 0 && this.wrapAt >= 0 && this.start < this.end + size) this.evict();
    return this.end;
  }

  private evict(): void {
    this.start += this.view.getUint32(this.start, true);
    this.count--;
    this.overwritten++;
    if (this.start === this.wrapAt) {
      this.start = 0;
      this.wrapAt = -1;
    }
    if (this.count === 0) {
      this.start = this.end;
      this.wrapAt = -1;
    }
  }
}

/** Reads a snapshot back into packets (payloads are views into `bytes`). Throws CaptureError on a damaged snapshot. */
export function decodeSnapshot(bytes: Uint8Array): CapturedPacket[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: CapturedPacket[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < ENTRY_HEADER_BYTES) throw new CaptureError('CAPTURE_DAMAGED', `capture snapshot cut short at byte ${at}`);
    const size = view.getUint32(at, true);
    const length = view.getUint32(at + 4, true);
    const protocol = view.getUint8(at + 18);
    const sf = view.getUint8(at + 16);
    const df = view.getUint8(at + 17);
    if (size < ENTRY_HEADER_BYTES + length || at + size > bytes.length || (protocol !== IPPROTO_TCP && protocol !== IPPROTO_UDP) || !isFamily(sf) || !isFamily(df)) {
      throw new CaptureError('CAPTURE_DAMAGED', `capture snapshot damaged at byte ${at}`);
    }
    out.push({
      timestampMs: view.getFloat64(at + 8, true),
      protocol,
      source: { ip: { family: sf, bytes: bytes.subarray(at + 24, at + 40) }, port: view.getUint16(at + 20, true) },
      destination: { ip: { family: df, bytes: bytes.subarray(at + 40, at + 56) }, port: view.getUint16(at + 22, true) },
      payload: bytes.subarray(at + ENTRY_HEADER_BYTES, at + ENTRY_HEADER_BYTES + length),
    });
    at += size;
  }
  return out;
}

function isFamily(f: number): f is 4 | 6 {
  return f === 4 || f === 6;
}
