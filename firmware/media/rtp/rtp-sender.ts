import { cryptoRandomUint32, type RandomUint32 } from './random-source.js';
import { RTP_HEADER_LENGTH, writeRtpHeader } from './rtp-packet.js';

export interface RtpSenderOptions {
  payloadType: number;
  /** Fixed SSRC (e.g. to keep it across a re-INVITE); random otherwise (RFC 3550 §8.1). */
  ssrc?: number;
  random?: RandomUint32;
}

/**
 * The sending half of an RTP session: numbers and stamps outgoing frames.
 * Timestamps count samples (RFC 3550 §5.1), never wall-clock time, so the
 * sound card's clock paces them; the marker bit flags the first packet of each
 * talk spurt (RFC 3551 §4.1) so the far end's jitter buffer may re-align there.
 */
export class RtpSender {
  payloadType: number;
  ssrc: number;
  /** Sequence number of the next packet. */
  sequenceNumber: number;
  /** RTP timestamp of the next frame's first sample. */
  timestamp: number;
  packetsSent = 0;
  /** Payload octets sent (RFC 3550 §6.4.1 sender's octet count excludes headers). */
  octetsSent = 0;
  /** Timestamp of the last packet sent, for the SR's RTP/NTP correspondence. */
  lastTimestamp: number | undefined;
  private talkspurtStart = true;
  private readonly random: RandomUint32;

  constructor(options: RtpSenderOptions) {
    this.random = options.random ?? cryptoRandomUint32;
    this.payloadType = options.payloadType;
    this.ssrc = (options.ssrc ?? this.random()) >>> 0;
    // §5.1: the initial sequence number and timestamp SHOULD be random.
    this.sequenceNumber = this.random() & 0xffff;
    this.timestamp = this.random() >>> 0;
  }

  /**
   * Writes header + payload into `out` (preallocated, ≥ 12 + payloadLength) and
   * advances sequence number and timestamp by `samples`. Returns the datagram length.
   */
  packetize(payload: Uint8Array, payloadLength: number, samples: number, out: Uint8Array, payloadType = this.payloadType): number {
    writeRtpHeader(out, payloadType, this.talkspurtStart, this.sequenceNumber, this.timestamp, this.ssrc);
    for (let i = 0; i < payloadLength; i++) out[RTP_HEADER_LENGTH + i] = payload[i]!;
    this.talkspurtStart = false;
    this.lastTimestamp = this.timestamp;
    this.sequenceNumber = (this.sequenceNumber + 1) & 0xffff;
    this.timestamp = (this.timestamp + samples) >>> 0;
    this.packetsSent++;
    this.octetsSent += payloadLength;
    return RTP_HEADER_LENGTH + payloadLength;
  }

  /**
   * Silence suppressed (DTX): time passes without packets. The timestamp keeps
   * counting samples, the sequence number does not (§5.1), and the next packet
   * starts a talk spurt.
   */
  skip(samples: number): void {
    this.timestamp = (this.timestamp + samples) >>> 0;
    this.talkspurtStart = true;
  }

  /** Marks the next packet as a talk-spurt start (e.g. after unmute or hold). */
  markTalkspurt(): void {
    this.talkspurtStart = true;
  }

  /** RFC 3550 §8.2: on an SSRC collision, pick a new identifier (and restart numbering). */
  changeSsrc(): void {
    let next = this.random() >>> 0;
    while (next === this.ssrc) next = this.random() >>> 0;
    this.ssrc = next;
    this.packetsSent = 0;
    this.octetsSent = 0;
    this.talkspurtStart = true;
  }
}
