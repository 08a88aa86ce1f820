import type { RtpParseReason } from './rtp-errors.js';
import { RtpPacket } from './rtp-packet.js';
import { RtpSource } from './rtp-source.js';

export interface RemoteEndpoint {
  address: string;
  port: number;
}

/** Why a datagram did not reach the jitter buffer. Every one is counted, none is thrown. */
export type RtpDropReason = RtpParseReason | 'unexpected-payload-type' | 'foreign-source' | 'probation' | 'bad-sequence';

export interface RtpReceiverOptions {
  clockRate: number;
  /** Payload types negotiated in SDP (§A.1: "payload type must be known"). */
  expectedPayloadTypes: Iterable<number>;
  /**
   * How long the latched source must be silent before another address may take
   * over (a NAT rebinding or a re-INVITE moving the media). Shorter lets an
   * injector hijack a call during a pause; longer delays recovery after a move.
   */
  relatchAfterMs?: number;
}

export interface RtpReceived {
  packet: RtpPacket;
  /** True when this packet is the first of a new SSRC or a restarted sequence: the jitter buffer resyncs. */
  newSource: boolean;
}

/** Keep probation state for at most this many unlatched candidates, so a flood cannot grow memory. */
const MAX_CANDIDATES = 8;
export const RELATCH_AFTER_MS_DEFAULT = 2000;

interface Candidate {
  from: RemoteEndpoint;
  source: RtpSource;
  lastMs: number;
}

/**
 * The receiving half of an RTP session: validation (RFC 3550 §A.1) and
 * symmetric RTP (RFC 4961). Behind a NAT the address in the SDP is often not
 * where the media comes from, so the phone latches to the address whose packets
 * pass probation and sends its own RTP there; once latched, packets from any
 * other address are dropped ("foreign-source") unless the latched source has
 * been silent for relatchAfterMs, so a third party cannot inject audio into a
 * live call by guessing the port.
 */
export class RtpReceiver {
  readonly clockRate: number;
  private readonly expected: Set<number>;
  private readonly relatchAfterMs: number;
  private latchedTo: RemoteEndpoint | undefined;
  private current: RtpSource | undefined;
  private lastLatchedMs = -Infinity;
  private readonly candidates: Candidate[] = [];

  /** Datagrams offered to receive(). */
  datagrams = 0;
  /** Packets handed on to the jitter buffer. */
  accepted = 0;
  readonly drops: Record<RtpDropReason, number> = {
    truncated: 0,
    'bad-version': 0,
    'bad-padding': 0,
    'bad-extension': 0,
    oversize: 0,
    'unexpected-payload-type': 0,
    'foreign-source': 0,
    probation: 0,
    'bad-sequence': 0,
  };
  /** Times the latch moved to another address or SSRC after the first. */
  relatches = 0;
  ssrcChanges = 0;

  constructor(options: RtpReceiverOptions) {
    this.clockRate = options.clockRate;
    this.expected = new Set(options.expectedPayloadTypes);
    this.relatchAfterMs = options.relatchAfterMs ?? RELATCH_AFTER_MS_DEFAULT;
  }

  /** Where symmetric RTP sends our packets: the latched address, once there is one. */
  get remote(): RemoteEndpoint | undefined {
    return this.latchedTo;
  }

  /** Reception state of the current source (for RTCP report blocks and statistics). */
  get source(): RtpSource | undefined {
    return this.current;
  }

  get dropped(): number {
    let n = 0;
    for (const k in this.drops) n += this.drops[k as RtpDropReason];
    return n;
  }

  /** Offers one datagram; returns the packet when it should be played, else counts why not. */
  receive(datagram: Uint8Array, from: RemoteEndpoint, arrivalMs: number): RtpReceived | undefined {
    this.datagrams++;
    const parsed = RtpPacket.tryParse(datagram);
    if (!parsed.ok) return this.drop(parsed.reason);
    const packet = parsed.packet;
    if (!this.expected.has(packet.payloadType)) return this.drop('unexpected-payload-type');

    const fromLatched = this.latchedTo !== undefined && sameEndpoint(this.latchedTo, from);
    if (fromLatched && this.current !== undefined && packet.ssrc === this.current.ssrc) {
      const verdict = this.current.update(packet.sequenceNumber);
      if (verdict === 'bad-sequence') return this.drop('bad-sequence');
      if (verdict === 'probation') return this.drop('probation');
      this.lastLatchedMs = arrivalMs;
      if (verdict === 'restart') this.current.resetTransit();
      this.current.updateJitter(packet.timestamp, arrivalMs);
      this.accepted++;
      return { packet, newSource: verdict === 'restart' };
    }

    // A packet from another SSRC or address: allowed to take over only if it comes
    // from the latched address (§8.2 SSRC change) or the latched source went quiet.
    const mayTakeOver = this.latchedTo === undefined || fromLatched || arrivalMs - this.lastLatchedMs >= this.relatchAfterMs;
    if (!mayTakeOver) return this.drop('foreign-source');

    const candidate = this.candidateFor(from, packet, arrivalMs);
    const verdict = candidate.source.update(packet.sequenceNumber);
    if (verdict !== 'valid') return this.drop('probation');

    // §A.1 probation passed: this is now the source we play and answer.
    this.removeCandidate(candidate);
    if (this.latchedTo !== undefined) {
      if (!sameEndpoint(this.latchedTo, from)) this.relatches++;
      if (this.current !== undefined && this.current.ssrc !== packet.ssrc) this.ssrcChanges++;
    }
    this.latchedTo = { address: from.address, port: from.port };
    this.current = candidate.source;
    this.lastLatchedMs = arrivalMs;
    this.current.updateJitter(packet.timestamp, arrivalMs);
    this.accepted++;
    return { packet, newSource: true };
  }

  private candidateFor(from: RemoteEndpoint, packet: RtpPacket, nowMs: number): Candidate {
    for (const c of this.candidates) {
      if (c.source.ssrc === packet.ssrc && sameEndpoint(c.from, from)) {
        c.lastMs = nowMs;
        return c;
      }
    }
    if (this.candidates.length >= MAX_CANDIDATES) {
      let oldest = 0;
      for (let i = 1; i < this.candidates.length; i++) if (this.candidates[i]!.lastMs < this.candidates[oldest]!.lastMs) oldest = i;
      this.candidates.splice(oldest, 1);
    }
    const c: Candidate = { from: { address: from.address, port: from.port }, source: new RtpSource(packet.ssrc, packet.sequenceNumber, this.clockRate), lastMs: nowMs };
    this.candidates.push(c);
    return c;
  }

  private removeCandidate(c: Candidate): void {
    const i = this.candidates.indexOf(c);
    if (i >= 0) this.candidates.splice(i, 1);
  }

  private drop(reason: RtpDropReason): undefined {
    this.drops[reason]++;
    return undefined;
  }
}

function sameEndpoint(a: RemoteEndpoint, b: RemoteEndpoint): boolean {
  return a.port === b.port && a.address === b.address;
}
