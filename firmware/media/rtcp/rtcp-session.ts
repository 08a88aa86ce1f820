import type { RtpSource } from '../rtp/index.js';
import { msToNtpShort, ntpFromUnixMs, ntpMiddle32, ntpShortToMs } from './ntp-time.js';
import { rtcpInterval } from './rtcp-interval.js';
import { serializeRtcp, tryParseRtcp, type ReportBlock, type RtcpPacket, type RtcpParseReason } from './rtcp-packet.js';

/** What the RTCP session needs from the RTP sender (RtpSender satisfies it). */
export interface RtcpLocalSender {
  readonly ssrc: number;
  readonly packetsSent: number;
  readonly octetsSent: number;
  /** RTP timestamp of the next frame: the SR's timestamp corresponds to "now" (§6.4.1). */
  readonly timestamp: number;
}

export interface RtcpSessionOptions {
  cname: string;
  local: RtcpLocalSender;
  /** Session bandwidth in octets/s (§6.2); RTCP gets 5 % of it. G.711 at 20 ms is about 10 000. */
  sessionBandwidth?: number;
  /** Unix time (ms) at monotonic time 0, for the SR's NTP timestamp (peers use it for lip sync). */
  unixMsAtZero?: number;
  /** Uniform random in [0, 1) for the interval's randomization (§6.3.1). */
  random?: () => number;
}

/** What one received compound packet told us. */
export interface RtcpReceived {
  packets: RtcpPacket[];
  /** SSRCs that said goodbye (§6.6): the stream has ended, not been lost. */
  byes: number[];
}

/** §6.3.3: an RTCP packet's size counts the UDP and IPv4 headers. */
const LOWER_LAYER_OVERHEAD = 28;
const RTCP_BANDWIDTH_FRACTION = 0.05;

/**
 * The RTCP half of one call (RFC 3550 §6): builds compound reports at the
 * randomized interval, reads the peer's reports for round-trip time
 * (§6.4.1: RTT = A − LSR − DLSR) and the peer's view of our stream, and its SRs
 * so our report blocks can carry LSR/DLSR. Pure: the caller's timer asks
 * nextIntervalMs() and calls buildReport(nowMs) when it fires.
 */
export class RtcpSession {
  private readonly o: Required<Omit<RtcpSessionOptions, 'local'>> & { local: RtcpLocalSender };
  private avgRtcpSize = 128;
  private initial = true;
  private packetsAtLastReport = 0;
  private weSent = false;
  /** Per remote SSRC: LSR and when we got that SR, for DLSR. */
  private readonly lastSr = new Map<number, { lsr: number; atMs: number }>();
  /** Latest round-trip time measured from the peer's report about us, ms. */
  rttMs: number | undefined;
  /** The peer's latest report block about our stream. */
  remoteReport: ReportBlock | undefined;
  received = 0;
  readonly drops: Record<RtcpParseReason, number> = {
    truncated: 0,
    'bad-version': 0,
    'bad-length': 0,
    'bad-padding': 0,
    'not-report-first': 0,
    'bad-item': 0,
  };
  sent = 0;

  constructor(options: RtcpSessionOptions) {
    this.o = { sessionBandwidth: 10_000, unixMsAtZero: 0, random: Math.random, ...options };
  }

  /** Milliseconds until the next report (§6.3.1, randomized; the first one after half the minimum). */
  nextIntervalMs(remoteSenders = 1): number {
    const s = rtcpInterval({
      members: 2,
      senders: remoteSenders + (this.weSent ? 1 : 0),
      rtcpBandwidth: this.o.sessionBandwidth * RTCP_BANDWIDTH_FRACTION,
      weSent: this.weSent,
      avgRtcpSize: this.avgRtcpSize,
      initial: this.initial,
      random: this.o.random(),
    });
    return s * 1000;
  }

  /**
   * Builds the compound packet due now: SR if we sent RTP since the last
   * report, else RR (§6.4), one report block per source we receive, SDES CNAME (§6.5).
   */
  buildReport(nowMs: number, sources: readonly RtpSource[], extra: RtcpPacket[] = []): Uint8Array {
    const local = this.o.local;
    this.weSent = local.packetsSent > this.packetsAtLastReport;
    this.packetsAtLastReport = local.packetsSent;
    const reports = sources.map((s) => this.reportBlock(s, nowMs));
    const ntp = this.ntpNow(nowMs);
    const first: RtcpPacket = this.weSent
      ? {
          type: 'sr',
          ssrc: local.ssrc,
          sender: { ntpSeconds: ntp.seconds, ntpFraction: ntp.fraction, rtpTimestamp: local.timestamp, packetCount: local.packetsSent, octetCount: local.octetsSent },
          reports,
        }
      : { type: 'rr', ssrc: local.ssrc, reports };
    const bytes = serializeRtcp([first, { type: 'sdes', chunks: [{ ssrc: local.ssrc, items: [{ type: 1, text: this.o.cname }] }] }, ...extra]);
    this.noteSize(bytes.length);
    this.initial = false;
    this.sent++;
    return bytes;
  }

  /** The last compound packet of a call: a report, then BYE (§6.6). */
  buildBye(nowMs: number, sources: readonly RtpSource[], reason?: string): Uint8Array {
    return this.buildReport(nowMs, sources, [reason === undefined ? { type: 'bye', ssrcs: [this.o.local.ssrc] } : { type: 'bye', ssrcs: [this.o.local.ssrc], reason }]);
  }

  /** Offers one datagram; garbage is counted and dropped, never thrown. */
  receive(datagram: Uint8Array, nowMs: number): RtcpReceived | undefined {
    const r = tryParseRtcp(datagram);
    if (!r.ok) {
      this.drops[r.reason]++;
      return undefined;
    }
    this.received++;
    this.noteSize(datagram.length);
    const byes: number[] = [];
    for (const p of r.packets) {
      if (p.type === 'sr') {
        this.lastSr.set(p.ssrc, { lsr: ntpMiddle32(p.sender.ntpSeconds, p.sender.ntpFraction), atMs: nowMs });
      }
      if (p.type === 'sr' || p.type === 'rr') {
        for (const b of p.reports) if (b.ssrc === this.o.local.ssrc) this.onReportAboutUs(b, nowMs);
      }
      if (p.type === 'bye') byes.push(...p.ssrcs);
    }
    return { packets: r.packets, byes };
  }

  private onReportAboutUs(b: ReportBlock, nowMs: number): void {
    this.remoteReport = b;
    // §6.4.1: LSR = 0 means the peer has had no SR from us yet, so no RTT.
    if (b.lastSr === 0) return;
    const now = this.ntpNow(nowMs);
    const a = ntpMiddle32(now.seconds, now.fraction);
    const rtt = (a - b.lastSr - b.delaySinceLastSr) >>> 0;
    // A negative result (wrapped to a huge number) means clocks or fields are bogus: ignore it.
    if (rtt < 0x80000000) this.rttMs = ntpShortToMs(rtt);
  }

  private reportBlock(s: RtpSource, nowMs: number): ReportBlock {
    const sr = this.lastSr.get(s.ssrc);
    return {
      ssrc: s.ssrc,
      fractionLost: s.takeFractionLost(),
      cumulativeLost: s.cumulativeLost,
      extendedHighestSeq: s.extendedMaxSeq >>> 0,
      jitter: s.jitter,
      lastSr: sr ? sr.lsr : 0,
      delaySinceLastSr: sr ? msToNtpShort(nowMs - sr.atMs) : 0,
    };
  }

  private ntpNow(nowMs: number): { seconds: number; fraction: number } {
    return ntpFromUnixMs(this.o.unixMsAtZero + nowMs);
  }

  /** §6.3.3: avg_rtcp_size = 1/16 · packet_size + 15/16 · avg_rtcp_size. */
  private noteSize(bytes: number): void {
    this.avgRtcpSize += (bytes + LOWER_LAYER_OVERHEAD - this.avgRtcpSize) / 16;
  }
}
