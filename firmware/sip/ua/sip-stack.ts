import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Clock } from '../../clock/index.js';
import { onLinkAddress, probeSourceAddress, snapshotInterfaces, type InterfaceAddress } from '../../net/index.js';
import { ServerLocator, systemResolver, type DnsResolver } from '../dns/index.js';
import { SipUri, parseUri, type SipRequest, type Uri } from '../message/index.js';
import { RegistrationClient, type RegistrationStatus } from '../registration/index.js';
import type { ClientTransactionUser, TransactionTarget } from '../transaction/index.js';
import {
  StreamTransport,
  UdpTransport,
  type InboundMessage,
  type Transport,
  type TransportEvents,
  type TransportProtocol,
} from '../transport/index.js';
import type { SipAccountConfig, SipStackConfig, TransportName } from './config.js';
import { openDualStack, type OpenTransport } from './dual-stack.js';
import { observeNat } from './nat.js';
import { isUnspecified, type SourceChange, type SourceProbe } from './source-addresses.js';
import { UserAgentCore, type RequestHandler, type SipLog } from './ua-core.js';

export interface SipStackDeps {
  clock: Clock;
  /** node's resolver when absent. */
  resolver?: DnsResolver;
  log?: SipLog;
  random?: () => number;
  /** Sees a copy of every SIP message sent and received (the packet capture, issue 7 §6). */
  traffic?: TransportEvents['traffic'];
  /** The kernel's source address toward a host; a connected UDP socket (firmware/net) when absent. */
  probeSourceAddress?: SourceProbe;
  /** The host's interface addresses now; os.networkInterfaces() when absent. */
  readInterfaces?: () => InterfaceAddress[];
}

export type RegistrationEvent = { accountId: string; status: RegistrationStatus };

/** The phone's source address toward some peers changed (issue 5 point 11); accounts are registering again. */
export type AddressChangeEvent = { changes: SourceChange[] };

const PROTOCOL: Record<TransportName, TransportProtocol> = { udp: 'UDP', tcp: 'TCP', tls: 'TLS' };

/**
 * The SIP stack as the phone sees it (DESIGN.md: firmware/phone drives it,
 * main.ts builds it): transports on real sockets, the UA core, and one
 * registration client per account. Usages that come later (calls,
 * subscriptions, REFER) attach with `setHandler` and `core.dialogs`.
 */
export class SipStack {
  readonly core: UserAgentCore;
  private readonly registrations = new Map<string, RegistrationClient>();
  private readonly flows = new Map<string, TransactionTarget>();
  private readonly listeners = new Set<(event: RegistrationEvent) => void>();
  private readonly addressListeners = new Set<(event: AddressChangeEvent) => void>();
  /** The Contact each account registered last, as it went on the wire (stamped with the real address). */
  private readonly contacts = new Map<string, SipUri>();
  /** The last REGISTER each account sent, to compare its Via with the registrar's received/rport. */
  private readonly lastRegister = new Map<string, SipRequest>();
  private addressCheck: Promise<unknown> = Promise.resolve();
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly config: SipStackConfig,
    private readonly deps: SipStackDeps,
    private readonly transports: Transport[],
  ) {
    const locator = new ServerLocator({
      resolver: deps.resolver ?? systemResolver({ servers: config.dnsServers }),
      transports: transports.map((t) => t.protocol),
      random: deps.random,
    });
    this.core = new UserAgentCore({
      clock: deps.clock,
      transports,
      locate: (req) => locator.locate(req),
      timers: config.timers,
      advertisedAddress: config.advertisedAddress,
      probeSourceAddress: deps.probeSourceAddress ?? probeSourceAddress,
      supported: config.supported,
      userAgent: config.userAgent,
      log: deps.log,
    });
    for (const account of config.accounts) {
      if (account.register === false) continue;
      this.registrations.set(account.id, this.createRegistration(account));
    }
  }

  /** Opens the transports (binding their ports) and returns a stack ready to `start()`. */
  static async create(config: SipStackConfig, deps: SipStackDeps): Promise<SipStack> {
    // No bind address: one socket per family on the same port (dual-stack.ts says why); a configured one is used alone.
    const address = config.bindAddress;
    const listen = (protocol: string, open: OpenTransport, port: number) =>
      address === undefined ? openDualStack(protocol, open, port, deps.log) : open(address, port).then((t) => [t]);
    const names = config.transports ?? ['udp', 'tcp'];
    const transports: Transport[] = [];
    let stack: SipStack | undefined;
    const events: TransportEvents = {
      message: (m: InboundMessage) => stack?.core.receive(m),
      connectionClosed: (id) => stack?.connectionClosed(id),
      malformed: (reason, remote) => deps.log?.debug({ reason, remote }, 'sip: unframeable input'),
      ...(deps.traffic && { traffic: deps.traffic }),
    };
    try {
      if (names.includes('udp')) transports.push(...(await listen('udp', (a, port) => UdpTransport.listen({ address: a, port }, events), config.ports?.udp ?? 5060)));
      if (names.includes('tcp')) transports.push(...(await listen('tcp', (a, port) => StreamTransport.tcp({ address: a, port }, events), config.ports?.tcp ?? 5060)));
      if (names.includes('tls')) {
        const tls = config.tls ?? {};
        const ca = tls.caFile ? await readFile(tls.caFile) : undefined;
        const cert = tls.certFile ? await readFile(tls.certFile) : undefined;
        const key = tls.keyFile ? await readFile(tls.keyFile) : undefined;
        const open: OpenTransport = (a, port) => StreamTransport.tls({ address: a, port, ca, cert, key, rejectUnauthorized: tls.verifyServer ?? true }, events);
        transports.push(...(await listen('tls', open, config.ports?.tls ?? 5061)));
      }
    } catch (err) {
      await Promise.all(transports.map((t) => t.close()));
      throw err;
    }
    stack = new SipStack(config, deps, transports);
    return stack;
  }

  /** Starts registering every account. */
  start(): void {
    for (const r of this.registrations.values()) r.start();
  }

  /**
   * Unregisters (expires=0) and closes the sockets. A registrar that does not answer would hold shutdown for
   * Timer F (32 s); the phone waits at most `unregisterWaitMs` and then goes anyway (the binding expires).
   */
  stop(unregisterWaitMs = 2000): Promise<void> {
    this.stopping ??= this.shutdown(unregisterWaitMs);
    return this.stopping;
  }

  private async shutdown(unregisterWaitMs: number): Promise<void> {
    const clock = this.deps.clock;
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    const unregistered = Promise.all([...this.registrations.values()].map((r) => r.stop()));
    if (unregisterWaitMs > 0) {
      await Promise.race([unregistered, new Promise<void>((resolve) => (timer = clock.setTimeout(resolve, unregisterWaitMs)))]);
    }
    clock.clearTimeout(timer);
    for (const r of this.registrations.values()) r.dispose();
    this.core.close();
    await Promise.all(this.transports.map((t) => t.close()));
  }

  /** The network changed (new address, link back up): every account registers again (RFC 5626 §4.4.1). */
  networkChanged(): void {
    this.flows.clear();
    for (const r of this.registrations.values()) r.flowFailed();
  }

  /**
   * The interfaces changed: ask the kernel again which address each known peer is reached from. If any
   * changed or went away, every account registers again — the new Contact, and the old one removed with
   * expires=0 where the registrar can still be reached — and address listeners re-offer active calls
   * (issue 5 point 11). Accounts waiting out a back-off try at once: a new address is a new chance.
   */
  checkAddresses(): Promise<SourceChange[]> {
    // One check at a time: two interface events in a row must not both see the same change and register twice.
    const run = this.addressCheck.then(() => this.checkAddressesNow());
    this.addressCheck = run.catch(() => []);
    return run;
  }

  private async checkAddressesNow(): Promise<SourceChange[]> {
    const changes = await this.core.recheckSourceAddresses();
    if (changes.length === 0) {
      for (const r of this.registrations.values()) if (r.state === 'retry-wait') r.rebind();
      return changes;
    }
    this.deps.log?.info(
      { changes: changes.map((c) => `${c.destination}: ${c.before} → ${c.after ?? 'no route'}`) },
      'sip: the local address changed; registering again and re-offering calls',
    );
    // Connections from an address that is no longer the way out would swallow the REGISTER until Timer F.
    for (const before of new Set(changes.map((c) => c.before))) {
      for (const t of this.transports) {
        const closed = t.closeConnectionsFrom?.(before) ?? 0;
        if (closed > 0) this.deps.log?.info({ protocol: t.protocol, address: before, closed }, 'sip: closed connections from the old address');
      }
    }
    // A NAT mapping belongs to the old address: it is learned again from the next REGISTER's answer.
    this.core.forgetPublicAddresses();
    this.flows.clear();
    for (const [id, r] of this.registrations) {
      const previous = this.contacts.get(id);
      this.contacts.delete(id);
      r.rebind(previous);
    }
    for (const l of this.addressListeners) l({ changes });
    return changes;
  }

  onAddressChange(listener: (event: AddressChangeEvent) => void): () => void {
    this.addressListeners.add(listener);
    return () => this.addressListeners.delete(listener);
  }

  /**
   * The connection address for a call's SDP (RFC 4566 §5.7): the address of the interface toward `peer`,
   * the call's signalling next hop — known from the kernel once anything was sent there or received from
   * there, else the on-link interface for a peer on a local subnet, else the address the registrar is
   * reached from. With `nat.publicAddressInSdp`, the public address the server at `peer` reported instead.
   * Never 0.0.0.0 (RFC 3264 §8.4 reads that as hold).
   */
  mediaAddressFor(peer: string | undefined): string {
    return this.mediaAddress(peer, false)!;
  }

  /**
   * The SDP address for a call after an address change: like mediaAddressFor, but undefined while no route to
   * the peer is known (the interface is down): a re-INVITE then could only fail; it goes when the route is back.
   */
  routedMediaAddressFor(peer: string | undefined): string | undefined {
    return this.mediaAddress(peer, true);
  }

  private mediaAddress(peer: string | undefined, routedOnly: boolean): string | undefined {
    const ip = peer !== undefined && isIP(stripBrackets(peer)) !== 0 ? stripBrackets(peer) : undefined;
    if (ip && this.config.nat?.publicAddressInSdp) {
      const mapped = this.core.publicAddressToward(ip);
      if (mapped) return mapped.address;
    }
    const bound = this.config.bindAddress;
    if (bound !== undefined && !isUnspecified(bound)) return bound;
    if (this.config.advertisedAddress !== undefined) return this.config.advertisedAddress;
    if (ip) {
      const known = this.core.sourceAddressToward(ip);
      if (known) return known;
      if (routedOnly) return undefined;
      const interfaces = this.readInterfaces();
      const onLink = onLinkAddress(ip, interfaces);
      // Learn the true answer for the next offer (a re-INVITE, the answer to the 200).
      this.core.resolveSourceAddress(ip).catch(() => {});
      if (onLink) return onLink;
      if (isLoopback(ip)) return ip.includes(':') ? '::1' : '127.0.0.1';
      return this.core.latestSourceAddress ?? firstExternal(interfaces, ip.includes(':') ? 6 : 4) ?? (ip.includes(':') ? '::1' : '127.0.0.1');
    }
    if (routedOnly) return this.core.latestSourceAddress;
    return this.core.latestSourceAddress ?? firstExternal(this.readInterfaces(), 4) ?? '127.0.0.1';
  }

  /** The Contact an account registered last (as sent), for the web page and tests. */
  registeredContact(accountId: string): SipUri | undefined {
    return this.contacts.get(accountId);
  }

  private readInterfaces(): InterfaceAddress[] {
    try {
      return this.deps.readInterfaces?.() ?? snapshotInterfaces(networkInterfaces());
    } catch {
      return [];
    }
  }

  setHandler(method: string, handler: RequestHandler): void {
    this.core.setHandler(method, handler);
  }

  onRegistration(listener: (event: RegistrationEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  registration(accountId: string): RegistrationClient | undefined {
    return this.registrations.get(accountId);
  }

  registrationStatus(): Record<string, RegistrationStatus> {
    return Object.fromEntries([...this.registrations].map(([id, r]) => [id, r.status]));
  }

  /** The local address and port of each transport (for the web page and tests). */
  get localTransports(): Array<{ protocol: TransportProtocol; address: string; port: number }> {
    return this.transports.map((t) => ({ protocol: t.protocol, ...t.local }));
  }

  private createRegistration(account: SipAccountConfig): RegistrationClient {
    const protocol = PROTOCOL[account.transport ?? 'udp'];
    const hop = toUri(account.outboundProxy ?? account.registrar ?? account.domain, protocol);
    const client = new RegistrationClient(
      {
        user: account.user,
        domain: account.domain,
        authUser: account.authUser,
        password: account.password,
        displayName: account.displayName,
        expires: account.expires,
        instanceId: account.instanceId,
        regId: account.regId,
      },
      {
        clock: this.deps.clock,
        // Until a REGISTER went out the core's stand-in is stamped at send time; after, the Contact as registered
        // (so the 200's binding list is matched against what the registrar really holds, §10.2.4).
        contactUri: () => this.contacts.get(account.id) ?? this.core.contactUri(account.user, protocol),
        sendRequest: (request, user) =>
          this.core.sendRequest(request, this.watchNat(account, () => client, user), {
            nextHop: hop,
            onTarget: (target, sent) => {
              this.flows.set(account.id, target);
              this.lastRegister.set(account.id, sent);
              const contact = sent.contacts[0]?.uri;
              if (contact instanceof SipUri) this.contacts.set(account.id, contact);
            },
          }),
        sendKeepAlive: () => {
          const flow = this.flows.get(account.id);
          const transport = flow && this.core.transportFor(flow);
          if (flow && transport) {
            transport.sendKeepAlive({ address: flow.address, port: flow.port }, { connectionId: flow.connectionId }).catch(() => client.flowFailed());
          }
        },
      },
      {
        backoff: this.config.backoff,
        keepAliveMs: this.config.keepAliveMs,
        random: this.deps.random,
        headers: () => [['Allow', this.core.allowedMethods.join(', ')]],
      },
    );
    client.onChange((status) => {
      this.deps.log?.info({ account: account.id, ...status }, 'sip: registration');
      for (const l of this.listeners) l({ accountId: account.id, status });
    });
    return client;
  }

  /**
   * RFC 3581 on the registrar's 2xx: when its Via shows our REGISTER arrived from another address or port
   * than we sent from, a NAT is in between, and the Contact we registered cannot be reached. Register once
   * more with the public address (removing the private one), as PJSIP's contact_rewrite does; when a NAT
   * mapping we used disappears, go back to the local address. UDP only: over TCP/TLS the registrar reaches
   * the phone over the connection it registered on (RFC 5626 §5), whatever the Contact says.
   */
  private watchNat(account: SipAccountConfig, client: () => RegistrationClient, user: ClientTransactionUser): ClientTransactionUser {
    return {
      ...user,
      onResponse: (response, origin) => {
        user.onResponse(response, origin);
        if (origin !== 'network' || response.status < 200 || response.status >= 300) return;
        if (this.config.nat?.rewriteContact === false) return;
        const flow = this.flows.get(account.id);
        const sent = this.lastRegister.get(account.id);
        if (!flow || flow.protocol !== 'UDP' || !sent || sent.expires === 0 || client().state !== 'registered') return;
        let observation;
        try {
          observation = observeNat(sent.topVia, response);
        } catch {
          return;
        }
        if (!observation) return;
        const known = this.core.publicAddress(flow);
        if (observation.behindNat) {
          if (known && known.address === observation.public.address && known.port === observation.public.port) return;
          this.deps.log?.info(
            { account: account.id, local: `${observation.local.address}:${observation.local.port}`, public: `${observation.public.address}:${observation.public.port}` },
            'sip: behind NAT (the registrar saw another source); registering the public address',
          );
          this.core.setPublicAddress(flow, observation.public);
        } else if (known) {
          this.deps.log?.info({ account: account.id }, 'sip: no NAT any more; registering the local address');
          this.core.setPublicAddress(flow, undefined);
        } else {
          return;
        }
        const previous = this.contacts.get(account.id);
        const mapped = this.core.publicAddress(flow);
        // The REGISTER names the new Contact itself, so it can tell it from the binding it removes.
        if (previous && mapped) this.contacts.set(account.id, previous.with({ host: mapped.address.includes(':') ? `[${mapped.address}]` : mapped.address, port: mapped.port }));
        else this.contacts.delete(account.id);
        client().rebind(previous);
      },
    };
  }

  /** A stream connection closed: accounts whose registrar flow used it register again (RFC 5626 §4.4.1). */
  private connectionClosed(connectionId: string): void {
    for (const [accountId, flow] of this.flows) {
      if (flow.connectionId !== connectionId) continue;
      this.flows.delete(accountId);
      this.registrations.get(accountId)?.flowFailed();
    }
  }
}

/** "host", "host:port" or a full URI → a SIP URI with the account's transport unless it names one. */
function toUri(value: string, protocol: TransportProtocol): Uri {
  const text = /^sips?:/i.test(value) ? value : `sip:${value}`;
  const uri = parseUri(text);
  if (uri instanceof SipUri && uri.transport === undefined && protocol !== 'UDP') {
    return uri.with({ params: uri.params.with('transport', protocol.toLowerCase()) });
  }
  return uri;
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.');
}

/** Last resort for an SDP address before any route is known: the first address that is not loopback. */
function firstExternal(interfaces: readonly InterfaceAddress[], family: 4 | 6): string | undefined {
  return interfaces.find((i) => i.family === family && !i.internal)?.address;
}
