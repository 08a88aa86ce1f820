import type { Clock, TimerHandle } from '../../clock/index.js';
import { DigestAuthenticator, applyAuthorization, type Credentials } from '../auth/index.js';
import { Dialog } from '../dialog/index.js';
import {
  NameAddr,
  SipUri,
  createRequest,
  generateCallId,
  generateTag,
  type ResponseInit,
  type SipRequest,
  type SipResponse,
} from '../message/index.js';
import { DEFAULT_BACKOFF, backoffDelay, refreshDelayMs, type BackoffOptions } from '../registration/index.js';
import type { ClientTransactionUser, ResponseOrigin } from '../transaction/index.js';
import { parseSubscriptionState, type SubscriptionStateHeader } from './subscription-state.js';

/**
 * The subscriber side of one SIP event subscription (RFC 6665, which obsoletes RFC 3265): SUBSCRIBE to a
 * resource, keep it refreshed, read the NOTIFYs inside its dialog, subscribe again after it ends or fails,
 * and unsubscribe (Expires: 0) on stop. A state machine like the registration client: it builds requests and
 * hands them to SubscriptionContext, reads responses and NOTIFYs, and sets timers on the injected clock.
 */
export type SubscriptionState =
  | 'idle'
  /** SUBSCRIBE sent, or accepted and waiting for the first NOTIFY (§4.1.2.4). */
  | 'subscribing'
  /** §4.1.3 "pending": the notifier has not authorised us yet. */
  | 'pending'
  | 'active'
  /** Waiting out a back-off (or the notifier's retry-after) before subscribing again. */
  | 'retry-wait'
  | 'unsubscribing'
  /** A failure retrying cannot fix (489 Bad Event, 403, reason=rejected/noresource): needs start() again. */
  | 'failed';

export interface SubscriptionStatus {
  state: SubscriptionState;
  /** Seconds the subscription lasts, as granted by the 2xx or the last NOTIFY. */
  expires?: number;
  /** Last final status to a SUBSCRIBE (408 for a timeout, 503 for a transport failure). */
  status?: number;
  /** Why it failed or ended, in words for logs and the web page. */
  reason?: string;
  /** Milliseconds until the next SUBSCRIBE, in retry-wait. */
  retryInMs?: number;
  consecutiveFailures: number;
}

/** The resource subscribed to: an address-of-record, with the account's digest credentials. */
export interface SubscriptionResource {
  user: string;
  domain: string;
  authUser?: string;
  password?: string;
  displayName?: string;
}

export interface SubscriptionSpec {
  /** The event package (§8.2.1 Event), e.g. "message-summary". */
  event: string;
  /** Body types the subscriber understands (§4.1.2.1: Accept names them). */
  accept: readonly string[];
  /** Requested duration in seconds (§4.1.2.1 Expires). */
  expires?: number;
}

/** An in-dialog request as the UA core hands it over (IncomingRequest fits). */
export interface SubscriptionRequest {
  readonly request: SipRequest;
  respond(status: number, init?: ResponseInit): unknown;
}

export interface SubscriptionContext {
  clock: Clock;
  /** Sends through a client transaction; the stack adds Via and picks the target (outbound proxy). */
  sendRequest(request: SipRequest, user: ClientTransactionUser): void;
  /** Our Contact on the transport the notifier is reached over. */
  contactUri(): SipUri;
  /** Puts the dialog in the UA's dialog table so requests inside it reach `onRequest`; returns the removal. */
  bindDialog(dialog: Dialog, onRequest: (incoming: SubscriptionRequest) => void): () => void;
  /**
   * RFC 6665 §4.1.2.4: asks the UA core to offer us an in-dialog request with this Call-ID and To tag that
   * matches no dialog yet (the NOTIFY that overtook the 2xx); `adopt` binds the dialog and returns true.
   * Returns the removal. Without it such a NOTIFY gets 481 and the 2xx alone creates the dialog.
   */
  expectDialog?(callId: string, localTag: string, adopt: (request: SipRequest) => boolean): () => void;
}

export interface SubscriptionOptions {
  backoff?: BackoffOptions;
  random?: () => number;
  maxChallenges?: number;
  /** §4.1.2.4: how long to wait for the first NOTIFY after a 2xx (64*T1 = 32 s). */
  notifyWaitMs?: number;
  /** After the 2xx to an unsubscribe, how long to wait for the final NOTIFY before letting go of the dialog. */
  finalNotifyWaitMs?: number;
}

/** What one NOTIFY inside the subscription carried. */
export interface SubscriptionNotification {
  subscriptionState: SubscriptionStateHeader;
  contentType?: string;
  body: Uint8Array;
  request: SipRequest;
}

export type SubscriptionStatusListener = (status: SubscriptionStatus) => void;
export type SubscriptionNotifyListener = (notification: SubscriptionNotification) => void;

const DEFAULT_EXPIRES = 3600;
const DEFAULT_NOTIFY_WAIT_MS = 64 * 500;
const DEFAULT_FINAL_NOTIFY_WAIT_MS = 2000;

type Kind = 'initial' | 'refresh' | 'unsubscribe';

/** RFC 6665 §4.1.2.2: refresh answers that end the subscription (480-485 too). */
const REFRESH_TERMINATING = new Set([404, 405, 410, 416, 489, 501, 604]);

export class SubscriptionClient {
  private current: SubscriptionStatus = { state: 'idle', consecutiveFailures: 0 };
  private readonly statusListeners = new Set<SubscriptionStatusListener>();
  private readonly notifyListeners = new Set<SubscriptionNotifyListener>();
  private readonly auth: DigestAuthenticator;
  private callId = generateCallId();
  private fromTag = generateTag();
  private cseq = 0;
  private requestedExpires: number;
  private dialog: Dialog | undefined;
  private unbind: (() => void) | undefined;
  private unexpect: (() => void) | undefined;
  private timer: TimerHandle | undefined;
  private notifyTimer: TimerHandle | undefined;
  /** When the subscription runs out (clock ms), to notice a NOTIFY that shortens it. */
  private expiresAt: number | undefined;
  private attempt = 0;
  private challenges = 0;
  /** When the last immediate re-subscribe after reason=timeout/deactivated happened. */
  private lastImmediateAt: number | undefined;
  private stopWaiters: Array<() => void> = [];

  constructor(
    readonly resource: SubscriptionResource,
    readonly spec: SubscriptionSpec,
    private readonly ctx: SubscriptionContext,
    private readonly options: SubscriptionOptions = {},
  ) {
    this.requestedExpires = spec.expires ?? DEFAULT_EXPIRES;
    const credentials: Credentials | undefined =
      resource.password === undefined ? undefined : { username: resource.authUser ?? resource.user, password: resource.password };
    this.auth = new DigestAuthenticator({ credentials: () => credentials });
  }

  get status(): SubscriptionStatus {
    return this.current;
  }

  get state(): SubscriptionState {
    return this.current.state;
  }

  /** The dialog of the current subscription, once a 2xx created it. */
  get currentDialog(): Dialog | undefined {
    return this.dialog;
  }

  onChange(listener: SubscriptionStatusListener): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onNotify(listener: SubscriptionNotifyListener): () => void {
    this.notifyListeners.add(listener);
    return () => this.notifyListeners.delete(listener);
  }

  start(): void {
    if (this.current.state === 'subscribing' || this.current.state === 'active' || this.current.state === 'pending') return;
    this.current = { state: 'idle', consecutiveFailures: 0 };
    this.subscribe();
  }

  /**
   * §4.1.2.3: unsubscribe with an in-dialog SUBSCRIBE carrying Expires: 0. Resolves when the notifier's final
   * NOTIFY came (or did not within finalNotifyWaitMs, or the SUBSCRIBE failed), at once when there is no
   * subscription to end.
   */
  stop(): Promise<void> {
    // A second stop() joins the first (its timers keep running: the final-NOTIFY wait must still fire).
    if (this.current.state === 'unsubscribing') return new Promise((r) => this.stopWaiters.push(r));
    this.clearTimers();
    if (this.dialog === undefined || this.dialog.state === 'terminated') {
      // An initial SUBSCRIBE still in flight is abandoned: its answer is ignored, and a subscription the
      // notifier created anyway lapses at its expiry.
      this.attempt++;
      this.teardownDialog();
      this.setStatus({ state: 'idle', consecutiveFailures: 0 });
      return Promise.resolve();
    }
    this.setStatus({ state: 'unsubscribing', consecutiveFailures: this.current.consecutiveFailures });
    const done = new Promise<void>((r) => this.stopWaiters.push(r));
    this.challenges = 0;
    this.send(this.buildRefresh(0), 'unsubscribe', 0);
    return done;
  }

  /** Stops timers and forgets the dialog without unsubscribing (the stack is going away). */
  dispose(): void {
    this.clearTimers();
    this.attempt++;
    this.teardownDialog();
    for (const w of this.stopWaiters.splice(0)) w();
  }

  // ---------------------------------------------------------------- SUBSCRIBE

  private subscribe(): void {
    this.clearTimers();
    this.teardownDialog();
    // A new subscription is a new dialog (§4.1.2.1): fresh Call-ID and tag, so a late NOTIFY of the old one
    // cannot be mistaken for the new.
    this.callId = generateCallId();
    this.fromTag = generateTag();
    this.cseq = 0;
    this.challenges = 0;
    this.setStatus({ state: 'subscribing', consecutiveFailures: this.current.consecutiveFailures });
    this.unexpect = this.ctx.expectDialog?.(this.callId, this.fromTag, (request) => this.adoptEarlyNotify(request));
    this.send(this.buildInitial(this.requestedExpires), 'initial', this.requestedExpires);
  }

  private refresh(): void {
    if (!this.dialog || this.dialog.state === 'terminated') {
      this.subscribe();
      return;
    }
    this.challenges = 0;
    this.send(this.buildRefresh(this.requestedExpires), 'refresh', this.requestedExpires);
  }

  private send(request: SipRequest, kind: Kind, expires: number): void {
    // Credentials from the last challenge go with every later SUBSCRIBE (RFC 3261 §22.3), saving a round trip.
    const known = this.auth.authorize(request);
    if (known.length > 0) applyAuthorization(request, known);
    const attempt = ++this.attempt;
    this.ctx.sendRequest(request, {
      onResponse: (response, origin) => {
        if (attempt !== this.attempt) return;
        this.handleResponse(request, response, origin, kind, expires);
      },
    });
  }

  private handleResponse(request: SipRequest, response: SipResponse, origin: ResponseOrigin, kind: Kind, expires: number): void {
    const status = response.status;
    if (status < 200) return;
    if ((status === 401 || status === 407) && origin === 'network') {
      // RFC 3261 §22.2: answer the challenge with a new request (new CSeq); a refused password is for the user to fix.
      const outcome = this.auth.respond(request, response);
      if (outcome.ok && this.challenges++ < (this.options.maxChallenges ?? 3)) {
        const retry = kind === 'initial' ? this.buildInitial(expires) : this.buildRefresh(expires);
        applyAuthorization(retry, outcome.headers);
        const attempt = ++this.attempt;
        this.ctx.sendRequest(retry, {
          onResponse: (r, o) => {
            if (attempt === this.attempt) this.handleResponse(retry, r, o, kind, expires);
          },
        });
        return;
      }
      if (kind === 'unsubscribe') {
        this.finishStop();
        return;
      }
      const permanent = !outcome.ok && (outcome.reason === 'rejected' || outcome.reason === 'no-credentials');
      this.fail(status, permanent ? 'authentication failed: wrong user name or password' : 'notifier keeps challenging', permanent);
      return;
    }
    if (kind === 'unsubscribe') {
      if (status >= 200 && status < 300 && this.dialog) {
        // §4.1.2.3: the notifier confirms an unsubscribe with a NOTIFY "terminated"; the dialog stays until it
        // comes (answered 200, not 481), for a bounded time.
        this.timer = this.ctx.clock.setTimeout(() => {
          this.timer = undefined;
          this.finishStop();
        }, this.options.finalNotifyWaitMs ?? DEFAULT_FINAL_NOTIFY_WAIT_MS);
        return;
      }
      this.finishStop();
      return;
    }
    if (status >= 200 && status < 300) {
      this.accepted(request, response, kind);
      return;
    }
    if (status === 423 && origin === 'network') {
      // §4.1.2.1 / RFC 3261 §10.2.8 by analogy: retry with at least Min-Expires.
      const min = Number(response.headers.get('min-expires')?.trim());
      if (Number.isInteger(min) && min > expires) {
        this.requestedExpires = min;
        const retry = kind === 'initial' ? this.buildInitial(min) : this.buildRefresh(min);
        this.send(retry, kind, min);
        return;
      }
    }
    if (kind === 'refresh') {
      if (status === 481) {
        // §4.1.2.2: "If a SUBSCRIBE request to refresh a subscription receives a 404, 405, 410, 416, 480-485, 489,
        // 501, or 604 response, the subscriber MUST consider the subscription terminated"; 481 says only that
        // the notifier lost it (a restart), so a new one starts now.
        this.teardownDialog();
        this.subscribe();
        return;
      }
      if (!REFRESH_TERMINATING.has(status) && !(status >= 480 && status <= 485)) {
        // "... fails with any error code other than those listed above, the original subscription is still
        // considered valid for the duration of the most recently known 'Expires' value": keep the dialog and
        // try the refresh again inside it while time remains.
        const remaining = (this.expiresAt ?? 0) - this.ctx.clock.now();
        const consecutiveFailures = this.current.consecutiveFailures + 1;
        const delay = Math.min(backoffDelay(consecutiveFailures, this.options.backoff ?? DEFAULT_BACKOFF, this.options.random), remaining / 2);
        if (delay >= 1000) {
          const reason = origin === 'timeout' ? 'refresh not answered' : `refresh failed: ${status} ${response.reason}`;
          this.setStatus({ ...this.current, status, reason, consecutiveFailures });
          this.timer = this.ctx.clock.setTimeout(() => {
            this.timer = undefined;
            this.refresh();
          }, delay);
          return;
        }
      }
    }
    if (status === 489) {
      // §8.3.1 489 Bad Event: the notifier does not know the package; asking again will not teach it.
      this.fail(status, `the server does not support the ${this.spec.event} event package (489 Bad Event)`, true);
      return;
    }
    if (status === 403 || status === 404 || status === 405 || status === 501 || status === 603) {
      this.fail(status, `${status} ${response.reason}`, true);
      return;
    }
    const reason =
      origin === 'timeout' ? 'notifier did not answer' : origin === 'transport-error' ? 'notifier unreachable' : `${status} ${response.reason}`;
    this.fail(status, reason, false, retryAfterSeconds(response));
  }

  /** A 2xx to SUBSCRIBE (§4.1.2.1): the dialog exists, the Expires header says for how long. */
  private accepted(request: SipRequest, response: SipResponse, kind: Kind): void {
    this.stopExpecting();
    if (kind === 'initial' && this.dialog) {
      // §4.1.2.4: the NOTIFY came first and created the dialog; the 2xx only says for how long. A 2xx from
      // another fork (another To tag) is a second subscription we do not keep (it lapses at its expiry); ours
      // is refreshed on the time its NOTIFY granted.
      if (response.to.tag !== this.dialog.id.remoteTag) {
        this.scheduleRefresh(this.current.expires ?? this.requestedExpires);
        return;
      }
    } else if (kind === 'initial') {
      if (response.to.tag === undefined) {
        this.fail(response.status, '2xx to SUBSCRIBE without a To tag', false);
        return;
      }
      this.dialog = Dialog.asUac(request, response);
      this.unbind = this.ctx.bindDialog(this.dialog, (incoming) => this.receiveRequest(incoming));
      this.ctx.clock.clearTimeout(this.notifyTimer);
      // §4.1.2.4: "If a NOTIFY request is not received within 64*T1 seconds of the 200-class response, the
      // subscriber ... SHOULD consider the subscription failed."
      this.notifyTimer = this.ctx.clock.setTimeout(() => {
        this.notifyTimer = undefined;
        if (this.current.state === 'subscribing') this.fail(408, 'no NOTIFY after the SUBSCRIBE was accepted', false);
      }, this.options.notifyWaitMs ?? DEFAULT_NOTIFY_WAIT_MS);
    } else {
      // SUBSCRIBE is a target refresh request (§4.1.2.2 via RFC 3261 §12.2.1.2).
      this.dialog?.refreshTarget(response);
    }
    let granted: number | undefined;
    try {
      granted = response.expires;
    } catch {
      granted = undefined;
    }
    // §4.1.2.1: the 2xx "MUST contain an Expires header field"; without one, take what we asked for.
    const seconds = granted ?? this.requestedExpires;
    if (seconds === 0) {
      this.teardownDialog();
      this.fail(response.status, 'notifier granted no time (Expires: 0)', false);
      return;
    }
    this.scheduleRefresh(seconds);
    const state = this.current.state === 'active' || this.current.state === 'pending' ? this.current.state : 'subscribing';
    this.setStatus({ state, expires: seconds, status: response.status, consecutiveFailures: 0 });
  }

  private scheduleRefresh(seconds: number): void {
    this.ctx.clock.clearTimeout(this.timer);
    this.expiresAt = this.ctx.clock.now() + seconds * 1000;
    this.timer = this.ctx.clock.setTimeout(() => {
      this.timer = undefined;
      this.refresh();
    }, refreshDelayMs(seconds));
  }

  // ---------------------------------------------------------------- NOTIFY

  /**
   * RFC 6665 §4.1.2.4: a NOTIFY before the 2xx to our initial SUBSCRIBE. It belongs to this subscription when
   * its Call-ID and To tag are our SUBSCRIBE's (the core checked those) and its Event names our package with
   * the same id — none, as we send none (§8.2.1: "id" must match). Then it creates the dialog, as the UAS side
   * of a dialog-creating request would (RFC 3261 §12.1.1: route set from its Record-Route, target from its
   * Contact); our CSeq goes on from the SUBSCRIBE's, which the notifier holds as the remote sequence number.
   */
  private adoptEarlyNotify(request: SipRequest): boolean {
    if (request.method !== 'NOTIFY' || this.dialog || this.current.state !== 'subscribing') return false;
    const [pkg, ...params] = (request.headers.get('event') ?? '').split(';').map((p) => p.trim());
    if (pkg?.toLowerCase() !== this.spec.event.toLowerCase()) return false;
    if (params.some((p) => /^id\s*=/i.test(p))) return false;
    if (request.from.tag === undefined || request.contacts.length === 0) return false;
    const dialog = Dialog.asUas(request, this.fromTag, false);
    dialog.localSeq = this.cseq;
    this.stopExpecting();
    this.dialog = dialog;
    this.unbind = this.ctx.bindDialog(dialog, (incoming) => this.receiveRequest(incoming));
    return true;
  }

  private stopExpecting(): void {
    this.unexpect?.();
    this.unexpect = undefined;
  }

  private receiveRequest(incoming: SubscriptionRequest): void {
    const { request } = incoming;
    if (request.method !== 'NOTIFY') {
      incoming.respond(405, { headers: [['Allow', 'NOTIFY']] });
      return;
    }
    // §8.2.1: the Event header of the NOTIFY names the package subscribed to.
    const event = request.headers.get('event')?.split(';')[0]?.trim().toLowerCase();
    if (event !== this.spec.event.toLowerCase()) {
      incoming.respond(489);
      return;
    }
    const subscriptionState = parseSubscriptionState(request.headers.get('subscription-state'));
    if (!subscriptionState) {
      incoming.respond(400, { reason: 'Missing Subscription-State' });
      return;
    }
    // §4.1.3: "the subscriber MUST return a 200-class response" to a NOTIFY it accepts.
    incoming.respond(200);
    this.dialog?.refreshTarget(request);
    this.ctx.clock.clearTimeout(this.notifyTimer);
    this.notifyTimer = undefined;
    const notification: SubscriptionNotification = { subscriptionState, contentType: request.contentType, body: request.body, request };
    for (const l of this.notifyListeners) l(notification);
    if (subscriptionState.state === 'terminated') {
      this.terminated(subscriptionState);
      return;
    }
    if (this.current.state === 'unsubscribing' || this.current.state === 'idle') return;
    const expires = subscriptionState.expires;
    // §4.1.3: the notifier may shorten the subscription in the NOTIFY's expires parameter.
    if (expires !== undefined && expires > 0 && this.expiresAt !== undefined && this.ctx.clock.now() + expires * 1000 < this.expiresAt) {
      this.scheduleRefresh(expires);
    }
    this.setStatus({
      ...this.current,
      state: subscriptionState.state,
      expires: expires ?? this.current.expires,
      consecutiveFailures: 0,
    });
  }

  /** §4.1.3: what the reason of a "terminated" state tells the subscriber to do next. */
  private terminated(state: SubscriptionStateHeader): void {
    this.teardownDialog();
    if (this.current.state === 'unsubscribing') {
      this.finishStop();
      return;
    }
    if (this.current.state === 'idle' || this.current.state === 'failed') return;
    const reason = state.reason;
    const words = `subscription terminated${reason ? ` (${reason})` : ''}`;
    switch (reason) {
      case 'deactivated':
      case 'timeout': {
        // "the subscriber SHOULD attempt to re-subscribe immediately" — once per back-off base time: a notifier
        // that ends every new subscription at once must not get a SUBSCRIBE per round trip.
        const now = this.ctx.clock.now();
        const base = (this.options.backoff ?? DEFAULT_BACKOFF).baseMs;
        if (this.lastImmediateAt !== undefined && now - this.lastImmediateAt < base) {
          this.fail(this.current.status ?? 200, words, false);
          return;
        }
        this.lastImmediateAt = now;
        this.setStatus({ ...this.current, reason: words });
        this.subscribe();
        return;
      }
      case 'rejected':
      case 'noresource':
      case 'invariant':
        // "the subscriber SHOULD NOT attempt to re-subscribe" (rejected, noresource; invariant: never).
        this.fail(this.current.status ?? 200, words, true);
        return;
      default:
        // probation, giveup: "SHOULD NOT attempt to re-subscribe until after the number of seconds specified by
        // the 'retry-after' parameter"; with no reason "MAY attempt to re-subscribe at any time": after a back-off.
        this.fail(this.current.status ?? 200, words, false, state.retryAfter);
    }
  }

  // ---------------------------------------------------------------- helpers

  private fail(status: number, reason: string, permanent: boolean, retryAfter?: number): void {
    this.clearTimers();
    // A 2xx still in flight for the subscription that failed (a NOTIFY ended it first) must not revive it.
    this.attempt++;
    this.teardownDialog();
    const consecutiveFailures = this.current.consecutiveFailures + 1;
    if (permanent) {
      this.setStatus({ state: 'failed', status, reason, consecutiveFailures });
      return;
    }
    // RFC 5626 §4.5's jittered exponential back-off keeps a building of phones off a notifier that just restarted.
    const backoff = backoffDelay(consecutiveFailures, this.options.backoff ?? DEFAULT_BACKOFF, this.options.random);
    const delay = retryAfter !== undefined ? Math.max(retryAfter * 1000, 1000) : backoff;
    this.setStatus({ state: 'retry-wait', status, reason, retryInMs: delay, consecutiveFailures });
    this.timer = this.ctx.clock.setTimeout(() => {
      this.timer = undefined;
      this.subscribe();
    }, delay);
  }

  private finishStop(): void {
    this.clearTimers();
    this.attempt++;
    this.teardownDialog();
    this.setStatus({ state: 'idle', consecutiveFailures: 0 });
    for (const w of this.stopWaiters.splice(0)) w();
  }

  private teardownDialog(): void {
    this.stopExpecting();
    this.dialog?.terminate();
    this.unbind?.();
    this.unbind = undefined;
    this.dialog = undefined;
    this.expiresAt = undefined;
  }

  private buildInitial(expires: number): SipRequest {
    const aor = new SipUri({ host: this.resource.domain, user: this.resource.user });
    return createRequest({
      method: 'SUBSCRIBE',
      // RFC 3842 §4: the subscription is to the user's own address-of-record (the message store finds the account).
      uri: aor,
      to: new NameAddr(aor, undefined, this.resource.displayName),
      from: new NameAddr(aor, [['tag', this.fromTag]], this.resource.displayName),
      callId: this.callId,
      cseq: ++this.cseq,
      contact: new NameAddr(this.ctx.contactUri()),
      headers: this.eventHeaders(expires),
    });
  }

  private buildRefresh(expires: number): SipRequest {
    const dialog = this.dialog!;
    const request = dialog.createRequest('SUBSCRIBE', { contact: new NameAddr(this.ctx.contactUri()), headers: this.eventHeaders(expires) });
    return request;
  }

  private eventHeaders(expires: number): Array<readonly [string, string]> {
    return [
      ['Event', this.spec.event],
      ['Accept', this.spec.accept.join(', ')],
      ['Expires', String(expires)],
    ];
  }

  private clearTimers(): void {
    this.ctx.clock.clearTimeout(this.timer);
    this.ctx.clock.clearTimeout(this.notifyTimer);
    this.timer = undefined;
    this.notifyTimer = undefined;
  }

  private setStatus(status: SubscriptionStatus): void {
    const clean = Object.fromEntries(Object.entries(status).filter(([, v]) => v !== undefined)) as unknown as SubscriptionStatus;
    this.current = clean;
    for (const l of this.statusListeners) l(clean);
  }
}

/** RFC 3261 §20.33 Retry-After on a 503/480, in seconds. */
function retryAfterSeconds(response: SipResponse): number | undefined {
  const raw = response.headers.get('retry-after')?.trim().split(/[\s;(]/)[0];
  return raw !== undefined && /^\d{1,10}$/.test(raw) ? Number(raw) : undefined;
}
