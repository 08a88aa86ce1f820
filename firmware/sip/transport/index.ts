export type {
  HostPort,
  InboundMessage,
  SendOptions,
  SendResult,
  Transport,
  TransportEvents,
  TransportProtocol,
  TrafficRecord,
  TransportErrorReason,
} from './transport.js';
export { TransportError, TRANSPORT_PROTOCOLS, defaultPort, formatHostPort, isReliable } from './transport.js';
export { StreamFramer, StreamFramingError, DEFAULT_FRAMER_LIMITS } from './stream-framer.js';
export type { FramedUnit, StreamFramerLimits } from './stream-framer.js';
export { UdpTransport } from './udp-transport.js';
export type { UdpTransportOptions } from './udp-transport.js';
export { StreamTransport } from './stream-transport.js';
export type { StreamTransportOptions, TlsTransportOptions } from './stream-transport.js';
