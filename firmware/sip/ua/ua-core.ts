import { isIPv6 } from 'node:net';
import type { Clock } from '../../clock/index.js';
import type { Dialog } from '../dialog/index.js';
import { DialogTable } from '../dialog/index.js';
import type { LocationRequest, ServerTarget } from '../dns/index.js';
import {
  DEFAULT_MAX_FORWARDS,
  MAX_MESSAGE_BYTES,
  NameAddr,
  SipParseError,
  SipRequest,
  SipUri,
  Via,
  createResponse,
  generateBranch,
  parseMessage,
  serializeMessage,
  validateRequest,
  type SipMessage,
  type SipResponse,
  type Uri,
} from '../message/index.js';
import type { SipTimerBase } from '../timers.js';
import {
  TransactionLayer,
  type ClientTransaction,
  type ClientTransactionUser,
  type ResponseOrigin,
  type ServerTransaction,
  type TransactionTarget,
} from '../transaction/index.js';
import { TransportError, type HostPort, type InboundMessage, type Transport, type TransportProtocol } from '../transport/index.js';
import { IncomingRequest } from './incoming-request.js';
import { checkMethod, checkRequire, checkUriScheme, type Rejection } from './request-checks.js';
import { responseTarget, stampTopVia } from './rport.js';
import { liftReplacesFromRequestUri } from './ua-core-replaces.js';
import { SourceAddresses, isUnspecified, normalise, type SourceChange, type SourceProbe } from './source-addresses.js';

/** The shape of logger the core writes to (pino's child loggers fit). */
export interface SipLog {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

const silent: SipLog = { debug() {}, info() {}, warn() {} };

/** A usage bound to a dialog (a call, a subscription): receives the requests inside it (§12.2.2). */
export interface DialogUsage {
  readonly dialog: Dialog;
  onRequest(incoming: IncomingRequest): void;
  /** The ACK for our 2xx (§13.3.1.4 stops retransmitting it). */
  onAck?(ack: SipRequest): void;
}

export type RequestHandler = (incoming: IncomingRequest) => void;

/**
 * Offered an in-dialog request that names no dialog yet, for a dialog a usage is waiting to create (a NOTIFY
 * racing the 2xx to its SUBSCRIBE): returns true once it has put the dialog in the table.
 */
export type DialogAdopter = (request: SipRequest) => boolean;

export interface SendRequestOptions {
  /** Where to send instead of the Request-URI or first Route: an outbound proxy (§8.1.2). */
  nextHop?: Uri;
  /** Told which target and connection carried the request, and the request as sent (registration tracks its flow and Contact). */
  onTarget?(target: TransactionTarget, sent: SipRequest): void;
  /** Told each client transaction started for the request (an INVITE's user needs it to CANCEL, §9.1). */
  onTransaction?(transaction: ClientTransaction): void;
}

export interface UserAgentCoreOptions {
  clock: Clock;
  transports: readonly Transport[];
  /** RFC 3263 server location (ServerLocator.locate). */
  locate(request: LocationRequest): Promise<ServerTarget[]>;
  timers?: Partial<SipTimerBase>;
  /**
   * Address written in Via and Contact when a transport listens on 0.0.0.0/:: — a fixed override (a static
   * NAT's public address). Without it, each message carries the source address toward its own next hop.
   */
  advertisedAddress?: string;
  /** The kernel's source address toward a destination (firmware/net probeSourceAddress on the phone). */
  probeSourceAddress?: SourceProbe;
  /** Option tags this UA understands (§8.2.2.3); empty means none. */
  supported?: readonly string[];
  userAgent?: string;
  /** Requests above this many bytes are answered 513 (§21.5.14) instead of processed. */
  maxRequestBytes?: number;
  log?: SipLog;
}

/** §18.1.1: "If a request is within 200 bytes of the path MTU, or if it is larger than 1300 bytes and the path MTU is unknown, the request MUST be sent using an RFC 2914 congestion controlled transport protocol, such as TCP." */
const UDP_SIZE_LIMIT = 1300;

/**
 * The UA core (RFC 3261 §8, §12.2.2, §17 dispatch): between the transports and
 * the usages. Incoming bytes are parsed, checked per §8.2, matched to
 * transactions and dialogs, and handed to the handler for their method;
 * outgoing requests get Max-Forwards, Via and a resolved target with RFC 3263
 * failover. A request that fails to parse is answered (400/513) or dropped, and
 * never reaches past this class: nothing a peer sends can stop the UA.
 */
export class UserAgentCore {
  readonly transactions: TransactionLayer;
  readonly dialogs = new DialogTable<DialogUsage>();
  private readonly handlers = new Map<string, RequestHandler>();
  private readonly incomingByTransaction = new WeakMap<ServerTransaction, IncomingRequest>();
  /** Dialogs about to exist, by Call-ID and our tag: see expectDialog. */
  private readonly expected = new Map<string, DialogAdopter>();
  private ackHandler: ((ack: SipRequest) => void) | undefined;
  private strayResponseHandler: ((response: SipResponse) => void) | undefined;
  private readonly log: SipLog;
  private closed = false;
  private readonly sources: SourceAddresses | undefined;
  /** RFC 3581 mappings learned per flow (protocol, server address and port): what a NAT shows the server. */
  private readonly publicAddresses = new Map<string, HostPort>();

  constructor(private readonly options: UserAgentCoreOptions) {
    this.log = options.log ?? silent;
    this.sources = options.probeSourceAddress ? new SourceAddresses(options.probeSourceAddress) : undefined;
    this.transactions = new TransactionLayer({
      clock: options.clock,
      timers: options.timers,
      send: (message, target) => this.transmit(message, target),
    });
  }

  /** Registers the usage that handles out-of-dialog requests of `method` (INVITE, SUBSCRIBE, MESSAGE…). */
  setHandler(method: string, handler: RequestHandler): void {
    this.handlers.set(method.toUpperCase(), handler);
  }

  /**
   * RFC 6665 §4.1.2.4: "the subscriber MUST be prepared to receive NOTIFY requests before the SUBSCRIBE
   * transaction has completed" — and such a NOTIFY creates the dialog. A usage that sent a dialog-creating
   * request with `callId` and From tag `localTag` registers here: an in-dialog request with that Call-ID and
   * To tag that matches no dialog is offered to `adopt` before the core answers 481 (§12.2.2). Returns the
   * removal; call it once the dialog exists or the request failed.
   */
  expectDialog(callId: string, localTag: string, adopt: DialogAdopter): () => void {
    const key = `${callId}\n${localTag}`;
    this.expected.set(key, adopt);
    return () => {
      if (this.expected.get(key) === adopt) this.expected.delete(key);
    };
  }

  /** ACKs that match no transaction and no dialog usage. */
  onAck(handler: (ack: SipRequest) => void): void {
    this.ackHandler = handler;
  }

  /** Responses matching no client transaction (2xx retransmissions after the INVITE transaction ended). */
  onStrayResponse(handler: (response: SipResponse) => void): void {
    this.strayResponseHandler = handler;
  }

  /** §8.2.1 / §11: the methods this UA accepts, for Allow. */
  get allowedMethods(): string[] {
    const methods = new Set(['OPTIONS', 'ACK', 'CANCEL', ...this.handlers.keys()]);
    if (this.handlers.has('INVITE')) methods.add('BYE');
    return [...methods];
  }

  get supported(): readonly string[] {
    return this.options.supported ?? [];
  }

  // ---------------------------------------------------------------- incoming

  /** Entry point for every message a transport delivers. Never throws. */
  receive(inbound: InboundMessage): void {
    if (this.closed) return;
    try {
      this.receiveUnchecked(inbound);
    } catch (err) {
      // A bug or a hostile message that got past the checks must not take the phone down.
      this.log.warn({ err, remote: inbound.remote, protocol: inbound.protocol }, 'sip: message dropped after an internal error');
    }
  }

  private receiveUnchecked(inbound: InboundMessage): void {
    // Whoever sent us something is likely answered soon (a 200 with our Contact, an SDP answer): learn the route now.
    this.sources?.warm(inbound.remote.address);
    const limit = this.options.maxRequestBytes ?? MAX_MESSAGE_BYTES;
    if (inbound.data.length > limit) {
      this.answerOversize(inbound);
      return;
    }
    let message: SipMessage;
    try {
      message = parseMessage(inbound.data, { stream: inbound.protocol !== 'UDP' });
    } catch (err) {
      if (!(err instanceof SipParseError)) throw err;
      this.log.debug({ reason: err.reason, offset: err.offset, line: err.line, remote: inbound.remote }, 'sip: malformed message');
      const partial = err.partial;
      if (partial?.kind === 'request' && partial.method !== 'ACK') this.answerStateless(partial, inbound, { status: 400, reason: phrase(err.reason) });
      return;
    }
    if (message.kind === 'response') this.receiveResponse(message);
    else this.receiveRequest(message, inbound);
  }

  private receiveResponse(response: SipResponse): void {
    // §18.1.2: a response is matched by its top Via branch; one with no transaction of ours is a stray.
    if (this.transactions.receiveResponse(response)) return;
    this.strayResponseHandler?.(response);
  }

  private receiveRequest(request: SipRequest, inbound: InboundMessage): void {
    if (liftReplacesFromRequestUri(request)) this.log.debug({ remote: inbound.remote }, 'sip: Replaces taken from the Request-URI');
    const problems = validateRequest(request);
    if (problems.length > 0) {
      // §8.2 / §21.4.1: a malformed request gets 400 naming the fault (505 for another SIP version); never an ACK.
      const first = problems.find((p) => p.status === 505) ?? problems[0]!;
      if (request.method !== 'ACK') this.answerStateless(request, inbound, { status: first.status, reason: phrase(first.reason) });
      return;
    }
    stampTopVia(request, inbound.remote);
    const target = responseTarget(request, inbound);
    const disposition = this.transactions.receiveRequest(request, target);
    if (disposition.kind === 'absorbed') return;
    if (disposition.kind === 'ack') {
      this.dispatchAck(request);
      return;
    }
    const tx = disposition.transaction;
    const incoming = new IncomingRequest(request, tx, target);
    if (tx.kind === 'server-invite') this.incomingByTransaction.set(tx, incoming);
    const rejection = this.check(request, tx);
    if (rejection) {
      incoming.respond(rejection.status, { reason: rejection.reason, headers: rejection.headers });
      return;
    }
    this.dispatchGuarded(incoming);
  }

  /**
   * Usages read headers lazily (Contact, Record-Route, the body), so a malformed value may only show up while a
   * usage handles the request: that is still a bad request (400 naming the fault, §21.4.1). Any other failure
   * in a usage is ours: 500 (§21.5.1), and the UA goes on.
   */
  private dispatchGuarded(incoming: IncomingRequest): void {
    try {
      this.dispatch(incoming);
    } catch (err) {
      const parse = err instanceof SipParseError;
      if (!parse) this.log.warn({ err, method: incoming.request.method }, 'sip: usage failed on a request');
      if (!incoming.answered && incoming.request.method !== 'ACK') {
        incoming.respond(parse ? 400 : 500, { reason: parse ? phrase(err.reason) : undefined });
      }
    }
  }

  /**
   * §8.2.1–§8.2.2 in the RFC's order: method, Request-URI scheme, merged requests, Require. The method check
   * is for requests outside a dialog: inside one the dialog's usage knows what it accepts, and a request naming
   * no dialog gets 481 (§12.2.2) rather than a 405 that would suggest retrying elsewhere.
   */
  private check(request: SipRequest, tx: ServerTransaction): Rejection | undefined {
    const inDialog = request.to.tag !== undefined && request.method !== 'CANCEL';
    return (
      (inDialog ? undefined : checkMethod(request, this.allowedMethods)) ??
      checkUriScheme(request) ??
      // §8.2.2.2: "the UAS SHOULD generate a 482 (Loop Detected) response" to a merged request.
      (this.transactions.isMerged(request, tx) ? { status: 482 } : undefined) ??
      checkRequire(request, this.supported)
    );
  }

  private dispatch(incoming: IncomingRequest): void {
    const { request } = incoming;
    if (request.method === 'CANCEL') {
      this.handleCancel(incoming);
      return;
    }
    if (request.to.tag !== undefined) {
      // §12.2.2: a To tag names a dialog; "If the UAS ... does not match any existing dialogs ... 481".
      const usage = this.dialogs.forRequest(request) ?? this.adopted(request);
      if (!usage) {
        incoming.respond(481);
        return;
      }
      const verdict = usage.dialog.receiveRequest(request);
      if (!verdict.ok) {
        incoming.respond(verdict.status, { reason: verdict.reason });
        return;
      }
      usage.onRequest(incoming);
      return;
    }
    const handler = this.handlers.get(request.method);
    if (handler) {
      handler(incoming);
      return;
    }
    if (request.method === 'OPTIONS') {
      // §11.2: answer OPTIONS with what we can do. Max-Forwards is not checked: this UA is the destination,
      // and proxies ping phones with Max-Forwards 0 (§11: "a proxy ... MAY set Max-Forwards to 0").
      incoming.respond(200, { headers: this.capabilityHeaders() });
      return;
    }
    // BYE outside a dialog (no To tag) cannot match anything (§15.1.2).
    incoming.respond(481);
  }

  /** A dialog created for `request` by the usage that expected it (expectDialog), or undefined. */
  private adopted(request: SipRequest): DialogUsage | undefined {
    const adopt = this.expected.get(`${request.callId}\n${request.to.tag}`);
    if (!adopt || !adopt(request)) return undefined;
    return this.dialogs.forRequest(request);
  }

  /** §9.2 on the UAS side: 200 to the CANCEL, 487 to the INVITE if it was still pending. */
  private handleCancel(incoming: IncomingRequest): void {
    const invite = this.transactions.findCancelTarget(incoming.request);
    if (!invite) {
      // "If the UAS did not find a matching transaction for the CANCEL ..., it SHOULD respond ... with a 481".
      incoming.respond(481);
      return;
    }
    incoming.respond(200);
    // "If the UAS has already sent a final response for the original request, [it] has no effect".
    if (invite.finalResponse !== undefined || invite.state !== 'proceeding') return;
    const original = this.incomingByTransaction.get(invite);
    const heard = original?.cancel() ?? false;
    // "the UAS ... SHOULD respond to the INVITE with a 487" — done here when no usage took it.
    if (!heard && original && !original.answered) original.respond(487);
  }

  private dispatchAck(ack: SipRequest): void {
    const usage = ack.to.tag !== undefined ? this.dialogs.forRequest(ack) : undefined;
    if (usage?.onAck) usage.onAck(ack);
    else this.ackHandler?.(ack);
  }

  private capabilityHeaders(): Array<readonly [string, string]> {
    const headers: Array<readonly [string, string]> = [
      ['Allow', this.allowedMethods.join(', ')],
      ['Accept', 'application/sdp'],
      ['Accept-Language', 'en'],
    ];
    if (this.supported.length > 0) headers.push(['Supported', this.supported.join(', ')]);
    if (this.options.userAgent) headers.push(['Server', this.options.userAgent]);
    return headers;
  }

  /** §21.5.14 513: read just enough of an oversize request to answer it. */
  private answerOversize(inbound: InboundMessage): void {
    const head = headOf(inbound.data);
    if (head === undefined) return;
    let request: SipMessage | undefined;
    try {
      request = parseMessage(head);
    } catch (err) {
      request = err instanceof SipParseError ? err.partial : undefined;
    }
    if (request?.kind === 'request' && request.method !== 'ACK') this.answerStateless(request, inbound, { status: 513 });
  }

  private answerStateless(request: SipRequest, inbound: InboundMessage, rejection: Rejection): void {
    let target: TransactionTarget;
    try {
      target = responseTarget(request, inbound);
    } catch {
      // No readable Via: there is no way to address a response (§18.2.2); drop it.
      return;
    }
    const response = createResponse(request, rejection.status, { reason: rejection.reason, headers: rejection.headers });
    this.transmit(response, target).catch((err: unknown) => this.log.debug({ err }, 'sip: stateless response not sent'));
  }

  // ---------------------------------------------------------------- outgoing

  /**
   * Sends a request through a client transaction (§8.1.2): Max-Forwards if missing (§8.1.1.6), a Via with a
   * fresh z9hG4bK branch and rport (RFC 3581 §3), the next hop located per RFC 3263 and, when a target times
   * out or answers 503, the next target tried with a new transaction (RFC 3263 §4.3).
   */
  sendRequest(request: SipRequest, user: ClientTransactionUser, options: SendRequestOptions = {}): void {
    if (!request.headers.has('max-forwards')) request.headers.set('Max-Forwards', DEFAULT_MAX_FORWARDS);
    if (this.options.userAgent && !request.headers.has('user-agent')) request.headers.append('User-Agent', this.options.userAgent);
    const hop = options.nextHop ?? nextHopOf(request);
    const fail = (reason: string) => user.onResponse(createResponse(withVia(request, this.placeholderVia()), 503, { reason }), 'transport-error');
    if (!(hop instanceof SipUri)) {
      fail('No SIP Next Hop');
      return;
    }
    this.options
      .locate({ host: hop.host, port: hop.port, transport: hop.transport, secure: hop.scheme === 'sips' })
      .then(
        (targets) => void this.attempt(request, targets, 0, user, options),
        (err: unknown) => {
          this.log.warn({ err, host: hop.host }, 'sip: next hop not found');
          fail('DNS Failure');
        },
      );
  }

  /** Sends an ACK for a 2xx (§13.2.2.4): no transaction, but the same Via and location rules. */
  async sendAck(ack: SipRequest, nextHop?: Uri): Promise<void> {
    const hop = nextHop ?? nextHopOf(ack);
    if (!(hop instanceof SipUri)) throw new TransportError('no-transport', 'ACK has no SIP next hop');
    const targets = await this.options.locate({ host: hop.host, port: hop.port, transport: hop.transport, secure: hop.scheme === 'sips' });
    const first = targets[0];
    if (!first) throw new TransportError('no-transport', `no target for ${hop.host}`);
    const target: TransactionTarget = { ...first };
    const transport = this.transportFor(target);
    if (!transport) throw new TransportError('no-transport', `no ${target.protocol} transport`);
    ack.headers.delete('via');
    ack.headers.prepend('Via', this.via(transport, generateBranch()));
    if (!ack.headers.has('max-forwards')) ack.headers.set('Max-Forwards', DEFAULT_MAX_FORWARDS);
    await this.transactions.sendStateless(ack, target);
  }

  private async attempt(original: SipRequest, targets: readonly ServerTarget[], index: number, user: ClientTransactionUser, options: SendRequestOptions): Promise<void> {
    if (this.closed) return;
    const server = targets[index];
    if (!server) {
      user.onResponse(createResponse(withVia(original, this.placeholderVia()), 503, { reason: 'No Reachable Server' }), 'transport-error');
      return;
    }
    let target: TransactionTarget = { protocol: server.protocol, address: server.address, port: server.port, serverName: server.serverName };
    let transport = this.transportFor(target);
    if (!transport) {
      this.attempt(original, targets, index + 1, user, options);
      return;
    }
    // Each attempt is a new transaction with its own branch (RFC 3263 §4.3), on a copy of the request.
    let request = new SipRequest(original.method, original.uri, original.headers.clone(), original.body, original.version);
    request.headers.delete('via');
    request.headers.prepend('Via', this.via(transport, generateBranch()));
    if (target.protocol === 'UDP' && serializeMessage(request).length > UDP_SIZE_LIMIT) {
      const tcp = this.transportFor({ ...target, protocol: 'TCP' });
      if (tcp) {
        target = { ...target, protocol: 'TCP' };
        transport = tcp;
        request = new SipRequest(original.method, original.uri, original.headers.clone(), original.body, original.version);
        request.headers.delete('via');
        request.headers.prepend('Via', this.via(tcp, generateBranch()));
      }
    }
    try {
      // Via sent-by and our Contact name the interface this request leaves by (issue 5 point 11). Awaited
      // only when there is something to write, so a request needing nothing goes out in the same turn.
      const stamping = this.stampLocalAddress(request, target, transport);
      if (stamping) await stamping;
    } catch (err) {
      this.log.warn({ err, target: `${target.protocol} ${target.address}:${target.port}` }, 'sip: no route to the next hop');
      if (this.closed) return;
      if (index + 1 < targets.length) void this.attempt(original, targets, index + 1, user, options);
      else user.onResponse(createResponse(withVia(original, this.placeholderVia()), 503, { reason: 'No Route To Server' }), 'transport-error');
      return;
    }
    if (this.closed) return;
    options.onTarget?.(target, request);
    const failover = (response: SipResponse, origin: ResponseOrigin): boolean =>
      index + 1 < targets.length && (origin !== 'network' || response.status === 503);
    const tx = this.transactions.sendRequest(request, target, {
      onResponse: (response, origin) => {
        if (response.status >= 200 && failover(response, origin)) {
          this.log.info({ target: `${target.protocol} ${target.address}:${target.port}`, status: response.status }, 'sip: trying next server');
          void this.attempt(original, targets, index + 1, user, options);
          return;
        }
        user.onResponse(response, origin);
      },
      onTerminated: user.onTerminated,
    });
    options.onTransaction?.(tx);
  }

  /** The transport for a target's protocol and address family. */
  transportFor(target: Pick<TransactionTarget, 'protocol' | 'address'>): Transport | undefined {
    // Same protocol and address family ('0.0.0.0' counts as IPv4, '::' as IPv6).
    const v6 = isIPv6(target.address);
    return this.options.transports.find((t) => t.protocol === target.protocol && isIPv6(t.local.address) === v6);
  }

  /** Our Via for a transport (§18.1.1: sent-by is where responses should come; RFC 3581 §3: ask for rport). */
  via(transport: Transport, branch: string): Via {
    const host = this.hostFor(transport);
    return new Via({
      transport: transport.protocol,
      host: host.includes(':') ? `[${host}]` : host,
      port: transport.local.port === 0 ? undefined : transport.local.port,
      params: [
        ['branch', branch],
        ['rport', null],
      ],
    });
  }

  /** A Contact URI for `user` reachable over `protocol` (§8.1.1.8). */
  contactUri(user: string, protocol: TransportProtocol, family: 4 | 6 = 4): SipUri {
    const transport = this.options.transports.find((t) => t.protocol === protocol && isIPv6(t.local.address) === (family === 6)) ??
      this.options.transports.find((t) => t.protocol === protocol);
    if (!transport) throw new TransportError('no-transport', `no ${protocol} transport for a Contact`);
    const host = this.hostFor(transport);
    return new SipUri({
      user,
      host: host.includes(':') ? `[${host}]` : host,
      port: transport.local.port === 0 ? undefined : transport.local.port,
      params: protocol === 'UDP' ? [] : [['transport', protocol.toLowerCase()]],
    });
  }

  close(): void {
    this.closed = true;
    this.transactions.dispose();
  }

  /**
   * The host written in Via and Contact when the message is built. A transport bound to one address uses it;
   * a configured advertised address wins on unbound ones; otherwise the unspecified address stands in until
   * the message is sent and stampLocalAddress writes the source address toward its next hop (it never
   * reaches the wire: every message passes through transmit).
   */
  private hostFor(transport: Transport): string {
    const bound = transport.local.address;
    if (!isUnspecified(bound)) return bound;
    if (this.options.advertisedAddress !== undefined) return this.options.advertisedAddress;
    if (this.sources) return bound;
    return bound === '::' ? '::1' : '127.0.0.1';
  }

  // ---------------------------------------------------------------- local addresses (issue 5 point 11)

  /** The source address toward `destination` if already known (sync callers: an SDP offer being built). */
  sourceAddressToward(destination: string): string | undefined {
    return this.sources?.cached(destination);
  }

  /** The source address toward `destination`, asking the kernel when not yet known. */
  resolveSourceAddress(destination: string): Promise<string> {
    if (!this.sources) return Promise.reject(new TransportError('no-route', 'no source address probe configured'));
    return this.sources.resolve(destination);
  }

  /** The source address learned last (toward the registrar, usually): a fallback for an unknown peer. */
  get latestSourceAddress(): string | undefined {
    return this.sources?.latest;
  }

  /** Local addresses in use now, each with the destinations reached from it (for logs and change detection). */
  sourceAddressesInUse(): Map<string, string[]> {
    return this.sources?.inUse() ?? new Map();
  }

  /** Asks the kernel again for every known route (the interfaces changed); returns the routes whose address changed. */
  recheckSourceAddresses(): Promise<SourceChange[]> {
    return this.sources?.recheck() ?? Promise.resolve([]);
  }

  /**
   * RFC 3581 §4 told us what a NAT shows the server at the other end of this flow: Contacts sent over the flow
   * carry that public address and port (PJSIP's contact_rewrite); undefined forgets it (no NAT any more).
   */
  setPublicAddress(flow: Pick<TransactionTarget, 'protocol' | 'address' | 'port'>, mapping: HostPort | undefined): void {
    if (mapping === undefined) this.publicAddresses.delete(flowKey(flow));
    else this.publicAddresses.set(flowKey(flow), { address: normalise(mapping.address), port: mapping.port });
  }

  publicAddress(flow: Pick<TransactionTarget, 'protocol' | 'address' | 'port'>): HostPort | undefined {
    return this.publicAddresses.get(flowKey(flow));
  }

  /** The public address learned on any flow to the server at `address` (for SDP, when config asks for it). */
  publicAddressToward(address: string): HostPort | undefined {
    const wanted = normalise(address);
    for (const [key, mapping] of this.publicAddresses) if (key.split('|')[1] === wanted) return mapping;
    return undefined;
  }

  forgetPublicAddresses(): void {
    this.publicAddresses.clear();
  }

  /**
   * Writes the real local address where the message still carries the unspecified stand-in: the top Via of
   * our requests (§18.1.1 sent-by) and our Contact (§8.1.1.8) in requests and in 1xx/2xx responses (a 3xx
   * Contact names somewhere else, §21.3). A flow with a learned NAT mapping gets the public address in Contact
   * (Via keeps the local one: RFC 3581 §4 lets the server fix Via with received/rport).
   */
  private stampLocalAddress(message: SipMessage, target: TransactionTarget, transport: Transport): Promise<void> | undefined {
    const mapped = this.publicAddresses.get(flowKey(target));
    const bound = transport.local.address;
    const unbound = isUnspecified(bound);
    // Stand-ins are only written for unbound transports with a probe; a NAT mapping applies to any transport.
    const standIns = unbound && this.sources !== undefined && this.options.advertisedAddress === undefined;
    if (!standIns && !mapped) return undefined;
    const stampVia = standIns && message.kind === 'request' && message.headers.has('via') && isUnspecifiedHost(message.topVia.host);
    const contactValues = message.kind === 'request' || message.status < 300 ? message.headers.getAll('contact') : [];
    const ours = (host: string) => (standIns && isUnspecifiedHost(host)) || (mapped !== undefined && !unbound && normalise(host) === normalise(bound));
    const stampContact =
      contactValues.length > 0 &&
      (mapped !== undefined || contactValues.some((v) => /(?:@|sips?:)(0\.0\.0\.0|\[::\])(?=[:;>]|$)/i.test(v)));
    if (!stampVia && !stampContact) return undefined;
    const known = standIns ? this.sources!.cached(target.address) : bound;
    if (known !== undefined) {
      this.writeLocalAddress(message, target, transport, known, stampVia, stampContact, ours);
      return undefined;
    }
    return this.sources!.resolve(target.address).then((local) => this.writeLocalAddress(message, target, transport, local, stampVia, stampContact, ours));
  }

  private writeLocalAddress(
    message: SipMessage,
    target: TransactionTarget,
    transport: Transport,
    local: string,
    stampVia: boolean,
    stampContact: boolean,
    ours: (host: string) => boolean,
  ): void {
    const mapped = this.publicAddresses.get(flowKey(target));
    const port = transport.local.port === 0 ? undefined : transport.local.port;
    if (stampVia) {
      const vias = message.vias;
      const top = vias[0]!;
      message.headers.set('Via', [top.with({ host: bracket(local), port }), ...vias.slice(1)]);
    }
    if (stampContact) {
      const host = bracket(mapped?.address ?? local);
      const contactPort = mapped ? mapped.port : port;
      let changed = false;
      const contacts = message.contacts.map((c) => {
        const uri = c.uri;
        // A Contact with expires=0 names a binding being removed: it must stay exactly as it was registered.
        if (!(uri instanceof SipUri) || !ours(uri.host) || c.expires === 0) return c;
        changed = true;
        return new NameAddr(uri.with({ host, port: contactPort }), c.params, c.displayName);
      });
      if (changed) message.headers.set('Contact', contacts);
    }
  }

  private placeholderVia(): Via {
    return new Via({ transport: 'UDP', host: this.options.advertisedAddress ?? '127.0.0.1', params: [['branch', generateBranch()]] });
  }

  /** Serializes and hands a message to the right transport, reusing a connection when the target names one. */
  private async transmit(message: SipMessage, target: TransactionTarget): Promise<void> {
    const transport = this.transportFor(target);
    if (!transport) throw new TransportError('no-transport', `no ${target.protocol} transport for ${target.address}`, { protocol: target.protocol });
    try {
      const stamping = this.stampLocalAddress(message, target, transport);
      if (stamping) await stamping;
    } catch (err) {
      throw new TransportError('no-route', `no route to ${target.address}`, { protocol: target.protocol, remote: target, cause: err });
    }
    const result = await transport.send(serializeMessage(message), { address: target.address, port: target.port }, {
      connectionId: target.connectionId,
      serverName: target.serverName,
    });
    // Later messages of the same transaction (retransmissions, ACK) stay on this connection.
    if (result.connectionId !== undefined) target.connectionId = result.connectionId;
  }
}

function flowKey(flow: Pick<TransactionTarget, 'protocol' | 'address' | 'port'>): string {
  return `${flow.protocol}|${normalise(flow.address)}|${flow.port}`;
}

function isUnspecifiedHost(host: string): boolean {
  return isUnspecified(host);
}

function bracket(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** §8.1.2: the first Route's URI when there is a route set, else the Request-URI. */
function nextHopOf(request: SipRequest): Uri {
  const route = request.routes[0];
  return route ? route.uri : request.uri;
}

function withVia(request: SipRequest, via: Via): SipRequest {
  if (request.headers.has('via')) return request;
  const copy = new SipRequest(request.method, request.uri, request.headers.clone(), request.body, request.version);
  copy.headers.prepend('Via', via);
  return copy;
}

/** A reason phrase is text on the status line: keep it printable and short. */
function phrase(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
  return clean.charAt(0).toUpperCase() + clean.slice(1);
}

/** The header section of a message (up to and including the empty line), or undefined. */
function headOf(data: Uint8Array): string | undefined {
  const text = Buffer.from(data.buffer, data.byteOffset, Math.min(data.length, 16_384)).toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  // Content-Length would say the body is missing; the head alone is what we answer from.
  return text
    .slice(0, end + 2)
    .split('\r\n')
    .filter((line) => !/^(content-length|l)\s*:/i.test(line))
    .join('\r\n') + '\r\n';
}
