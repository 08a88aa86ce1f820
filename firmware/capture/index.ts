export { CaptureError, type CaptureErrorCode } from './capture-error.js';
export { AddressCache, encodeIp, v4Mapped, type IpBytes } from './ip-address.js';
export {
  CaptureRing,
  decodeSnapshot,
  ENTRY_HEADER_BYTES,
  IPPROTO_TCP,
  IPPROTO_UDP,
  MIN_RING_BYTES,
  type CapturedEndpoint,
  type CapturedPacket,
  type IpProtocol,
} from './capture-ring.js';
export { CaptureTime } from './capture-time.js';
export { DatagramRecorder, type Endpoint, type SipTraffic } from './datagram-recorder.js';
export { writePcap } from './pcap-writer.js';
export { LINKTYPE_RAW } from '../media/pcap/pcap-file.js';
export { PacketCapture, ringSizes, type CaptureSettings, type RtpCaptureSource } from './packet-capture.js';
