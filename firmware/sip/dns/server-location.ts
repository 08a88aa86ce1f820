import { isIP } from 'node:net';
import { DeskphoneError } from '../../errors.js';
import { defaultPort, type TransportProtocol } from '../transport/transport.js';
import { orEmpty, type DnsResolver } from './resolver.js';
import { orderSrv } from './srv-order.js';

/**
 * Locating SIP servers (RFC 3263 §4): from a URI's host, port, transport
 * parameter and scheme to an ordered list of {transport, address, port} to try.
 * The caller tries them in order and moves on when one times out or answers
 * 503 (§4.3), so the result is a list, not one address.
 */
export interface LocationRequest {
  host: string;
  port?: number;
  /** The URI's transport parameter, if any (udp, tcp, tls). */
  transport?: string;
  /** sips: URI: only TLS is acceptable (§4.1 "If the URI is a SIPS URI ... TLS"). */
  secure?: boolean;
}

export interface ServerTarget {
  protocol: TransportProtocol;
  address: string;
  port: number;
  /** The domain the target was found for; TLS verifies the certificate against it (RFC 5922). */
  serverName: string;
}

export class ServerLocationError extends DeskphoneError {
  readonly host: string;
  constructor(host: string, message: string, cause?: unknown) {
    super('SIP_DNS', message, { cause });
    this.host = host;
  }
}

export interface ServerLocatorOptions {
  resolver: DnsResolver;
  /** Transports this phone can use, in its order of preference when DNS does not decide. */
  transports: readonly TransportProtocol[];
  /** Address families to ask for, in order (A before AAAA by default). */
  families?: readonly (4 | 6)[];
  random?: () => number;
}

/** §4.1: NAPTR services and SRV prefixes per transport. */
const NAPTR_SERVICE: Record<TransportProtocol, string> = { UDP: 'SIP+D2U', TCP: 'SIP+D2T', TLS: 'SIPS+D2T' };
const SRV_PREFIX: Record<TransportProtocol, string> = { UDP: '_sip._udp.', TCP: '_sip._tcp.', TLS: '_sips._tcp.' };

export class ServerLocator {
  private readonly resolver: DnsResolver;
  private readonly transports: readonly TransportProtocol[];
  private readonly families: readonly (4 | 6)[];
  private readonly random: () => number;

  constructor(options: ServerLocatorOptions) {
    this.resolver = options.resolver;
    this.transports = options.transports;
    this.families = options.families ?? [4, 6];
    this.random = options.random ?? Math.random;
  }

  async locate(request: LocationRequest): Promise<ServerTarget[]> {
    const host = stripBrackets(request.host);
    const allowed = this.transports.filter((t) => !request.secure || t === 'TLS');
    if (allowed.length === 0) throw new ServerLocationError(host, `no transport usable for ${request.secure ? 'sips' : 'sip'}:${host}`);
    const explicit = request.transport ? toProtocol(request.transport, request.secure) : undefined;
    if (explicit && !allowed.includes(explicit)) {
      throw new ServerLocationError(host, `transport ${request.transport} for ${host} is not enabled`);
    }

    // §4.1: "If TARGET is a numeric IP address, the client uses that address" —
    // UDP for sip, TCP/TLS for sips, unless the URI names a transport.
    if (isIP(host) !== 0) {
      const protocol = explicit ?? (request.secure ? 'TLS' : this.pickDefault(allowed));
      return [{ protocol, address: host, port: request.port ?? defaultPort(protocol), serverName: host }];
    }

    // §4.2: "If the TARGET was not a numeric IP address, but a port is present in the URI,
    // the client performs an A or AAAA record lookup" — no NAPTR or SRV then.
    if (request.port !== undefined) {
      const protocol = explicit ?? (request.secure ? 'TLS' : this.pickDefault(allowed));
      return this.addresses(host, protocol, request.port, host);
    }

    if (explicit) {
      // §4.1: a transport parameter skips NAPTR; §4.2: SRV for that transport, else A/AAAA.
      const viaSrv = await this.viaSrv(SRV_PREFIX[explicit] + host, explicit, host);
      return viaSrv.length > 0 ? viaSrv : this.addresses(host, explicit, defaultPort(explicit), host);
    }

    const viaNaptr = await this.viaNaptr(host, allowed);
    if (viaNaptr.length > 0) return viaNaptr;

    // §4.1: "If no NAPTR records are found, the client constructs SRV queries for those
    // transport protocols it supports, and does a query for each."
    const targets: ServerTarget[] = [];
    for (const protocol of allowed) targets.push(...(await this.viaSrv(SRV_PREFIX[protocol] + host, protocol, host)));
    if (targets.length > 0) return targets;

    // "If no SRV records were found, the client SHOULD use TCP for a SIPS URI and UDP for a SIP URI"
    const protocol = request.secure ? 'TLS' : this.pickDefault(allowed);
    const fallback = await this.addresses(host, protocol, defaultPort(protocol), host);
    if (fallback.length === 0) throw new ServerLocationError(host, `${host} has no NAPTR, SRV, A or AAAA records`);
    return fallback;
  }

  private pickDefault(allowed: readonly TransportProtocol[]): TransportProtocol {
    return allowed.includes('UDP') ? 'UDP' : allowed[0]!;
  }

  private async viaNaptr(host: string, allowed: readonly TransportProtocol[]): Promise<ServerTarget[]> {
    const records = await orEmpty(this.resolver.resolveNaptr(host));
    // §4.1: keep records whose service we support and whose flag is "s" (a SRV follows);
    // order by order, then preference (RFC 3403 §4.1).
    const usable = records
      .filter((r) => r.flags.toLowerCase() === 's' && r.replacement !== '')
      .map((r) => ({ r, protocol: protocolForService(r.service) }))
      .filter((x): x is { r: (typeof records)[number]; protocol: TransportProtocol } => x.protocol !== undefined && allowed.includes(x.protocol))
      .sort((a, b) => a.r.order - b.r.order || a.r.preference - b.r.preference);
    const targets: ServerTarget[] = [];
    for (const { r, protocol } of usable) targets.push(...(await this.viaSrv(r.replacement, protocol, host)));
    return targets;
  }

  private async viaSrv(name: string, protocol: TransportProtocol, domain: string): Promise<ServerTarget[]> {
    const records = orderSrv(await orEmpty(this.resolver.resolveSrv(name)), this.random);
    const targets: ServerTarget[] = [];
    for (const srv of records) {
      // RFC 2782: a target of "." means the service is decidedly not available.
      if (srv.name === '.' || srv.name === '') continue;
      targets.push(...(await this.addresses(srv.name, protocol, srv.port, domain)));
    }
    return targets;
  }

  private async addresses(name: string, protocol: TransportProtocol, port: number, domain: string): Promise<ServerTarget[]> {
    const out: ServerTarget[] = [];
    for (const family of this.families) {
      const list = await orEmpty(family === 4 ? this.resolver.resolve4(name) : this.resolver.resolve6(name));
      for (const address of list) out.push({ protocol, address, port, serverName: domain });
    }
    return out;
  }
}

function protocolForService(service: string): TransportProtocol | undefined {
  const s = service.toUpperCase();
  for (const p of ['UDP', 'TCP', 'TLS'] as const) if (NAPTR_SERVICE[p] === s) return p;
  return undefined;
}

function toProtocol(transport: string, secure: boolean | undefined): TransportProtocol | undefined {
  const t = transport.toLowerCase();
  // RFC 3261 §26.2.2: sips with transport=tcp means TLS over TCP.
  if (t === 'tls' || (t === 'tcp' && secure)) return 'TLS';
  if (t === 'tcp') return 'TCP';
  if (t === 'udp') return 'UDP';
  return undefined;
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
