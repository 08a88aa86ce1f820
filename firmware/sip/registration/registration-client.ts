import type { Clock, TimerHandle } from '../../clock/index.js';
import { DigestAuthenticator, applyAuthorization, type Credentials } from '../auth/index.js';
import {
  NameAddr,
  SipUri,
  createRequest,
  generateCallId,
  generateTag,
  uriEquals,
  type SipRequest,
  type SipResponse,
} from '../message/index.js';
import type { ClientTransactionUser, ResponseOrigin } from '../transaction/index.js';
import { DEFAULT_BACKOFF, backoffDelay, type BackoffOptions } from './backoff.js';

/**
 * The registration client of one account (RFC 3261 §10.2, RFC 5626 §4 for
 * flow recovery and back-off). A state machine: it builds REGISTER requests
 * and hands them to the stack through RegistrationContext, reads responses,
 * and sets timers on the injected clock. No sockets, no DNS.
 */
export type RegistrationState =
  | 'unregistered'
  | 'registering'
  | 'registered'
  /** Waiting out the back-off after a failure before trying again. */
  | 'retry-wait'
  | 'unregistering'
  /** A failure retrying cannot fix (wrong password, 403): needs a config change and start() again. */
  | 'failed';

export interface RegistrationStatus {
  state: RegistrationState;
  /** Seconds granted by the registrar, while registered. */
  expires?: number;
  /** Last final status seen (408 for a timeout, 503 for a transport failure). */
  status?: number;
  /** Why the last attempt failed, in words for the screen and the web page. */
  reason?: string;
  /** Milliseconds until the next attempt, in retry-wait. */
  retryInMs?: number;
  consecutiveFailures: number;
}

export interface RegistrationAccount {
  /** Address-of-record user part (sip:user@domain). */
  user: string;
  domain: string;
  /** Digest user name when it differs from the AOR user. */
  authUser?: string;
  password?: string;
  displayName?: string;
  /** Requested binding lifetime in seconds (§10.2.1.1). */
  expires?: number;
  /** RFC 5626 §4.1 instance id (a urn:uuid:…), sent as +sip.instance with reg-id when set. */
  instanceId?: string;
  regId?: number;
}

export interface RegistrationContext {
  clock: Clock;
  /** Sends an out-of-dialog request through a client transaction; the stack adds Via and picks the target. */
  sendRequest(request: SipRequest, user: ClientTransactionUser): void;
  /** The Contact URI for this account on the transport the registrar is reached over. */
  contactUri(): SipUri;
  /** RFC 5626 §3.5 keep-alive on the flow to the registrar. */
  sendKeepAlive?(): void;
}

export interface RegistrationOptions {
  backoff?: BackoffOptions;
  /** Keep-alive period while registered; 0 disables. */
  keepAliveMs?: number;
  random?: () => number;
  /** Most challenges answered in one attempt before giving up (a registrar that challenges forever). */
  maxChallenges?: number;
  /** Extra header fields on every REGISTER (Allow, Supported); a function is asked each time, as usages come and go. */
  headers?: ReadonlyArray<readonly [string, string]> | (() => ReadonlyArray<readonly [string, string]>);
}

export type RegistrationListener = (status: RegistrationStatus) => void;

const DEFAULT_EXPIRES = 3600;

export class RegistrationClient {
  private current: RegistrationStatus = { state: 'unregistered', consecutiveFailures: 0 };
  private readonly listeners = new Set<RegistrationListener>();
  private readonly auth: DigestAuthenticator;
  private readonly callId: string;
  private readonly fromTag: string;
  private cseq = 0;
  private requestedExpires: number;
  private timer: TimerHandle | undefined;
  private keepAliveTimer: TimerHandle | undefined;
  /** Responses of an abandoned attempt are ignored by comparing attempt numbers. */
  private attempt = 0;
  private challenges = 0;
  private lastFlowFailureAt: number | undefined;
  /** A Contact we registered before the phone's address changed, removed with expires=0 in the next REGISTER. */
  private staleContacts: SipUri[] = [];
  private stopWaiters: Array<() => void> = [];

  constructor(
    readonly account: RegistrationAccount,
    private readonly ctx: RegistrationContext,
    private readonly options: RegistrationOptions = {},
  ) {
    this.requestedExpires = account.expires ?? DEFAULT_EXPIRES;
    // §10.2: "A UA SHOULD use the same Call-ID for all registrations during a single boot cycle".
    this.callId = generateCallId();
    this.fromTag = generateTag();
    const credentials: Credentials | undefined =
      account.password === undefined ? undefined : { username: account.authUser ?? account.user, password: account.password };
    this.auth = new DigestAuthenticator({ credentials: () => credentials });
  }

  get status(): RegistrationStatus {
    return this.current;
  }

  get state(): RegistrationState {
    return this.current.state;
  }

  /** The expiry the next REGISTER asks for (raised by a 423's Min-Expires). */
  get expiresRequested(): number {
    return this.requestedExpires;
  }

  onChange(listener: RegistrationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.current.state === 'registering' || this.current.state === 'registered') return;
    this.current = { state: 'unregistered', consecutiveFailures: 0 };
    this.register();
  }

  /**
   * The flow to the registrar broke (connection closed) or the network changed: register again now
   * (RFC 5626 §4.4.1 "the UA MUST ... form a new flow"), without waiting for the refresh timer.
   */
  flowFailed(): void {
    if (this.current.state !== 'registered') return;
    // A registrar that drops the connection after every REGISTER must not get one REGISTER per drop:
    // a second flow failure within base-time counts as a failure and waits out the back-off (RFC 5626 §4.5).
    const now = this.ctx.clock.now();
    const recent = this.lastFlowFailureAt !== undefined && now - this.lastFlowFailureAt < (this.options.backoff ?? DEFAULT_BACKOFF).baseMs;
    this.lastFlowFailureAt = now;
    if (recent) {
      this.fail(503, 'connection to the registrar keeps failing', false);
      return;
    }
    this.register();
  }

  /**
   * Our Contact changed (the phone's address moved, or RFC 3581 showed a NAT in between): register the new
   * one now, and remove `previous` in the same REGISTER with expires=0 (§10.2.2; §10.2.1 allows several
   * Contacts in one REGISTER) so calls are not sent to an address that is no longer ours — PJSIP's
   * contact_rewrite does the same. Before the first registration nothing was bound: the next attempt simply
   * uses the new Contact.
   */
  rebind(previous?: SipUri): void {
    if (previous !== undefined && !this.staleContacts.some((c) => uriEquals(c, previous))) this.staleContacts.push(previous);
    if (this.current.state === 'registered') {
      this.register();
      return;
    }
    if (this.current.state === 'retry-wait') {
      // A new address is a new chance: do not sit out a back-off earned on the old one.
      this.register();
    }
  }

  /**
   * Orderly shutdown: removes the binding with expires=0 (§10.2.2) and resolves when the registrar answered,
   * the transaction timed out, or nothing was registered.
   */
  stop(): Promise<void> {
    this.clearTimers();
    const wasBound = this.current.state === 'registered' || this.current.state === 'registering' || this.current.state === 'retry-wait';
    if (!wasBound) {
      if (this.current.state !== 'unregistering') this.setStatus({ state: 'unregistered', consecutiveFailures: 0 });
      return this.current.state === 'unregistering' ? new Promise((r) => this.stopWaiters.push(r)) : Promise.resolve();
    }
    this.setStatus({ state: 'unregistering', consecutiveFailures: this.current.consecutiveFailures });
    const done = new Promise<void>((r) => this.stopWaiters.push(r));
    this.send(0);
    return done;
  }

  /** Stops timers without unregistering (the stack is going away anyway). */
  dispose(): void {
    this.clearTimers();
    this.attempt++;
  }

  private register(): void {
    this.clearTimers();
    this.challenges = 0;
    this.setStatus({ ...this.current, state: 'registering', retryInMs: undefined });
    this.send(this.requestedExpires);
  }

  private send(expires: number): void {
    const request = this.buildRegister(expires);
    // Pre-emptive credentials from the last challenge save a round trip on refreshes (§22.3).
    const known = this.auth.authorize(request);
    if (known.length > 0) applyAuthorization(request, known);
    this.transmit(request, expires);
  }

  private transmit(request: SipRequest, expires: number): void {
    const attempt = ++this.attempt;
    this.ctx.sendRequest(request, {
      onResponse: (response, origin) => {
        if (attempt !== this.attempt) return;
        this.handleResponse(request, response, origin, expires);
      },
    });
  }

  private handleResponse(request: SipRequest, response: SipResponse, origin: ResponseOrigin, expires: number): void {
    const status = response.status;
    if (status < 200) return;
    if (expires === 0) {
      // Unregistering: any final answer (or a timeout) ends it; there is nothing to retry on shutdown.
      if ((status === 401 || status === 407) && origin === 'network' && this.challenges++ < this.maxChallenges) {
        const outcome = this.auth.respond(request, response);
        if (outcome.ok) {
          const retry = this.buildRegister(0);
          applyAuthorization(retry, outcome.headers);
          this.transmit(retry, 0);
          return;
        }
      }
      this.finishStop();
      return;
    }
    if (status >= 200 && status < 300) {
      // The old bindings went out with expires=0 in this REGISTER and the registrar accepted it.
      const removed = request.contacts.filter((c) => c.expires === 0).map((c) => c.uri);
      this.staleContacts = this.staleContacts.filter((s) => !removed.some((r) => uriEquals(r, s)));
      this.registered(response);
      return;
    }
    if ((status === 401 || status === 407) && origin === 'network') {
      // §22.2: answer the challenge with a new REGISTER (new CSeq and branch). A stale nonce comes back ok,
      // a refused password comes back 'rejected': that is a configuration problem, not something to loop on.
      const outcome = this.auth.respond(request, response);
      if (!outcome.ok) {
        const permanent = outcome.reason === 'rejected' || outcome.reason === 'no-credentials';
        this.fail(status, permanent ? 'authentication failed: wrong user name or password' : `authentication impossible: ${outcome.message}`, permanent);
        return;
      }
      if (++this.challenges > this.maxChallenges) {
        this.fail(status, 'registrar keeps challenging', false);
        return;
      }
      const retry = this.buildRegister(expires);
      applyAuthorization(retry, outcome.headers);
      this.transmit(retry, expires);
      return;
    }
    if (status === 423 && origin === 'network') {
      // §10.2.8: "the UA MAY retry the registration with an expiration interval ... no less than the Min-Expires".
      const min = minExpires(response);
      if (min !== undefined && min > expires) {
        this.requestedExpires = min;
        const retry = this.buildRegister(min);
        const known = this.auth.authorize(retry);
        if (known.length > 0) applyAuthorization(retry, known);
        this.transmit(retry, min);
        return;
      }
      this.fail(status, '423 without a usable Min-Expires', false);
      return;
    }
    if (status === 403) {
      this.fail(status, 'registration forbidden by the registrar', true);
      return;
    }
    const reason =
      origin === 'timeout' ? 'registrar did not answer' : origin === 'transport-error' ? 'registrar unreachable' : `${status} ${response.reason}`;
    this.fail(status, reason, false);
  }

  private registered(response: SipResponse): void {
    const granted = this.grantedExpires(response);
    if (granted === 0) {
      // The registrar answered but kept no binding for us: nothing will reach the phone.
      this.fail(response.status, 'registrar returned no binding for this contact', false);
      return;
    }
    this.setStatus({ state: 'registered', expires: granted, status: response.status, consecutiveFailures: 0 });
    this.timer = this.ctx.clock.setTimeout(() => this.register(), refreshDelayMs(granted));
    this.scheduleKeepAlive();
  }

  /**
   * §10.2.4: the 200 lists every current binding; ours carries the granted expiry in its expires parameter,
   * or the Expires header gives it. A registrar may shorten (never lengthen beyond asked, usually).
   */
  private grantedExpires(response: SipResponse): number {
    const mine = this.ctx.contactUri();
    let contacts: readonly NameAddr[] = [];
    try {
      contacts = response.contacts;
    } catch {
      contacts = [];
    }
    const ours =
      contacts.find((c) => this.account.instanceId !== undefined && c.params.get('+sip.instance') === `"<${this.account.instanceId}>"`) ??
      contacts.find((c) => uriEquals(c.uri, mine)) ??
      (contacts.length === 1 ? contacts[0] : undefined);
    const fromContact = ours?.expires;
    if (fromContact !== undefined) return fromContact;
    let header: number | undefined;
    try {
      header = response.expires;
    } catch {
      header = undefined;
    }
    if (contacts.length > 0 && ours === undefined && header === undefined) return 0;
    return header ?? this.requestedExpires;
  }

  private fail(status: number, reason: string, permanent: boolean): void {
    this.clearTimers();
    const consecutiveFailures = this.current.consecutiveFailures + 1;
    if (permanent) {
      this.setStatus({ state: 'failed', status, reason, consecutiveFailures });
      return;
    }
    // RFC 5626 §4.5: wait a jittered, exponentially growing time before trying again.
    const delay = backoffDelay(consecutiveFailures, this.options.backoff ?? DEFAULT_BACKOFF, this.options.random);
    this.setStatus({ state: 'retry-wait', status, reason, retryInMs: delay, consecutiveFailures });
    this.timer = this.ctx.clock.setTimeout(() => this.register(), delay);
  }

  private finishStop(): void {
    this.clearTimers();
    this.attempt++;
    this.setStatus({ state: 'unregistered', consecutiveFailures: 0 });
    for (const w of this.stopWaiters.splice(0)) w();
  }

  private scheduleKeepAlive(): void {
    const period = this.options.keepAliveMs ?? 0;
    if (period <= 0 || !this.ctx.sendKeepAlive) return;
    this.keepAliveTimer = this.ctx.clock.setTimeout(() => {
      if (this.current.state !== 'registered') return;
      this.ctx.sendKeepAlive?.();
      this.scheduleKeepAlive();
    }, period);
  }

  private buildRegister(expires: number): SipRequest {
    const aor = new SipUri({ host: this.account.domain, user: this.account.user });
    let contact = new NameAddr(this.ctx.contactUri()).withParam('expires', String(expires));
    if (this.account.instanceId !== undefined) {
      // RFC 5626 §4.2: +sip.instance and reg-id identify this device's flow.
      contact = contact.withParam('+sip.instance', `"<${this.account.instanceId}>"`);
      if (this.account.regId !== undefined) contact = contact.withParam('reg-id', String(this.account.regId));
    }
    // Only a REGISTER that adds a binding also removes the stale ones: an unregistration already removes ours.
    const stale = expires > 0 ? this.staleContacts.filter((c) => !uriEquals(c, contact.uri)).map((c) => new NameAddr(c, [['expires', '0']])) : [];
    return createRequest({
      method: 'REGISTER',
      // §10.2: "The Request-URI names the domain of the location service for which the registration is meant".
      uri: new SipUri({ host: this.account.domain }),
      to: new NameAddr(aor, undefined, this.account.displayName),
      from: new NameAddr(aor, [['tag', this.fromTag]], this.account.displayName),
      callId: this.callId,
      // §10.2: "the CSeq value ... MUST be incremented by one" for each REGISTER with the same Call-ID.
      cseq: ++this.cseq,
      contact: stale.length > 0 ? [contact, ...stale] : contact,
      headers: [['Expires', String(expires)], ...(typeof this.options.headers === 'function' ? this.options.headers() : (this.options.headers ?? []))],
    });
  }

  private get maxChallenges(): number {
    return this.options.maxChallenges ?? 3;
  }

  private clearTimers(): void {
    this.ctx.clock.clearTimeout(this.timer);
    this.ctx.clock.clearTimeout(this.keepAliveTimer);
    this.timer = undefined;
    this.keepAliveTimer = undefined;
  }

  private setStatus(status: RegistrationStatus): void {
    const clean = Object.fromEntries(Object.entries(status).filter(([, v]) => v !== undefined)) as unknown as RegistrationStatus;
    this.current = clean;
    for (const l of this.listeners) l(clean);
  }
}

/**
 * When to refresh a binding of `expires` seconds. RFC 3261 §10.2.1 leaves it to the UA; this follows what
 * deployed phones do: 600 s before expiry for long bindings, halfway for short ones, so a lost refresh still
 * leaves time for retransmissions and one retry before the binding lapses.
 */
export function refreshDelayMs(expires: number): number {
  const seconds = expires > 1200 ? expires - 600 : expires / 2;
  return Math.max(1, seconds) * 1000;
}

function minExpires(response: SipResponse): number | undefined {
  const raw = response.headers.get('min-expires');
  if (raw === undefined || !/^\d{1,10}$/.test(raw.trim())) return undefined;
  return Number(raw.trim());
}
