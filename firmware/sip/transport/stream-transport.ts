import net from 'node:net';
import tls from 'node:tls';
import { StreamFramer, StreamFramingError, type StreamFramerLimits } from './stream-framer.js';
import {
  TransportError,
  formatHostPort,
  type HostPort,
  type SendOptions,
  type SendResult,
  type Transport,
  type TransportEvents,
} from './transport.js';

export interface StreamTransportOptions {
  /** Address to listen on and to bind outgoing connections to. */
  address: string;
  /** Listening port; 0 picks a free one. */
  port: number;
  /** false: connect out only (a phone behind NAT registering over TLS needs no server). */
  listen?: boolean;
  framerLimits?: Partial<StreamFramerLimits>;
  /** Connect timeout; a SYN into the void must not wait for the kernel's 2 minutes. */
  connectTimeoutMs?: number;
  /** Most connections accepted from peers at once; more are refused so a flood cannot exhaust the phone. */
  maxInboundConnections?: number;
}

export interface TlsTransportOptions extends StreamTransportOptions {
  /** PEM CA bundle; node's default roots when absent. */
  ca?: string | Buffer;
  /** Server certificate and key, needed only to listen. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Certificate verification is on unless explicitly turned off (issue 3 point 2). */
  rejectUnauthorized?: boolean;
}

interface Connection {
  id: string;
  socket: net.Socket;
  remote: HostPort;
  local: HostPort;
  framer: StreamFramer;
}

type Connector = (destination: HostPort, options: SendOptions, localAddress: string | undefined) => net.Socket;

/**
 * SIP over TCP or TLS (RFC 3261 §18, RFC 5630 for SIPS). One class, two
 * connectors. Connections are reused both ways: a response goes back on the
 * connection its request came in on (§18.2.2), and a request to a peer we
 * already have a connection with reuses it (RFC 5923's idea, and what keeps a
 * registrar able to reach a phone behind NAT, RFC 5626 §3).
 */
export class StreamTransport implements Transport {
  readonly protocol: 'TCP' | 'TLS';
  readonly reliable = true;
  private readonly connections = new Map<string, Connection>();
  private readonly byRemote = new Map<string, string>();
  private readonly connecting = new Map<string, Promise<Connection>>();
  private server: net.Server | undefined;
  private bound: HostPort;
  private nextId = 1;
  private inbound = 0;
  private closed = false;

  private constructor(
    protocol: 'TCP' | 'TLS',
    private readonly options: StreamTransportOptions,
    private readonly events: TransportEvents,
    private readonly connector: Connector,
  ) {
    this.protocol = protocol;
    this.bound = { address: options.address, port: options.port };
  }

  static async tcp(options: StreamTransportOptions, events: TransportEvents): Promise<StreamTransport> {
    const t = new StreamTransport('TCP', options, events, (dest, _opts, localAddress) =>
      net.connect({ host: dest.address, port: dest.port, localAddress }),
    );
    if (options.listen !== false) await t.startServer(net.createServer());
    return t;
  }

  static async tls(options: TlsTransportOptions, events: TransportEvents): Promise<StreamTransport> {
    const t = new StreamTransport('TLS', options, events, (dest, opts) =>
      tls.connect({
        host: dest.address,
        port: dest.port,
        ca: options.ca,
        // RFC 5922 §7.2: the certificate must match the domain we meant to reach, not the IP we resolved.
        servername: opts.serverName !== undefined && net.isIP(opts.serverName) === 0 ? opts.serverName : undefined,
        checkServerIdentity: (host, cert) =>
          tls.checkServerIdentity(opts.serverName ?? host, cert),
        rejectUnauthorized: options.rejectUnauthorized ?? true,
      }),
    );
    if (options.listen !== false && options.cert !== undefined && options.key !== undefined) {
      await t.startServer(tls.createServer({ cert: options.cert, key: options.key, ca: options.ca }));
    } else {
      t.bound = { address: options.address, port: 0 };
    }
    return t;
  }

  get local(): HostPort {
    return this.bound;
  }

  get openConnections(): number {
    return this.connections.size;
  }

  async send(data: Uint8Array, destination: HostPort, options: SendOptions = {}): Promise<SendResult> {
    if (this.closed) throw new TransportError('closed', `${this.protocol} transport closed`, { protocol: this.protocol, remote: destination });
    let conn = options.connectionId !== undefined ? this.connections.get(options.connectionId) : undefined;
    conn ??= this.connectionTo(destination);
    conn ??= await this.connect(destination, options);
    this.events.traffic?.({ direction: 'out', protocol: this.protocol, local: conn.local, remote: conn.remote, data });
    await this.write(conn, data);
    return { local: conn.local, connectionId: conn.id };
  }

  async sendKeepAlive(destination: HostPort, options: SendOptions = {}): Promise<void> {
    const conn =
      (options.connectionId !== undefined ? this.connections.get(options.connectionId) : undefined) ?? this.connectionTo(destination);
    if (!conn) throw new TransportError('closed', `no ${this.protocol} connection to ${formatHostPort(destination)}`, { protocol: this.protocol, remote: destination });
    // RFC 5626 §3.5.1: the client's ping is a double CRLF; the server answers one CRLF.
    await this.write(conn, new Uint8Array([0x0d, 0x0a, 0x0d, 0x0a]));
  }

  /** The open connection to a peer, for connection reuse. */
  connectionTo(destination: HostPort): Connection | undefined {
    const id = this.byRemote.get(remoteKey(destination));
    return id === undefined ? undefined : this.connections.get(id);
  }

  closeConnectionsFrom(address: string): number {
    const gone = [...this.connections.values()].filter((c) => stripV4Mapped(c.local.address).toLowerCase() === stripV4Mapped(address).toLowerCase());
    for (const conn of gone) {
      // Out of the maps now, not when the socket's close event comes: a request sent in between must connect anew.
      this.connections.delete(conn.id);
      if (this.byRemote.get(remoteKey(conn.remote)) === conn.id) this.byRemote.delete(remoteKey(conn.remote));
      conn.socket.destroy();
    }
    return gone.length;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const conn of this.connections.values()) conn.socket.destroy();
    this.connections.clear();
    this.byRemote.clear();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async startServer(server: net.Server): Promise<void> {
    const secureEvent = this.protocol === 'TLS' ? 'secureConnection' : 'connection';
    server.on(secureEvent, (socket: net.Socket) => {
      if (this.closed || this.inbound >= (this.options.maxInboundConnections ?? 64)) {
        socket.destroy();
        return;
      }
      this.inbound++;
      socket.once('close', () => this.inbound--);
      this.adopt(socket);
    });
    // A failed handshake from a stranger is its problem, not ours.
    server.on('tlsClientError', () => {});
    server.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // [::] listens for IPv6 only: IPv4 has its own transport on 0.0.0.0, and a dual-stack socket would show
      // IPv4 peers as ::ffff:a.b.c.d (same rule as UdpTransport; sip/ua/dual-stack.ts).
      server.listen({ port: this.options.port, host: this.options.address, ipv6Only: net.isIPv6(this.options.address) }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const addr = server.address() as net.AddressInfo;
    this.bound = { address: addr.address, port: addr.port };
    this.server = server;
  }

  private connect(destination: HostPort, options: SendOptions): Promise<Connection> {
    const key = remoteKey(destination);
    const pending = this.connecting.get(key);
    if (pending) return pending;
    const attempt = new Promise<Connection>((resolve, reject) => {
      const localAddress = isUnspecified(this.options.address) ? undefined : this.options.address;
      const socket = this.connector(destination, options, localAddress);
      const readyEvent = this.protocol === 'TLS' ? 'secureConnect' : 'connect';
      const timeout = this.options.connectTimeoutMs ?? 10_000;
      socket.setTimeout(timeout);
      const fail = (err: Error) => {
        socket.destroy();
        const reason = this.protocol === 'TLS' && /cert|self[- ]signed|verify|altname|handshake/i.test(err.message) ? 'tls' : 'connect-failed';
        reject(new TransportError(reason, `${this.protocol} connect to ${formatHostPort(destination)} failed: ${err.message}`, { protocol: this.protocol, remote: destination, cause: err }));
      };
      const onTimeout = () => fail(new Error(`timed out after ${timeout} ms`));
      socket.once('error', fail);
      socket.once('timeout', onTimeout);
      socket.once(readyEvent, () => {
        socket.off('error', fail);
        socket.off('timeout', onTimeout);
        socket.setTimeout(0);
        resolve(this.adopt(socket, destination));
      });
    });
    this.connecting.set(key, attempt);
    const clear = () => this.connecting.delete(key);
    attempt.then(clear, clear);
    return attempt;
  }

  private adopt(socket: net.Socket, dialled?: HostPort): Connection {
    socket.setNoDelay(true);
    const remote = dialled ?? { address: stripV4Mapped(socket.remoteAddress ?? ''), port: socket.remotePort ?? 0 };
    const conn: Connection = {
      id: `${this.protocol.toLowerCase()}-${this.nextId++}`,
      socket,
      remote,
      local: { address: stripV4Mapped(socket.localAddress ?? ''), port: socket.localPort ?? 0 },
      framer: new StreamFramer(this.options.framerLimits),
    };
    this.connections.set(conn.id, conn);
    this.byRemote.set(remoteKey(remote), conn.id);
    let failure: TransportError | undefined;
    socket.on('data', (chunk: Buffer) => {
      let units;
      try {
        units = conn.framer.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
      } catch (err) {
        // §18.3: a stream that cannot be framed cannot be resynchronised: close it.
        const reason = err instanceof StreamFramingError ? err.message : String(err);
        this.events.malformed?.(reason, conn.remote);
        failure = new TransportError('framing', reason, { protocol: this.protocol, remote: conn.remote, cause: err });
        socket.destroy();
        return;
      }
      for (const unit of units) {
        if (unit.type === 'message') {
          this.events.traffic?.({ direction: 'in', protocol: this.protocol, local: conn.local, remote: conn.remote, data: unit.data });
          this.events.message({ data: unit.data, protocol: this.protocol, remote: conn.remote, local: conn.local, connectionId: conn.id });
        } else if (unit.type === 'ping') {
          socket.write(Buffer.from('\r\n'));
        } else {
          this.events.pong?.(conn.id);
        }
      }
    });
    socket.on('error', (err) => {
      failure ??= new TransportError('closed', `${this.protocol} connection ${conn.id} failed: ${err.message}`, { protocol: this.protocol, remote: conn.remote, cause: err });
    });
    socket.on('close', () => {
      this.connections.delete(conn.id);
      if (this.byRemote.get(remoteKey(conn.remote)) === conn.id) this.byRemote.delete(remoteKey(conn.remote));
      if (!this.closed) this.events.connectionClosed?.(conn.id, conn.remote, failure);
    });
    return conn;
  }

  private write(conn: Connection, data: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      if (conn.socket.destroyed || !conn.socket.writable) {
        reject(new TransportError('closed', `${this.protocol} connection ${conn.id} is closed`, { protocol: this.protocol, remote: conn.remote }));
        return;
      }
      conn.socket.write(data, (err) => {
        if (err) reject(new TransportError('send-failed', `${this.protocol} write failed: ${err.message}`, { protocol: this.protocol, remote: conn.remote, cause: err }));
        else resolve();
      });
    });
  }
}

function remoteKey(hp: HostPort): string {
  return `${stripV4Mapped(hp.address)}|${hp.port}`;
}

function stripV4Mapped(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

function isUnspecified(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}
