/**
 * RTCP transmission interval (RFC 3550 §6.3.1 and the rtcp_interval() of
 * §A.7): 5 % of the session bandwidth for RTCP, a quarter of it for senders
 * when they are fewer than a quarter of the members, a 5 s minimum (halved
 * before the first report), randomized over [0.5, 1.5] and divided by
 * e − 3/2 to compensate for timer reconsideration.
 */
export const RTCP_MIN_TIME_S = 5;
export const RTCP_SENDER_BW_FRACTION = 0.25;
export const RTCP_RCVR_BW_FRACTION = 1 - RTCP_SENDER_BW_FRACTION;
const COMPENSATION = Math.E - 1.5;

export interface RtcpIntervalInput {
  members: number;
  senders: number;
  /** Bandwidth for RTCP in octets per second (5 % of the session bandwidth, §6.2). */
  rtcpBandwidth: number;
  weSent: boolean;
  /** Average compound RTCP packet size in octets, lower-layer headers included (§6.3.3). */
  avgRtcpSize: number;
  initial: boolean;
  /** A uniform random number in [0, 1). */
  random: number;
}

/** Seconds until the next compound RTCP packet. */
export function rtcpInterval(i: RtcpIntervalInput): number {
  const minTime = i.initial ? RTCP_MIN_TIME_S / 2 : RTCP_MIN_TIME_S;
  let n = i.members;
  let bw = i.rtcpBandwidth;
  if (i.senders <= i.members * RTCP_SENDER_BW_FRACTION) {
    if (i.weSent) {
      bw *= RTCP_SENDER_BW_FRACTION;
      n = i.senders;
    } else {
      bw *= RTCP_RCVR_BW_FRACTION;
      n -= i.senders;
    }
  }
  let t = bw > 0 ? (i.avgRtcpSize * n) / bw : minTime;
  if (t < minTime) t = minTime;
  t *= i.random + 0.5;
  return t / COMPENSATION;
}
