import { DeskphoneError } from '../../errors.js';

/**
 * The edge between the SIP layers and sockets (DESIGN.md "Transport"). The
 * transaction layer and the UA core see only this interface; UDP, TCP and TLS
 * adapters implement it, and tests implement it with an in-memory fake.
 *
 * A transport carries whole SIP messages as bytes: stream transports frame
 * them first (RFC 3261 §18.3), UDP takes one message per datagram.
 */
export type TransportProtocol = 'UDP' | 'TCP' | 'TLS';

export const TRANSPORT_PROTOCOLS: readonly TransportProtocol[] = ['UDP', 'TCP', 'TLS'];

export interface HostPort {
  /** An IP literal (IPv6 without brackets). Names are resolved before a send (RFC 3263). */
  address: string;
  port: number;
}

/** Where a message came from, enough to answer it (§18.2.2) and to apply RFC 3581. */
export interface InboundMessage {
  data: Uint8Array;
  protocol: TransportProtocol;
  remote: HostPort;
  local: HostPort;
  /** For stream transports: the connection it arrived on, so the answer reuses it (§18.2.2). */
  connectionId?: string;
}

export interface SendOptions {
  /** Reuse this connection when it is still open (responses, in-flow requests; RFC 5626 §5). */
  connectionId?: string;
  /** TLS: the name the server's certificate must carry (RFC 5922 §7.2). */
  serverName?: string;
}

export interface SendResult {
  local: HostPort;
  connectionId?: string;
}

export interface TransportEvents {
  message(message: InboundMessage): void;
  /** A connection closed or failed: flows over it are gone (RFC 5626 §4.4.1). */
  connectionClosed?(connectionId: string, remote: HostPort, error?: TransportError): void;
  /** RFC 5626 §3.5.1 keep-alive pong received on a connection. */
  pong?(connectionId: string): void;
  /** A datagram or stream that could not be framed: kept out of the UA, reported for logs. */
  malformed?(reason: string, remote: HostPort): void;
  /** A copy of every SIP message crossing the socket, both ways, for the packet capture (issue 7 §6). */
  traffic?(record: TrafficRecord): void;
}

/**
 * One SIP message as it crossed the socket: over TLS, the plaintext. `data` is
 * the transport's own buffer, valid only during the call: a tap copies it.
 */
export interface TrafficRecord {
  direction: 'in' | 'out';
  protocol: TransportProtocol;
  local: HostPort;
  remote: HostPort;
  data: Uint8Array;
}

export interface Transport {
  readonly protocol: TransportProtocol;
  /** Unreliable transports need request retransmission and Timers D/I/J/K (§17). */
  readonly reliable: boolean;
  /** The bound listening address; port is the actual port after binding to 0. */
  readonly local: HostPort;
  send(data: Uint8Array, destination: HostPort, options?: SendOptions): Promise<SendResult>;
  /** RFC 5626 §3.5.1 keep-alive: a CRLFCRLF ping on streams, CRLF datagram on UDP. */
  sendKeepAlive(destination: HostPort, options?: SendOptions): Promise<void>;
  /**
   * Stream transports: closes every connection whose local end is `address` (that address went away or is no
   * longer the way out, issue 5 point 11), so the next request forms a new flow from the current interface
   * instead of writing into a connection whose replies can no longer arrive. Returns how many were closed.
   */
  closeConnectionsFrom?(address: string): number;
  close(): Promise<void>;
}

export type TransportErrorReason = 'connect-failed' | 'send-failed' | 'closed' | 'no-transport' | 'no-route' | 'framing' | 'tls';

/** A send that could not be done; the transaction layer turns it into a 503 for its user (§8.1.3.1). */
export class TransportError extends DeskphoneError {
  readonly reason: TransportErrorReason;
  readonly protocol: TransportProtocol | undefined;
  readonly remote: HostPort | undefined;

  constructor(
    reason: TransportErrorReason,
    message: string,
    context: { protocol?: TransportProtocol; remote?: HostPort; cause?: unknown } = {},
  ) {
    super('SIP_TRANSPORT', message, { cause: context.cause });
    this.reason = reason;
    this.protocol = context.protocol;
    this.remote = context.remote;
  }
}

export function isReliable(protocol: TransportProtocol): boolean {
  return protocol !== 'UDP';
}

export function defaultPort(protocol: TransportProtocol): number {
  // RFC 3261 §19.1.2: 5060 for sip over UDP/TCP, 5061 for TLS.
  return protocol === 'TLS' ? 5061 : 5060;
}

export function formatHostPort(hp: HostPort): string {
  return hp.address.includes(':') ? `[${hp.address}]:${hp.port}` : `${hp.address}:${hp.port}`;
}
