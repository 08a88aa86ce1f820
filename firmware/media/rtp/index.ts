export { RtpParseError, type RtpParseReason } from './rtp-errors.js';
export {
  RtpPacket,
  writeRtpHeader,
  RTP_HEADER_LENGTH,
  RTP_MAX_PACKET_LENGTH,
  RTP_VERSION,
  type RtpHeaderExtension,
  type RtpPacketFields,
  type RtpParseResult,
} from './rtp-packet.js';
export { RtpSource, MAX_DROPOUT, MAX_MISORDER, MIN_SEQUENTIAL, type SequenceVerdict } from './rtp-source.js';
export { RtpSender, type RtpSenderOptions } from './rtp-sender.js';
export { RtpReceiver, RELATCH_AFTER_MS_DEFAULT, type RemoteEndpoint, type RtpDropReason, type RtpReceived, type RtpReceiverOptions } from './rtp-receiver.js';
export { cryptoRandomUint32, type RandomUint32 } from './random-source.js';
