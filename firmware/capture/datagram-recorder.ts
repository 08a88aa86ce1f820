import { CaptureRing, IPPROTO_TCP, IPPROTO_UDP, type IpProtocol } from './capture-ring.js';
import { AddressCache, type IpBytes } from './ip-address.js';

export interface Endpoint {
  address: string;
  port: number;
}

/**
 * A SIP message as a transport saw it cross its socket (the shape of
 * firmware/sip's TrafficRecord, restated here so capture stays a leaf module).
 */
export interface SipTraffic {
  direction: 'in' | 'out';
  protocol: 'UDP' | 'TCP' | 'TLS';
  local: Endpoint;
  remote: Endpoint;
  data: Uint8Array;
}

/**
 * Records datagrams into a CaptureRing when capture is on and does nothing when
 * it is off. Used twice: by the media worker for RTP/RTCP (the ring lives in
 * the worker, next to the sockets) and on the main thread for SIP.
 */
export class DatagramRecorder {
  private ring: CaptureRing | undefined;
  private readonly addresses = new AddressCache();
  private own: IpBytes | undefined;
  /** Packets that could not be recorded (a fault in the capture, never passed on to the call's audio path). */
  failures = 0;

  constructor(private readonly nowMs: () => number) {}

  /** Turns capture on with a ring of this many bytes (a new size starts an empty ring), or off with null. */
  configure(ringBytes: number | null): void {
    if (ringBytes === null) this.ring = undefined;
    else if (this.ring?.capacityBytes !== ringBytes) this.ring = new CaptureRing(ringBytes);
  }

  /**
   * The phone's own address (the one its SDP and Via carry), recorded for
   * sockets bound to all interfaces: the kernel does not say which local
   * address a datagram used, and 0.0.0.0 would keep Wireshark from matching
   * the RTP to the SDP that set it up.
   */
  setOwnAddress(address: string | undefined): void {
    this.own = address === undefined ? undefined : this.addresses.get(address);
  }

  get enabled(): boolean {
    return this.ring !== undefined;
  }

  get packets(): number {
    return this.ring?.packets ?? 0;
  }

  /** A datagram sent from `local` to `to`: data[0, length). */
  sent(local: IpBytes, localPort: number, to: Endpoint, data: Uint8Array, length = data.length, protocol: IpProtocol = IPPROTO_UDP): void {
    const ring = this.ring;
    if (!ring) return;
    const remote = this.addresses.get(to.address);
    if (remote) this.record(ring, protocol, local, localPort, remote, to.port, data, length);
  }

  /** A datagram received on `local` from `from`. */
  received(local: IpBytes, localPort: number, from: Endpoint, data: Uint8Array, protocol: IpProtocol = IPPROTO_UDP): void {
    const ring = this.ring;
    if (!ring) return;
    const remote = this.addresses.get(from.address);
    if (remote) this.record(ring, protocol, remote, from.port, local, localPort, data, data.length);
  }

  /** The capture is a bystander: whatever goes wrong in it must not reach the socket handler or the sender. */
  private record(ring: CaptureRing, protocol: IpProtocol, src: IpBytes, sport: number, dst: IpBytes, dport: number, data: Uint8Array, length: number): void {
    try {
      ring.add(this.nowMs(), protocol, src, sport, dst, dport, data, 0, length);
    } catch {
      this.failures++;
    }
  }

  /** One SIP message from a transport's tap; TCP and TLS are written as TCP (TLS decrypted). */
  sip(t: SipTraffic): void {
    if (!this.ring) return;
    const local = this.localAddress(t.local.address);
    if (!local) return;
    const protocol = t.protocol === 'UDP' ? IPPROTO_UDP : IPPROTO_TCP;
    if (t.direction === 'out') this.sent(local, t.local.port, t.remote, t.data, t.data.length, protocol);
    else this.received(local, t.local.port, t.remote, t.data, protocol);
  }

  /** The recorded packets, oldest first (empty when capture is off). */
  snapshot(): Uint8Array {
    return this.ring?.snapshot() ?? new Uint8Array(0);
  }

  /** The local address of a socket, encoded once when it is bound. */
  localAddress(address: string): IpBytes | undefined {
    if (this.own && (address === '0.0.0.0' || address === '::')) return this.own;
    return this.addresses.get(address);
  }
}
