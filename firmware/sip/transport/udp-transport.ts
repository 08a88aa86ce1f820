import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import {
  TransportError,
  type HostPort,
  type SendOptions,
  type SendResult,
  type Transport,
  type TransportEvents,
} from './transport.js';

export interface UdpTransportOptions {
  /** Address to bind: '0.0.0.0', '127.0.0.1', '::', '::1'. */
  address: string;
  /** 0 picks a free port. */
  port: number;
  /** Datagrams above this are dropped unread (a SIP message over UDP stays below 65,507 bytes). */
  maxDatagram?: number;
}

/**
 * SIP over UDP (RFC 3261 §18): one message per datagram, no framing, no
 * connection. Unreliable, so the transaction layer retransmits.
 */
export class UdpTransport implements Transport {
  readonly protocol = 'UDP' as const;
  readonly reliable = false;
  private socket: dgram.Socket;
  private bound: HostPort;
  private closed = false;
  private readonly maxDatagram: number;
  private readonly events: TransportEvents;

  private constructor(socket: dgram.Socket, bound: HostPort, events: TransportEvents, maxDatagram: number) {
    this.socket = socket;
    this.events = events;
    this.bound = bound;
    this.maxDatagram = maxDatagram;
    socket.on('message', (msg, rinfo) => {
      if (msg.length > this.maxDatagram) {
        events.malformed?.(`datagram of ${msg.length} bytes dropped`, { address: rinfo.address, port: rinfo.port });
        return;
      }
      const data = new Uint8Array(msg.buffer, msg.byteOffset, msg.length);
      const remote = { address: rinfo.address, port: rinfo.port };
      // Keep-alives are captured too: a NAT that drops them is what a capture is often taken to find.
      events.traffic?.({ direction: 'in', protocol: 'UDP', local: this.bound, remote, data });
      // RFC 5626 §4.4.1: a bare CRLF (or STUN) datagram is a keep-alive, not a message.
      if (isOnlyWhitespace(msg)) return;
      events.message({ data, protocol: 'UDP', remote, local: this.bound });
    });
  }

  static async listen(options: UdpTransportOptions, events: TransportEvents): Promise<UdpTransport> {
    const type = isIPv6(options.address) ? 'udp6' : 'udp4';
    const socket = dgram.createSocket({ type, ipv6Only: type === 'udp6' });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(options.port, options.address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    // A late ICMP error on a connectionless socket must not crash the phone.
    socket.on('error', () => {});
    const addr = socket.address();
    return new UdpTransport(socket, { address: addr.address, port: addr.port }, events, options.maxDatagram ?? 65_507);
  }

  get local(): HostPort {
    return this.bound;
  }

  send(data: Uint8Array, destination: HostPort, _options?: SendOptions): Promise<SendResult> {
    if (this.closed) return Promise.reject(new TransportError('closed', 'UDP transport closed', { protocol: 'UDP', remote: destination }));
    this.events.traffic?.({ direction: 'out', protocol: 'UDP', local: this.bound, remote: destination, data });
    return new Promise((resolve, reject) => {
      this.socket.send(data, destination.port, destination.address, (err) => {
        if (err) reject(new TransportError('send-failed', `UDP send to ${destination.address}:${destination.port} failed: ${err.message}`, { protocol: 'UDP', remote: destination, cause: err }));
        else resolve({ local: this.bound });
      });
    });
  }

  async sendKeepAlive(destination: HostPort): Promise<void> {
    // RFC 5626 §3.5.1 lets UDP flows use STUN; a CRLF datagram is what most phones send and keeps NAT bindings open.
    await this.send(new Uint8Array([0x0d, 0x0a]), destination);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}

function isOnlyWhitespace(b: Uint8Array): boolean {
  for (const c of b) if (c !== 0x0d && c !== 0x0a && c !== 0x20 && c !== 0x00) return false;
  return true;
}
