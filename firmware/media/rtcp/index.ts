export {
  parseRtcp,
  serializeRtcp,
  tryParseRtcp,
  RtcpParseError,
  RTCP_BYE,
  RTCP_RR,
  RTCP_SDES,
  RTCP_SR,
  SDES_CNAME,
  type ReportBlock,
  type RtcpPacket,
  type RtcpParseReason,
  type RtcpParseResult,
  type SenderInfo,
} from './rtcp-packet.js';
export { rtcpInterval, RTCP_MIN_TIME_S, type RtcpIntervalInput } from './rtcp-interval.js';
export { isRtcpPacket } from './rtcp-mux.js';
export { msToNtpShort, ntpFromUnixMs, ntpMiddle32, ntpShortToMs } from './ntp-time.js';
export { RtcpSession, type RtcpLocalSender, type RtcpReceived, type RtcpSessionOptions } from './rtcp-session.js';
