/**
 * Per-source reception state of RFC 3550 Appendix A: sequence validation and
 * probation (§A.1), expected/lost packet counts (§A.3) and interarrival jitter
 * (§6.4.1, §A.8). The receiver keeps one per SSRC it hears; RTCP reads its
 * counters to build report blocks.
 */

/** §A.1: a new source must deliver this many packets in sequence before it is valid. */
export const MIN_SEQUENTIAL = 2;
/** §A.1: a jump forward by up to this many is a gap (loss), not a restart. */
export const MAX_DROPOUT = 3000;
/** §A.1: a jump back by up to this many is a reordered or duplicate packet. */
export const MAX_MISORDER = 100;
const RTP_SEQ_MOD = 1 << 16;
/** A transit-time change larger than this is a timestamp discontinuity, not jitter. */
const TIMESTAMP_JUMP_S = 3;

/** What update() concluded about one packet. */
export type SequenceVerdict = 'valid' | 'probation' | 'restart' | 'bad-sequence' | 'duplicate-or-misordered';

export class RtpSource {
  readonly ssrc: number;
  /** Highest sequence number seen (16 bits). */
  maxSeq = 0;
  /** Shifted count of sequence number wraps (§A.1 `cycles`, a multiple of 2^16). */
  cycles = 0;
  baseSeq = 0;
  /** Last 'bad' sequence number + 1 (§A.1), or an impossible value. */
  private badSeq = RTP_SEQ_MOD + 1;
  probation: number;
  /** Packets received, duplicates and late packets included (§A.3 counts them too). */
  received = 0;
  private expectedPrior = 0;
  private receivedPrior = 0;
  /** §A.8 relative transit time of the previous packet, in timestamp units. */
  private transit: number | undefined;
  /** §A.8 jitter estimate, scaled by 16 in the RFC's integer form; kept as a float here. */
  private jitterTs = 0;
  readonly clockRate: number;
  /** Timestamp discontinuities seen (excluded from the jitter estimate). */
  timestampJumps = 0;

  constructor(ssrc: number, seq: number, clockRate: number) {
    this.ssrc = ssrc >>> 0;
    this.clockRate = clockRate;
    this.initSeq(seq);
    this.maxSeq = (seq - 1) & 0xffff;
    this.probation = MIN_SEQUENTIAL;
  }

  private initSeq(seq: number): void {
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.badSeq = RTP_SEQ_MOD + 1;
    this.cycles = 0;
    this.received = 0;
    this.receivedPrior = 0;
    this.expectedPrior = 0;
  }

  /** §A.1 update_seq(): classifies `seq` and updates the counters when the packet counts. */
  update(seq: number): SequenceVerdict {
    const udelta = (seq - this.maxSeq) & 0xffff;
    if (this.probation > 0) {
      // Source is not valid until MIN_SEQUENTIAL packets with sequential numbers have been received.
      if (seq === ((this.maxSeq + 1) & 0xffff)) {
        this.probation--;
        this.maxSeq = seq;
        if (this.probation === 0) {
          this.initSeq(seq);
          this.received++;
          return 'valid';
        }
      } else {
        this.probation = MIN_SEQUENTIAL - 1;
        this.maxSeq = seq;
      }
      return 'probation';
    }
    if (udelta < MAX_DROPOUT) {
      // In order, with permissible gap.
      if (seq < this.maxSeq) this.cycles += RTP_SEQ_MOD; // sequence number wrapped
      this.maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      // The sequence number made a very large jump.
      if (seq === this.badSeq) {
        // Two sequential packets: assume the other side restarted without telling us.
        this.initSeq(seq);
        this.received++;
        return 'restart';
      }
      this.badSeq = (seq + 1) & (RTP_SEQ_MOD - 1);
      return 'bad-sequence';
    } else {
      // Duplicate or reordered packet: counted as received, as §A.3 expects.
      this.received++;
      return 'duplicate-or-misordered';
    }
    this.received++;
    return 'valid';
  }

  /** Extended highest sequence number received (§6.4.1). */
  get extendedMaxSeq(): number {
    return this.cycles + this.maxSeq;
  }

  /** §A.3: packets expected since the first valid one. */
  get expected(): number {
    return this.extendedMaxSeq - this.baseSeq + 1;
  }

  /** §A.3 cumulative number of packets lost; negative when duplicates outnumber losses (the RFC allows it). */
  get cumulativeLost(): number {
    return this.expected - this.received;
  }

  /**
   * §A.3 fraction lost since the previous call, as the 8-bit fixed-point value
   * RTCP carries (loss/expected × 256); advances the reporting interval.
   */
  takeFractionLost(): number {
    const expected = this.expected;
    const expectedInterval = expected - this.expectedPrior;
    this.expectedPrior = expected;
    const receivedInterval = this.received - this.receivedPrior;
    this.receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    if (expectedInterval === 0 || lostInterval <= 0) return 0;
    return Math.floor((lostInterval * 256) / expectedInterval) & 0xff;
  }

  /**
   * §A.8: D(i-1,i) = (Ri - Si) - (Ri-1 - Si-1), J += (|D| - J)/16, with arrival
   * time converted to timestamp units. Call once per packet that is not a duplicate.
   */
  updateJitter(rtpTimestamp: number, arrivalMs: number): void {
    const arrivalTs = (arrivalMs * this.clockRate) / 1000;
    // Differences of 32-bit timestamps are taken modulo 2^32 so a wrap does not look like a jump.
    const transit = arrivalTs - (rtpTimestamp >>> 0);
    if (this.transit !== undefined) {
      let d = transit - this.transit;
      d = ((d % 4294967296) + 4294967296 + 2147483648) % 4294967296 - 2147483648;
      if (Math.abs(d) > TIMESTAMP_JUMP_S * this.clockRate) {
        // Not network jitter: the sender's timestamps jumped (a restart or a new random base,
        // §5.1). Feeding it to the estimator would report seconds of jitter for minutes.
        this.timestampJumps++;
      } else {
        this.jitterTs += (Math.abs(d) - this.jitterTs) / 16;
      }
    }
    this.transit = transit;
  }

  /** Interarrival jitter in timestamp units, as the RR's jitter field carries it. */
  get jitter(): number {
    return Math.floor(this.jitterTs);
  }

  get jitterMs(): number {
    return (this.jitterTs * 1000) / this.clockRate;
  }

  /** Forgets the transit of the previous packet (after a timestamp jump that is not network jitter). */
  resetTransit(): void {
    this.transit = undefined;
  }
}
