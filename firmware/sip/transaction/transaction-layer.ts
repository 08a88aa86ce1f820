import type { Clock } from '../../clock/index.js';
import type { SipMessage, SipRequest, SipResponse } from '../message/index.js';
import { sipTimers, type SipTimerBase, type SipTimerValues } from '../timers.js';
import { isReliable, type TransportProtocol } from '../transport/index.js';
import { ClientInviteTransaction } from './client-invite.js';
import { ClientNonInviteTransaction } from './client-non-invite.js';
import { buildCancel } from './derived-requests.js';
import { cancelTargetKey, clientKey, clientKeyOfResponse, mergeKey, serverKey } from './keys.js';
import { ServerInviteTransaction } from './server-invite.js';
import { ServerNonInviteTransaction } from './server-non-invite.js';
import type { ClientTransactionUser, TransactionEnv } from './transaction.js';

/** Where a transaction's messages go: a resolved address, and the connection to reuse on streams. */
export interface TransactionTarget {
  protocol: TransportProtocol;
  address: string;
  port: number;
  connectionId?: string;
  /** TLS: the domain the certificate must match. */
  serverName?: string;
}

export type ClientTransaction = ClientInviteTransaction | ClientNonInviteTransaction;
export type ServerTransaction = ServerInviteTransaction | ServerNonInviteTransaction;

export interface TransactionLayerOptions {
  clock: Clock;
  timers?: Partial<SipTimerBase>;
  /** Serializes and hands to a transport; rejects with TransportError. */
  send(message: SipMessage, target: TransactionTarget): Promise<void>;
}

/** What became of an incoming request (§17.2.3 matching). */
export type RequestDisposition =
  | { kind: 'new'; transaction: ServerTransaction }
  /** A retransmission, or an ACK for a non-2xx: the matching transaction absorbed it. */
  | { kind: 'absorbed'; transaction: ServerTransaction }
  /** An ACK matching no transaction: for a 2xx, it belongs to the dialog (§13.2.2.4, §17.1.1.3). */
  | { kind: 'ack' };

/**
 * The transaction layer (RFC 3261 §17): creates the four kinds of
 * transaction, keeps them in a table keyed per §17.1.3/§17.2.3, and routes
 * incoming messages to them. It knows nothing of sockets: a TransactionTarget
 * goes down with each message, a parsed message comes up.
 */
export class TransactionLayer {
  private readonly clients = new Map<string, ClientTransaction>();
  private readonly servers = new Map<string, ServerTransaction>();
  private readonly merged = new Map<string, string>();
  private readonly targets = new WeakMap<ClientTransaction, TransactionTarget>();
  private readonly timersReliable: SipTimerValues;
  private readonly timersUnreliable: SipTimerValues;

  constructor(private readonly options: TransactionLayerOptions) {
    this.timersReliable = sipTimers(options.timers, true);
    this.timersUnreliable = sipTimers(options.timers, false);
  }

  get timerBase(): SipTimerBase {
    return this.timersUnreliable;
  }

  /**
   * Starts a client transaction for `request` (which must carry its own Via with a unique
   * z9hG4bK branch, §8.1.1.7). ACK for a 2xx is not a transaction: use sendStateless.
   */
  sendRequest(request: SipRequest, target: TransactionTarget, user: ClientTransactionUser): ClientTransaction {
    if (request.method === 'ACK') throw new RangeError('ACK is not sent through a client transaction (§17.1.1.3, §13.2.2.4)');
    const branch = request.topVia.branch;
    if (branch === undefined) throw new RangeError('request has no Via branch');
    const key = clientKey(branch, request.method);
    if (this.clients.has(key)) throw new RangeError(`a client transaction with branch ${branch} exists`);
    const env = this.env(target);
    const tx = request.method === 'INVITE' ? new ClientInviteTransaction(key, env, request, user) : new ClientNonInviteTransaction(key, env, request, user);
    this.clients.set(key, tx);
    this.targets.set(tx, target);
    tx.onTerminated(() => this.clients.delete(key));
    tx.start();
    return tx;
  }

  /**
   * §9.1 CANCEL for a pending INVITE: "the destination address, port, and transport of the CANCEL MUST be
   * identical to those used to send the original request", so it goes to the INVITE's target (and connection),
   * in a transaction of its own whose branch equals the INVITE's. "A CANCEL request SHOULD NOT be sent to
   * cancel a request other than INVITE", and not before a provisional response arrived: returns undefined then.
   */
  sendCancel(invite: ClientInviteTransaction, user: ClientTransactionUser): ClientNonInviteTransaction | undefined {
    if (invite.state !== 'proceeding') return undefined;
    const target = this.targets.get(invite);
    if (!target) return undefined;
    return this.sendRequest(buildCancel(invite.request), target, user) as ClientNonInviteTransaction;
  }

  /** Sends without a transaction: the ACK for a 2xx, stateless answers to requests that cannot be matched. */
  sendStateless(message: SipMessage, target: TransactionTarget): Promise<void> {
    return this.options.send(message, target);
  }

  /** Routes a response to its client transaction; false when none matches (a stray, for the UA core). */
  receiveResponse(response: SipResponse): boolean {
    const key = clientKeyOfResponse(response);
    const tx = key === undefined ? undefined : this.clients.get(key);
    if (!tx) return false;
    tx.receiveResponse(response);
    return true;
  }

  /**
   * Matches an incoming request (§17.2.3) to a server transaction, creating one for a new
   * request. `responseTarget` is where responses go (§18.2.2 with RFC 3581 applied by the caller).
   */
  receiveRequest(request: SipRequest, responseTarget: TransactionTarget): RequestDisposition {
    const key = serverKey(request);
    const existing = this.servers.get(key);
    if (existing) {
      existing.receiveRequest(request);
      return { kind: 'absorbed', transaction: existing };
    }
    if (request.method === 'ACK') return { kind: 'ack' };
    const env = this.env(responseTarget);
    const tx = request.method === 'INVITE' ? new ServerInviteTransaction(key, env, request) : new ServerNonInviteTransaction(key, env, request);
    this.servers.set(key, tx);
    const merge = mergeKey(request);
    if (merge !== undefined && !this.merged.has(merge)) this.merged.set(merge, key);
    tx.onTerminated(() => {
      this.servers.delete(key);
      if (merge !== undefined && this.merged.get(merge) === key) this.merged.delete(merge);
    });
    tx.start();
    return { kind: 'new', transaction: tx };
  }

  /** §9.2: the INVITE server transaction a CANCEL refers to, if it still exists. */
  findCancelTarget(cancel: SipRequest): ServerInviteTransaction | undefined {
    const tx = this.servers.get(cancelTargetKey(cancel));
    return tx?.kind === 'server-invite' ? tx : undefined;
  }

  /**
   * §8.2.2.2: a request without To tag whose From tag, Call-ID and CSeq match a
   * transaction with a different key is a merged request (answer 482).
   */
  isMerged(request: SipRequest, transaction: ServerTransaction): boolean {
    const merge = mergeKey(request);
    if (merge === undefined) return false;
    const owner = this.merged.get(merge);
    return owner !== undefined && owner !== transaction.key && this.servers.has(owner);
  }

  get clientCount(): number {
    return this.clients.size;
  }

  get serverCount(): number {
    return this.servers.size;
  }

  /** Stops every timer (shutdown). */
  dispose(): void {
    for (const tx of this.clients.values()) tx.dispose();
    for (const tx of this.servers.values()) tx.dispose();
    this.clients.clear();
    this.servers.clear();
    this.merged.clear();
  }

  private env(target: TransactionTarget): TransactionEnv {
    const reliable = isReliable(target.protocol);
    return {
      clock: this.options.clock,
      timers: reliable ? this.timersReliable : this.timersUnreliable,
      reliable,
      send: (message) => this.options.send(message, target),
    };
  }
}
