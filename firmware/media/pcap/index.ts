export { PcapError, type PcapErrorCode } from './pcap-errors.js';
export {
  readPcap,
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_NULL,
  LINKTYPE_RAW,
  type PcapFile,
  type PcapRecord,
} from './pcap-file.js';
export { udpDatagrams, type UdpDatagram, type UdpEndpoint } from './udp-datagrams.js';
