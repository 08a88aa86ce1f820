import { readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import type { Clock } from '../../clock/index.js';
import { ServerLocator, systemResolver, type DnsResolver } from '../dns/index.js';
import { SipUri, parseUri, type Uri } from '../message/index.js';
import { RegistrationClient, type RegistrationStatus } from '../registration/index.js';
import type { TransactionTarget } from '../transaction/index.js';
import {
  StreamTransport,
  UdpTransport,
  type InboundMessage,
  type Transport,
  type TransportEvents,
  type TransportProtocol,
} from '../transport/index.js';
import type { SipAccountConfig, SipStackConfig, TransportName } from './config.js';
import { UserAgentCore, type RequestHandler, type SipLog } from './ua-core.js';

export interface SipStackDeps {
  clock: Clock;
  /** node's resolver when absent. */
  resolver?: DnsResolver;
  log?: SipLog;
  random?: () => number;
  /** Sees a copy of every SIP message sent and received (the packet capture, issue 7 §6). */
  traffic?: TransportEvents['traffic'];
}

export type RegistrationEvent = { accountId: string; status: RegistrationStatus };

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
      advertisedAddress: config.advertisedAddress ?? guessAddress(config.bindAddress),
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
    const address = config.bindAddress ?? '0.0.0.0';
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
      if (names.includes('udp')) transports.push(await UdpTransport.listen({ address, port: config.ports?.udp ?? 5060 }, events));
      if (names.includes('tcp')) transports.push(await StreamTransport.tcp({ address, port: config.ports?.tcp ?? 5060 }, events));
      if (names.includes('tls')) {
        const tls = config.tls ?? {};
        transports.push(
          await StreamTransport.tls(
            {
              address,
              port: config.ports?.tls ?? 5061,
              ca: tls.caFile ? await readFile(tls.caFile) : undefined,
              cert: tls.certFile ? await readFile(tls.certFile) : undefined,
              key: tls.keyFile ? await readFile(tls.keyFile) : undefined,
              rejectUnauthorized: tls.verifyServer ?? true,
            },
            events,
          ),
        );
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
        contactUri: () => this.core.contactUri(account.user, protocol),
        sendRequest: (request, user) =>
          this.core.sendRequest(request, user, { nextHop: hop, onTarget: (target) => this.flows.set(account.id, target) }),
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

/** The first non-internal IPv4 address when bound to all interfaces (a phone has one LAN port). */
function guessAddress(bind: string | undefined): string | undefined {
  if (bind !== undefined && bind !== '0.0.0.0' && bind !== '::') return undefined;
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}
