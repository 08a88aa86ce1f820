import type { Clock, WallClock } from '../clock/index.js';

/** How often the wall-clock anchor is taken again, so a date set by NTP after boot reaches the capture soon. */
const REANCHOR_MS = 10_000;

/**
 * Capture timestamps: wall-clock milliseconds (a pcap records real dates)
 * with the monotonic clock's sub-millisecond resolution. The offset between
 * the two is re-read every ten seconds instead of for each packet, which
 * would allocate a Date on the RTP path.
 */
export class CaptureTime {
  private offsetMs = 0;
  private anchoredAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly clock: Clock,
    private readonly wall: WallClock,
  ) {}

  nowMs(): number {
    const now = this.clock.now();
    if (now - this.anchoredAt >= REANCHOR_MS) {
      this.offsetMs = this.wall.nowDate().getTime() - now;
      this.anchoredAt = now;
    }
    return this.offsetMs + now;
  }
}
