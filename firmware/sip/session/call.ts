import type { Clock, TimerHandle } from '../../clock/index.js';
import { DeskphoneError } from '../../errors.js';
import { applyAuthorization, DigestAuthenticator } from '../auth/index.js';
import { Dialog } from '../dialog/index.js';
import {
  createRequest,
  generateCallId,
  generateTag,
  NameAddr,
  SipUri,
  type SipRequest,
  type SipResponse,
  type Uri,
} from '../message/index.js';
import { SdpError, SdpSession, type LocalMedia, type MediaDirection, type NegotiatedMedia } from '../sdp/index.js';
import type { ClientTransaction, ClientTransactionUser, ResponseOrigin } from '../transaction/index.js';
import type { TransportProtocol } from '../transport/index.js';
import type { DialogUsage, IncomingRequest, SipLog, UserAgentCore } from '../ua/index.js';
import { rejectedBy, statusWords, type CallEndReason } from './call-outcome.js';
import { DTMF_RELAY, formatDtmfRelay, isDtmfDigit, parseDtmfInfo, type DtmfInfo } from './dtmf-info.js';
import { glareBackoffMs } from './glare.js';
import { Listeners } from './listeners.js';
import { formatRAck, initialRSeq, readRAck, readRSeq } from './reliable-provisional.js';
import { ResponseRetransmitter } from './response-retransmitter.js';
import { SessionRefresh } from './session-refresh.js';
import { formatSessionExpires, hasOptionTag, readMinSE, readSessionExpires, type SessionTimerConfig } from './session-timer.js';

export type CallDirection = 'outgoing' | 'incoming';

/**
 * - calling: our INVITE is out, nothing but 100 back yet
 * - early: the far end rings or plays early media (18x)
 * - ringing: an incoming call waits for the user
 * - active: the dialog is confirmed (§13.3.1.4: for an incoming call from our 2xx on)
 * - ended
 */
export type CallState = 'calling' | 'early' | 'ringing' | 'active' | 'ended';

export interface CallEvents extends Record<string, unknown> {
  state: { state: CallState; words: string };
  /** A provisional response: ringback, or early media when the 18x carried SDP (RFC 3261 §13.2.1, RFC 3262). */
  progress: { status: number; words: string; earlyMedia: boolean };
  /** The negotiated audio changed: open, redirect or re-direct the media stream. */
  media: NegotiatedMedia;
  hold: { local: boolean; remote: boolean };
  dtmf: DtmfInfo;
  ended: CallEndReason;
}

/** The line a call belongs to, from the phone's account settings. */
export interface CallAccount {
  user: string;
  domain: string;
  displayName?: string;
  authUser?: string;
  password?: string;
  /** Out-of-dialog requests go here first (§8.1.2): the registrar/proxy of the account. */
  outboundProxy?: Uri;
  protocol?: TransportProtocol;
}

/** What a call needs from the manager that owns it. */
export interface CallContext {
  core: UserAgentCore;
  clock: Clock;
  random: () => number;
  log: SipLog;
  localMedia(call: Call): LocalMedia;
  sessionTimer: SessionTimerConfig;
  maxRedirects: number;
  /** Offer 100rel (RFC 3262) and send reliable 18x when a caller requires it. */
  reliableProvisional: boolean;
  /** Re-INVITE (default) or UPDATE for our session refreshes (RFC 4028 §7.4 allows either). */
  refreshMethod: 'INVITE' | 'UPDATE';
  /** Called once when the call ends, so the manager forgets it. */
  ended(call: Call): void;
  /**
   * In-dialog methods another usage takes on this call's dialog (REFER and NOTIFY for transfer, RFC 3515 §2.4.4),
   * and the option tags it adds to Supported ('replaces', RFC 3891 §6.1). Filled by CallManager.extend.
   */
  extensions?: CallExtensions;
}

export interface CallExtensions {
  readonly methods: ReadonlyMap<string, (call: Call, incoming: IncomingRequest) => void>;
  readonly supported: readonly string[];
}

/** What a usage on top of a call (refer/) gets back for an in-dialog request it sent. */
export type InDialogResponse = (response: SipResponse, request: SipRequest) => void;

export class CallError extends DeskphoneError {
  constructor(
    message: string,
    readonly callId: string,
    readonly state: CallState,
  ) {
    super('SIP_CALL', message);
  }
}

const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, PRACK';

interface EarlyLeg {
  dialog: Dialog;
  /** RFC 3262 §4: the RSeq of the last reliable provisional response acknowledged on this leg. */
  lastRSeq: number | undefined;
}

/** Our offer-carrying INVITE or UPDATE inside the dialog (RFC 3261 §14.1, RFC 3311). */
interface PendingOffer {
  method: 'INVITE' | 'UPDATE';
  purpose: 'hold' | 'resume' | 'refresh' | 'renegotiate';
}

/** An INVITE we answered with 2xx and whose ACK we wait for. */
interface AwaitingAck {
  cseq: number;
  retransmitter: ResponseRetransmitter;
  /** We offered in the 2xx (late offer): the ACK carries the answer (RFC 3264 §4, RFC 3261 §13.2.1). */
  offerInAnswer: boolean;
}

/**
 * One phone call: an INVITE session usage (RFC 3261 §13–§15) with its offer/answer (RFC 3264), hold
 * (§8.4 there), reliable provisional responses (RFC 3262), UPDATE (RFC 3311), session timers (RFC 4028)
 * and DTMF by INFO. Outgoing and incoming calls share the in-dialog half. Time comes from the injected
 * Clock, messages go through the UA core, so the whole machine runs on a FakeClock in tests.
 */
export class Call {
  readonly callId: string;
  readonly direction: CallDirection;
  readonly account: CallAccount;
  /** The far end as the user sees it (To for outgoing, From for incoming). */
  readonly remoteIdentity: NameAddr;
  /**
   * The host our signalling for this call goes to first: the INVITE's source for incoming calls, the outbound
   * proxy or the Request-URI host for outgoing ones. The SDP address is the interface toward it (issue 5 point 11).
   */
  readonly signallingPeer: string | undefined;
  private current: CallState;
  private readonly events = new Listeners<CallEvents>();
  readonly sdp: SdpSession;
  private dialog: Dialog | undefined;
  private readonly usages = new Map<string, DialogUsage>();
  private readonly timers = new Set<TimerHandle>();
  private readonly log: SipLog;
  private endReason: CallEndReason | undefined;

  private localHeld = false;
  private remoteHeld = false;
  private pendingOffer: PendingOffer | undefined;
  private wantedHold: boolean | undefined;
  private glareTimer: TimerHandle | undefined;
  private readonly acksSent = new Map<number, SipRequest>();
  private authenticator: DigestAuthenticator;
  private readonly dtmfQueue: DtmfInfo[] = [];
  private byeAfterAck = false;
  private queuedOffer: PendingOffer | undefined;
  private peerAllow = new Set<string>();

  // Outgoing (UAC) side
  private fromTag = generateTag();
  private localSeq = 0;
  private requestUri: Uri | undefined;
  private inviteTx: ClientTransaction | undefined;
  private inviteCseq = 0;
  private readonly early = new Map<string, EarlyLeg>();
  private cancelRequested = false;
  private cancelSent = false;
  private readonly triedTargets = new Set<string>();
  private redirects = 0;
  private sessionExpires: number;
  private lateOfferOut = false;
  /** Extra INVITE headers a usage asked for (Replaces, Referred-By: RFC 3891, RFC 3892). */
  private inviteHeaders: ReadonlyArray<readonly [string, string]> = [];

  // Incoming (UAS) side
  private incoming: IncomingRequest | undefined;
  /** The INVITE that started an incoming call, for what the phone reads in it (Call-Info, Alert-Info). */
  invite: SipRequest | undefined;
  private remoteOfferAnswer: string | undefined;
  private reliable: { rseq: number; response: SipResponse; retransmitter: ResponseRetransmitter } | undefined;
  private nextRSeq = 0;
  private awaitingAck: AwaitingAck | undefined;

  private readonly refresher: SessionRefresh;

  private constructor(
    private readonly ctx: CallContext,
    init: { callId: string; direction: CallDirection; account: CallAccount; remote: NameAddr; peer?: string },
  ) {
    this.callId = init.callId;
    this.signallingPeer = init.peer;
    this.direction = init.direction;
    this.account = init.account;
    this.remoteIdentity = init.remote;
    this.current = init.direction === 'outgoing' ? 'calling' : 'ringing';
    this.log = ctx.log;
    this.sdp = new SdpSession(ctx.localMedia(this));
    this.sessionExpires = ctx.sessionTimer.expires;
    this.refresher = new SessionRefresh(ctx.clock, ctx.sessionTimer, {
      refresh: () => this.refreshSession(),
      expire: () => this.sendBye({ kind: 'failed', words: 'Call lost (session expired)', status: 408 }),
    });
    this.authenticator = new DigestAuthenticator({
      credentials: () =>
        init.account.password === undefined ? undefined : { username: init.account.authUser ?? init.account.user, password: init.account.password },
    });
  }

  // ================================================================ public surface

  get state(): CallState {
    return this.current;
  }

  get localHold(): boolean {
    return this.localHeld;
  }

  get remoteHold(): boolean {
    return this.remoteHeld;
  }

  get media(): NegotiatedMedia | undefined {
    return this.sdp.media;
  }

  get ended(): CallEndReason | undefined {
    return this.endReason;
  }

  /** The confirmed dialog (for REFER/Replaces later: issue 5 point 5). */
  get confirmedDialog(): Dialog | undefined {
    return this.dialog;
  }

  /**
   * RFC 3891 §3: how this call's dialogs relate to a Replaces header's Call-ID, to-tag and from-tag, which name
   * the dialog from the receiver's side (to-tag = our local tag, from-tag = our remote tag). 'early' only for
   * an outgoing call still ringing ("an early dialog ... not initiated by this UA" does not match).
   */
  matchDialog(callId: string, toTag: string, fromTag: string): 'confirmed' | 'early' | undefined {
    if (this.current === 'ended' || callId !== this.callId) return undefined;
    const id = this.dialog?.id;
    if (id) return id.localTag === toTag && id.remoteTag === fromTag ? 'confirmed' : undefined;
    if (this.direction === 'outgoing' && toTag === this.fromTag && this.early.has(fromTag)) return 'early';
    return undefined;
  }

  /**
   * Sends a request inside the confirmed dialog for a usage layered on the call (REFER, NOTIFY: RFC 3515),
   * with the call's credentials for a 401/407. Throws unless the call is active.
   */
  sendRequest(
    method: string,
    options: { body?: string; contentType?: string; headers?: ReadonlyArray<readonly [string, string]> },
    onFinal: InDialogResponse,
  ): void {
    this.requireActive(`send ${method} in`);
    this.sendInDialog(method, options, onFinal);
  }

  on<K extends keyof CallEvents>(event: K, listener: (value: CallEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  /** Starts an outgoing call (CallManager.call). */
  static outgoing(
    ctx: CallContext,
    account: CallAccount,
    target: Uri,
    options: { lateOffer?: boolean; headers?: ReadonlyArray<readonly [string, string]> } = {},
  ): Call {
    const call = new Call(ctx, {
      callId: generateCallId(),
      direction: 'outgoing',
      account,
      remote: new NameAddr(target),
      peer: hostOf(account.outboundProxy) ?? hostOf(target),
    });
    call.lateOfferOut = options.lateOffer ?? false;
    call.inviteHeaders = options.headers ?? [];
    call.requestUri = target;
    call.triedTargets.add(target.toString());
    call.sendInvite();
    return call;
  }

  /**
   * An incoming INVITE (CallManager's INVITE handler). Returns undefined when the INVITE was refused at once
   * (422, 488, 400): then there is no call to show.
   */
  static incoming(ctx: CallContext, account: CallAccount, incoming: IncomingRequest): Call | undefined {
    const request = incoming.request;
    // RFC 4028 §8.1: "If the Session-Expires value is less than the Min-SE ... the UAS MUST reject it with a 422".
    const se = readSessionExpires(request);
    if (se && ctx.sessionTimer.expires > 0 && se.interval < ctx.sessionTimer.minSE) {
      incoming.respond(422, { headers: [['Min-SE', String(ctx.sessionTimer.minSE)]] });
      return undefined;
    }
    // §8.1.1.8: a dialog-creating request "MUST contain a Contact"; without one there is nowhere to send a BYE.
    if (request.contacts.length === 0) {
      incoming.respond(400, { reason: 'Missing Contact' });
      return undefined;
    }
    const call = new Call(ctx, { callId: request.callId, direction: 'incoming', account, remote: request.from, peer: incoming.source.address });
    call.incoming = incoming;
    call.invite = request;
    call.notePeerAllow(request);
    if (request.body.length > 0) {
      if (!hasSdp(request)) {
        // §8.2.3: "If a UAS does not understand the body ... it MUST respond with a 415 ... [with] an Accept header".
        incoming.respond(415, { headers: [['Accept', 'application/sdp']] });
        return undefined;
      }
      try {
        call.remoteOfferAnswer = call.sdp.receiveOffer(request.bodyText).answer;
      } catch (err) {
        if (!(err instanceof SdpError)) throw err;
        // RFC 3261 §13.3.1.3 / RFC 3264 §6: nothing acceptable → 488 with a Warning saying why (§20.43).
        incoming.respond(err.status, { headers: [['Warning', sdpWarning(err)]] });
        return undefined;
      }
    }
    incoming.onCancel(() => call.cancelledByCaller());
    // RFC 6026 §7.1: an ACK that matches the INVITE transaction in Accepted is passed up to us.
    if (incoming.transaction.kind === 'server-invite') incoming.transaction.setUser({ onAck: (ack) => call.receiveAck(ack) });
    call.sendRinging();
    return call;
  }

  /** Answers an incoming call with 200 and our SDP answer (or our offer when the INVITE had none). */
  answer(): void {
    const incoming = this.incoming;
    if (this.direction !== 'incoming' || this.current !== 'ringing' || !incoming) throw new CallError('only a ringing incoming call can be answered', this.callId, this.current);
    this.stopReliable();
    const dialog = this.uasDialog(incoming, false);
    dialog.confirm();
    this.dialog = dialog;
    const offerInAnswer = this.remoteOfferAnswer === undefined;
    const body = this.remoteOfferAnswer ?? this.sdp.createOffer();
    const headers = this.refresher.answering(incoming.request);
    const response = incoming.respond(200, { ...this.dialogResponseInit(incoming), body, contentType: 'application/sdp', headers: [...this.commonHeaders(), ...headers] });
    this.awaitAck(incoming, response, offerInAnswer);
    this.setState('active', 'Connected');
    if (!offerInAnswer && this.sdp.media) this.mediaChanged(this.sdp.media);
  }

  /** Refuses an incoming call: 486 Busy Here by default, 603 Decline, 480… */
  reject(status = 486): void {
    const incoming = this.incoming;
    if (this.direction !== 'incoming' || this.current !== 'ringing' || !incoming) throw new CallError('only a ringing incoming call can be rejected', this.callId, this.current);
    if (status < 300 || status > 699) throw new RangeError(`reject needs a 3xx–6xx status, got ${status}`);
    this.stopReliable();
    incoming.respond(status);
    this.finish({ kind: 'local', words: statusWords(status), status });
  }

  /**
   * Ends the call whatever its state: CANCEL while calling (§9.1), reject while ringing, BYE once
   * established (§15.1.1).
   */
  hangup(): void {
    switch (this.current) {
      case 'ended':
        return;
      case 'ringing':
        this.reject(603);
        return;
      case 'calling':
      case 'early':
        this.cancel();
        return;
      case 'active':
        if (this.awaitingAck && this.direction === 'incoming' && this.awaitingAck.cseq === this.incoming?.request.cseq.seq) {
          // §15: "the callee's UA MUST NOT send a BYE on a confirmed dialog until it has received an ACK for its
          // 2xx response or until the server transaction times out" — the BYE waits for the ACK (or Timer H).
          this.byeAfterAck = true;
          return;
        }
        this.sendBye({ kind: 'local', words: 'Call ended' });
        return;
    }
  }

  /**
   * Holds the call (RFC 3264 §8.4): a re-INVITE whose offer is sendonly, or inactive when the other side
   * already holds us. Resolves nothing: the `hold` event tells when the far end accepted.
   */
  hold(): void {
    this.requireActive('hold');
    this.wantedHold = true;
    if (!this.localHeld) this.startOffer({ method: 'INVITE', purpose: 'hold' });
  }

  resume(): void {
    this.requireActive('resume');
    this.wantedHold = false;
    if (this.localHeld) this.startOffer({ method: 'INVITE', purpose: 'resume' });
  }

  /**
   * Sends a new offer with the current local media (after an address or port change: issue 5 point 11), in a
   * re-INVITE or, when the peer allows it, an UPDATE (RFC 3311 §5.1: answered in the 200, no ACK).
   */
  renegotiate(change: Partial<LocalMedia> = {}, method: 'INVITE' | 'UPDATE' = 'INVITE'): void {
    this.requireActive('renegotiate');
    if (method === 'UPDATE' && !this.peerAllowsUpdate) throw new CallError('the other side does not allow UPDATE', this.callId, this.current);
    this.sdp.updateLocal(change);
    this.startOffer({ method, purpose: 'renegotiate' });
  }

  /** The peer listed UPDATE in Allow (RFC 3311 §5.1: "the UAC ... SHOULD NOT send an UPDATE" otherwise). */
  get peerAllowsUpdate(): boolean {
    return this.peerAllow.has('UPDATE');
  }

  /**
   * A DTMF digit by SIP INFO with application/dtmf-relay (issue 5 point 7). Digits go one INFO at a time,
   * each after the previous one's final response, so they arrive in the order pressed whatever the network does.
   */
  sendDtmfInfo(digit: string, durationMs = 160): void {
    this.requireActive('send DTMF');
    if (!isDtmfDigit(digit)) throw new RangeError(`"${digit}" is not a DTMF digit`);
    this.dtmfQueue.push({ digit, durationMs });
    if (this.dtmfQueue.length === 1) this.sendNextDtmf();
  }

  private sendNextDtmf(): void {
    const next = this.dtmfQueue[0];
    if (!next || this.current !== 'active') {
      this.dtmfQueue.length = 0;
      return;
    }
    this.sendInDialog('INFO', { body: formatDtmfRelay(next.digit, next.durationMs), contentType: DTMF_RELAY }, (response) => {
      this.dtmfQueue.shift();
      // §12.2.1.2: 481/408 to a request in the dialog means the dialog is gone.
      if (response.status === 408 || response.status === 481) this.lostDialog(response.status);
      else this.sendNextDtmf();
    });
  }

  // ================================================================ UAC: the initial INVITE

  private sendInvite(): void {
    const uri = this.requestUri!;
    const offer = this.lateOfferOut ? undefined : this.sdp.createOffer();
    const build = (): SipRequest => {
      this.inviteCseq = ++this.localSeq;
      const headers: Array<readonly [string, string]> = [...this.commonHeaders(), ...this.inviteHeaders];
      // RFC 4028 §7.1: "a UAC ... MAY include a Session-Expires ... [and] MUST include ... Supported: timer".
      if (this.ctx.sessionTimer.expires > 0) {
        headers.push(['Session-Expires', formatSessionExpires(this.sessionExpires)]);
        headers.push(['Min-SE', String(Math.min(this.ctx.sessionTimer.minSE, this.sessionExpires))]);
      }
      return createRequest({
        method: 'INVITE',
        uri,
        from: this.localAor().withTag(this.fromTag),
        to: new NameAddr(uri),
        callId: this.callId,
        cseq: this.inviteCseq,
        contact: new NameAddr(this.contactUri()),
        headers,
        body: offer,
        contentType: offer === undefined ? undefined : 'application/sdp',
      });
    };
    this.sendWithAuth(build, (response, origin, request) => this.inviteResponse(response, origin, request), {
      nextHop: this.account.outboundProxy,
      onTransaction: (tx) => {
        this.inviteTx = tx;
      },
      provisional: (response, request) => this.inviteResponse(response, 'network', request),
    });
  }

  private inviteResponse(response: SipResponse, origin: ResponseOrigin, request: SipRequest): void {
    if (response.cseq.seq !== this.inviteCseq) {
      // A 2xx to an INVITE we gave up (auth retry, redirect) still creates a dialog that must be ended (§13.2.2.4).
      if (response.status >= 200 && response.status < 300) this.ackAndBye(request, response);
      return;
    }
    const status = response.status;
    if (status < 200) {
      if (status > 100) this.provisional(request, response);
      if (this.cancelRequested && !this.cancelSent) this.sendCancel();
      return;
    }
    if (status < 300) {
      this.inviteSuccess(request, response);
      return;
    }
    if (this.current === 'ended') return;
    this.dropEarly();
    if (this.cancelRequested) {
      // 487 is the usual answer to our CANCEL (§9.1); any other final response also ends what we cancelled.
      this.finish({ kind: 'local', words: 'Cancelled', status });
      return;
    }
    if (status >= 300 && status < 400 && this.followRedirect(response)) return;
    if (status === 422 && this.retryWithMinSE(response)) return;
    if (origin === 'timeout') {
      this.finish({ kind: 'failed', words: 'No answer', status });
      return;
    }
    if (origin === 'transport-error') {
      this.finish({ kind: 'failed', words: 'Network error', status });
      return;
    }
    this.finish(rejectedBy(status));
  }

  /** §13.2.2.1: 18x; a To tag makes an early dialog (§12.1.2), one per fork. */
  private provisional(request: SipRequest, response: SipResponse): void {
    // A late 18x (reordered, or from a fork that lost) says nothing once a 2xx has confirmed the call.
    if (this.current === 'ended' || this.dialog) return;
    const tag = response.to.tag;
    let leg = tag === undefined ? undefined : this.early.get(tag);
    if (tag !== undefined && !leg && !this.dialog) {
      try {
        leg = { dialog: Dialog.asUac(request, response), lastRSeq: undefined };
      } catch {
        leg = undefined;
      }
      if (leg) {
        this.early.set(tag, leg);
        this.addUsage(leg.dialog);
      }
    }
    if (leg && response.contacts[0]) leg.dialog.refreshTarget(response);
    const reliable = hasOptionTag(response, 'require', '100rel');
    if (reliable) {
      const rseq = readRSeq(response);
      if (!leg || rseq === undefined) return;
      // RFC 3262 §4: "If the UAC receives another reliable provisional response to the same request, and its RSeq
      // value is not one higher than the value of the sequence number, that response MUST NOT be acknowledged
      // with a PRACK, and MUST NOT be processed further by the UAC" (the first one may have any RSeq).
      if (leg.lastRSeq !== undefined && rseq !== leg.lastRSeq + 1) return;
      leg.lastRSeq = rseq;
      this.sendPrack(leg, response, rseq);
    }
    let earlyMedia = false;
    if (response.body.length > 0 && hasSdp(response)) {
      try {
        const media = this.sdp.receiveAnswer(response.bodyText);
        earlyMedia = true;
        this.mediaChanged(media);
      } catch (err) {
        this.log.info({ err, callId: this.callId }, 'call: unusable SDP in a provisional response');
      }
    }
    this.setState('early', response.status === 180 ? 'Ringing' : earlyMedia ? 'Ringing' : 'Calling');
    this.events.emit('progress', { status: response.status, words: response.status === 180 || earlyMedia ? 'Ringing' : 'Calling', earlyMedia });
  }

  /** RFC 3262 §7.2: PRACK with RAck = RSeq, CSeq number and method of the response, inside the early dialog. */
  private sendPrack(leg: EarlyLeg, response: SipResponse, rseq: number): void {
    const request = leg.dialog.createRequest('PRACK', {
      headers: [['RAck', formatRAck({ rseq, cseq: response.cseq.seq, method: response.cseq.method })]],
    });
    this.ctx.core.sendRequest(request, { onResponse: () => undefined });
  }

  private inviteSuccess(request: SipRequest, response: SipResponse): void {
    const tag = response.to.tag;
    if (this.dialog) {
      if (tag === this.dialog.id.remoteTag) {
        // §13.2.2.4: "The UAC core MUST generate an ACK request for each 2xx received from the transaction layer".
        this.resendAck(response.cseq.seq);
      } else {
        // "If ... a 2xx arrives from a different dialog (a fork) ... the UAC core MUST ... ACK ... and then send a BYE".
        this.ackAndBye(request, response);
      }
      return;
    }
    if (this.current === 'ended') {
      this.ackAndBye(request, response);
      return;
    }
    let dialog: Dialog;
    try {
      dialog = Dialog.asUac(request, response);
    } catch (err) {
      this.log.warn({ err, callId: this.callId }, 'call: 2xx without the tags of a dialog');
      this.finish({ kind: 'failed', words: 'Call failed', status: response.status });
      return;
    }
    const early = this.early.get(tag ?? '');
    if (early) {
      // §13.2.2.4: the early dialog becomes confirmed and "the route set for the dialog MUST be recomputed based
      // on the 2xx response"; the sequence numbers it used (PRACK, UPDATE) carry over.
      dialog.localSeq = Math.max(dialog.localSeq ?? 0, early.dialog.localSeq ?? 0);
      dialog.remoteSeq = early.dialog.remoteSeq;
      this.removeUsage(early.dialog);
      this.early.delete(tag ?? '');
    }
    this.dialog = dialog;
    this.addUsage(dialog);
    this.notePeerAllow(response);
    // The other early dialogs of the fork are over (§13.2.2.4); their later 2xx get ACK + BYE above.
    for (const [otherTag, leg] of this.early) {
      if (otherTag === tag) continue;
      leg.dialog.terminate();
      this.removeUsage(leg.dialog);
    }
    this.early.clear();
    if (this.cancelRequested) {
      // The CANCEL/200 race (§9.1: a 2xx may still arrive): the call was answered after all; close it.
      this.ackThenBye(dialog, response.cseq.seq);
      this.finish({ kind: 'local', words: 'Cancelled' });
      return;
    }
    let ackBody: string | undefined;
    let failed: SdpError | undefined;
    if (hasSdp(response)) {
      try {
        if (this.lateOfferOut) {
          // RFC 3261 §13.2.1: with an empty INVITE the 2xx carries the offer and the ACK the answer.
          ackBody = this.sdp.receiveOffer(response.bodyText).answer;
        } else {
          this.sdp.receiveAnswer(response.bodyText);
        }
      } catch (err) {
        if (!(err instanceof SdpError)) throw err;
        failed = err;
      }
    } else if (!this.sdp.media) {
      failed = new SdpError('mismatched-answer', 'the 2xx carried no session description');
    }
    if (failed) {
      // RFC 3261 §13.2.2.4: a UAC that cannot accept the answer "MUST generate a valid answer in the ACK and then send a BYE immediately".
      this.ackThenBye(dialog, response.cseq.seq, ackBody);
      this.finish({ kind: 'failed', words: statusWords(488), status: 488 });
      return;
    }
    this.sendAck(dialog, response.cseq.seq, ackBody);
    this.setState('active', 'Connected');
    this.mediaChanged(this.sdp.media!);
    this.refresher.answered(response);
  }

  private ackAndBye(request: SipRequest, response: SipResponse): void {
    let dialog: Dialog;
    try {
      dialog = Dialog.asUac(request, response);
    } catch {
      return;
    }
    dialog.refreshTarget(response);
    this.ackThenBye(dialog, response.cseq.seq);
    dialog.terminate();
  }

  /** §9.1 CANCEL: only after a provisional response; the 487 (or a racing 2xx) settles the call. */
  private cancel(): void {
    if (this.cancelRequested) return;
    this.cancelRequested = true;
    this.setState(this.current, 'Cancelling');
    if (this.inviteTx?.state === 'proceeding') this.sendCancel();
    // §9.1: if no final response comes within 64*T1 of the CANCEL, the transaction is considered destroyed.
    this.after(64 * this.ctx.core.transactions.timerBase.T1, () => {
      if (this.current !== 'ended') {
        this.dropEarly();
        this.finish({ kind: 'local', words: 'Cancelled' });
      }
    });
  }

  private sendCancel(): void {
    const tx = this.inviteTx;
    if (!tx || tx.kind !== 'client-invite') return;
    const sent = this.ctx.core.transactions.sendCancel(tx, { onResponse: () => undefined });
    if (sent) this.cancelSent = true;
  }

  /** §8.1.3.4: a 3xx's Contacts are new targets; a loop (a target seen before) or too many hops ends it. */
  private followRedirect(response: SipResponse): boolean {
    const next = response.contacts.map((c) => c.uri).find((uri) => !this.triedTargets.has(uri.toString()));
    if (!next || this.redirects >= this.ctx.maxRedirects) {
      this.finish({ kind: 'failed', words: next ? 'Too many redirects' : 'Redirect loop', status: response.status });
      return true;
    }
    this.redirects += 1;
    this.triedTargets.add(next.toString());
    this.requestUri = next;
    this.log.info({ callId: this.callId, target: next.toString(), status: response.status }, 'call: following redirect');
    this.sendInvite();
    return true;
  }

  /** RFC 4028 §7.1 (422): "the UAC MAY retry the INVITE with a Session-Expires ... at least the Min-SE of the 422". */
  private retryWithMinSE(response: SipResponse): boolean {
    const minSE = readMinSE(response);
    if (minSE <= this.sessionExpires || minSE > 86_400) return false;
    this.sessionExpires = minSE;
    this.sendInvite();
    return true;
  }

  // ================================================================ UAS: the initial INVITE

  private sendRinging(): void {
    const incoming = this.incoming!;
    const request = incoming.request;
    this.uasDialog(incoming, true);
    // RFC 3262 §3: a UAS sends 18x reliably when the request requires it ("Require: 100rel"); when it is only
    // supported we keep the 180 unreliable, which every caller understands.
    const reliable = this.ctx.reliableProvisional && hasOptionTag(request, 'require', '100rel');
    if (!reliable) {
      incoming.respond(180, this.dialogResponseInit(incoming));
      return;
    }
    this.nextRSeq = this.nextRSeq === 0 ? initialRSeq(this.ctx.random) : this.nextRSeq + 1;
    const rseq = this.nextRSeq;
    const response = incoming.respond(180, {
      ...this.dialogResponseInit(incoming),
      headers: [['Require', '100rel'], ['RSeq', String(rseq)]],
    });
    const { T1, T2 } = this.ctx.core.transactions.timerBase;
    const retransmitter = new ResponseRetransmitter(
      this.ctx.clock,
      { T1, T2 },
      () => incoming.transaction.respond(response),
      // RFC 3262 §3: "If a reliable provisional response is retransmitted for 64*T1 seconds without reception
      // of a corresponding PRACK, the UAS SHOULD reject the original request with a 5xx response."
      () => {
        if (this.current !== 'ringing') return;
        incoming.respond(504, { reason: 'No PRACK' });
        this.finish({ kind: 'failed', words: 'Call failed' });
      },
      false,
    );
    this.reliable = { rseq, response, retransmitter };
  }

  private stopReliable(): void {
    this.reliable?.retransmitter.stop();
  }

  private cancelledByCaller(): void {
    if (this.current !== 'ringing') return;
    this.stopReliable();
    // §9.2: "the UAS ... SHOULD respond to the INVITE with a 487 (Request Terminated)".
    if (this.incoming && !this.incoming.answered) this.incoming.respond(487);
    this.finish({ kind: 'remote', words: 'Missed call' });
  }

  /** The early (then confirmed) dialog of an incoming call, made once with the To tag of our responses. */
  private uasDialog(incoming: IncomingRequest, provisional: boolean): Dialog {
    const existing = [...this.usages.values()][0]?.dialog;
    if (existing) return existing;
    const dialog = Dialog.asUas(incoming.request, incoming.toTag, provisional, incoming.source.protocol === 'TLS');
    this.addUsage(dialog);
    return dialog;
  }

  /** §12.1.1: dialog-creating responses copy Record-Route and carry our Contact. */
  private dialogResponseInit(incoming: IncomingRequest) {
    return { recordRoute: true, contact: new NameAddr(this.contactUri(incoming.source.protocol)) };
  }

  /** §13.3.1.4 + RFC 6026: our 2xx goes out again until its ACK; no ACK in 64*T1 ends the call with BYE. */
  private awaitAck(incoming: IncomingRequest, response: SipResponse, offerInAnswer: boolean): void {
    this.awaitingAck?.retransmitter.stop();
    const { T1, T2 } = this.ctx.core.transactions.timerBase;
    const cseq = incoming.request.cseq.seq;
    const retransmitter = new ResponseRetransmitter(
      this.ctx.clock,
      { T1, T2 },
      () => incoming.transaction.respond(response),
      () => {
        // "If the server retransmits the 2xx response for 64*T1 seconds without receiving an ACK, the dialog is
        // confirmed, but the session SHOULD be terminated. This is accomplished with a BYE".
        this.awaitingAck = undefined;
        if (this.current !== 'ended') this.sendBye(this.byeAfterAck ? { kind: 'local', words: 'Call ended' } : { kind: 'failed', words: 'No ACK received' });
      },
    );
    this.awaitingAck = { cseq, retransmitter, offerInAnswer };
  }

  private receiveAck(ack: SipRequest): void {
    const waiting = this.awaitingAck;
    if (!waiting || ack.cseq.seq !== waiting.cseq) return;
    waiting.retransmitter.stop();
    this.awaitingAck = undefined;
    if (this.byeAfterAck) {
      this.sendBye({ kind: 'local', words: 'Call ended' });
      return;
    }
    if (!waiting.offerInAnswer) {
      this.settleWishes();
      return;
    }
    if (!hasSdp(ack)) {
      // RFC 3264 §4: an offer in the 2xx must be answered in the ACK; without one the session cannot go on.
      this.sendBye({ kind: 'failed', words: statusWords(488), status: 488 });
      return;
    }
    try {
      this.mediaChanged(this.sdp.receiveAnswer(ack.bodyText));
    } catch (err) {
      if (!(err instanceof SdpError)) throw err;
      this.sendBye({ kind: 'failed', words: statusWords(488), status: 488 });
      return;
    }
    this.settleWishes();
  }

  // ================================================================ inside the dialog

  private onDialogRequest(dialog: Dialog, incoming: IncomingRequest): void {
    const request = incoming.request;
    switch (request.method) {
      case 'BYE':
        // §15.1.2: "the UAS MUST ... respond with a 2xx" and end the session.
        incoming.respond(200);
        if (this.current === 'ringing') {
          this.stopReliable();
          if (this.incoming && !this.incoming.answered) this.incoming.respond(487);
        }
        this.finish({ kind: 'remote', words: 'Call ended' });
        return;
      case 'INVITE':
        this.receiveReinvite(dialog, incoming);
        return;
      case 'UPDATE':
        this.receiveUpdate(dialog, incoming);
        return;
      case 'PRACK':
        this.receivePrack(incoming);
        return;
      case 'INFO':
        this.receiveInfo(incoming);
        return;
      case 'OPTIONS':
        incoming.respond(200, { headers: [['Allow', this.allow()], ['Accept', 'application/sdp, application/dtmf-relay']] });
        return;
      default: {
        const extension = this.ctx.extensions?.methods.get(request.method);
        if (extension) {
          extension(this, incoming);
          return;
        }
        // §8.2.1 inside a dialog: a method this usage does not take.
        incoming.respond(405, { headers: [['Allow', this.allow()]] });
      }
    }
  }

  /** §14.2: a re-INVITE; glare answered 491, otherwise a new offer answered (or one made for an empty INVITE). */
  private receiveReinvite(dialog: Dialog, incoming: IncomingRequest): void {
    const request = incoming.request;
    if (this.current !== 'active') {
      incoming.respond(this.current === 'ended' ? 481 : 491);
      return;
    }
    // §14.2: "A UAS that receives an INVITE on a dialog while an INVITE it had sent on that dialog is in
    // progress MUST return a 491 (Request Pending)"; and one still waiting for our ACK gets 500 with Retry-After.
    if (this.pendingOffer) {
      incoming.respond(491);
      return;
    }
    if (this.awaitingAck) {
      incoming.respond(500, { headers: [['Retry-After', String(1 + Math.floor(this.ctx.random() * 10))]] });
      return;
    }
    const se = readSessionExpires(request);
    if (se && se.interval < this.ctx.sessionTimer.minSE && this.ctx.sessionTimer.expires > 0) {
      incoming.respond(422, { headers: [['Min-SE', String(this.ctx.sessionTimer.minSE)]] });
      return;
    }
    let body: string;
    let offerInAnswer = false;
    if (hasSdp(request)) {
      try {
        const { answer, media } = this.sdp.receiveOffer(request.bodyText, this.localHeld ? 'sendonly' : 'sendrecv');
        body = answer;
        this.mediaChanged(media);
        this.remoteHoldChanged(media.remoteHolds);
      } catch (err) {
        if (!(err instanceof SdpError)) throw err;
        // RFC 3261 §14.2: an unacceptable offer in a re-INVITE → 488, "the session ... unchanged".
        incoming.respond(err.status, { headers: [['Warning', sdpWarning(err)]] });
        return;
      }
    } else {
      // RFC 3261 §14.2: a re-INVITE without SDP asks us to offer; a refresh needs the current session again.
      body = this.sdp.createOffer(this.localHeld ? (this.remoteHeld ? 'inactive' : 'sendonly') : this.remoteHeld ? 'recvonly' : 'sendrecv');
      offerInAnswer = true;
    }
    dialog.refreshTarget(request);
    const timerHeaders = this.refresher.answering(request);
    const response = incoming.respond(200, {
      contact: new NameAddr(this.contactUri(incoming.source.protocol)),
      body,
      contentType: 'application/sdp',
      headers: [...this.commonHeaders(), ...timerHeaders],
    });
    this.awaitAck(incoming, response, offerInAnswer);
  }

  /** RFC 3311 §5.2: UPDATE may carry an offer (answered in the 200) or refresh the session timer only. */
  private receiveUpdate(dialog: Dialog, incoming: IncomingRequest): void {
    const request = incoming.request;
    let body: string | undefined;
    if (hasSdp(request)) {
      // RFC 3311 §5.2: "If an UPDATE is received that contains an offer, and the UAS has generated an offer
      // (in an UPDATE, PRACK or INVITE) to which it has not yet received an answer, the UAS MUST reject the
      // UPDATE with a 491"; one while our 2xx-with-offer waits for its ACK gets 500.
      if (this.pendingOffer) {
        incoming.respond(491);
        return;
      }
      if (this.awaitingAck?.offerInAnswer) {
        incoming.respond(500, { headers: [['Retry-After', String(1 + Math.floor(this.ctx.random() * 10))]] });
        return;
      }
      try {
        const { answer, media } = this.sdp.receiveOffer(request.bodyText, this.localHeld ? 'sendonly' : 'sendrecv');
        body = answer;
        this.mediaChanged(media);
        this.remoteHoldChanged(media.remoteHolds);
      } catch (err) {
        if (!(err instanceof SdpError)) throw err;
        incoming.respond(err.status);
        return;
      }
    }
    dialog.refreshTarget(request);
    const timerHeaders = this.current === 'active' ? this.refresher.answering(request) : [];
    incoming.respond(200, {
      contact: new NameAddr(this.contactUri(incoming.source.protocol)),
      ...(body !== undefined ? { body, contentType: 'application/sdp' } : {}),
      headers: [...this.commonHeaders(), ...timerHeaders],
    });
  }

  /** RFC 3262 §3: a PRACK whose RAck matches our reliable 18x stops its retransmission; others get 481. */
  private receivePrack(incoming: IncomingRequest): void {
    const rack = readRAck(incoming.request);
    const pending = this.reliable;
    const invite = this.incoming?.request;
    if (!rack || !pending || !invite || rack.rseq !== pending.rseq || rack.cseq !== invite.cseq.seq || rack.method !== 'INVITE') {
      incoming.respond(481);
      return;
    }
    pending.retransmitter.stop();
    incoming.respond(200);
  }

  private receiveInfo(incoming: IncomingRequest): void {
    const request = incoming.request;
    if (request.body.length === 0) {
      // An empty INFO is a liveness probe some PBXs send (RFC 6086 §4.2.2 leaves it to the UAS).
      incoming.respond(200);
      return;
    }
    const dtmf = parseDtmfInfo(request.contentType, request.bodyText);
    if (!dtmf) {
      // RFC 6086 §4.2.2: a body we cannot read → 415 with Accept.
      incoming.respond(415, { headers: [['Accept', `${DTMF_RELAY}, application/dtmf`]] });
      return;
    }
    incoming.respond(200);
    this.events.emit('dtmf', dtmf, (err) => this.log.warn({ err }, 'call: dtmf listener failed'));
  }

  // ---------------------------------------------------------------- our offers in the dialog

  private startOffer(pending: PendingOffer): void {
    if (this.pendingOffer || this.glareTimer !== undefined || this.awaitingAck) {
      // One offer at a time (RFC 3264 §4): hold/resume wishes are re-checked when the current exchange settles,
      // a renegotiation waits in line, a refresh is retried by the session timer.
      if (pending.purpose === 'renegotiate') this.queuedOffer = pending;
      return;
    }
    this.pendingOffer = pending;
    const holding = pending.purpose === 'hold' ? true : pending.purpose === 'resume' ? false : this.localHeld;
    // RFC 3264 §8.4: hold is sendonly, or inactive when the peer already holds us (it does not want our audio).
    const direction: MediaDirection = holding ? (this.remoteHeld ? 'inactive' : 'sendonly') : this.remoteHeld ? 'recvonly' : 'sendrecv';
    // RFC 4028 §7.4: an UPDATE refresh carries no offer; a re-INVITE refresh repeats the current SDP unchanged.
    const withBody = pending.method === 'INVITE' || pending.purpose !== 'refresh';
    const offer = !withBody ? undefined : pending.purpose === 'refresh' ? this.sdp.createRefreshOffer() : this.sdp.createOffer(direction);
    const headers: Array<readonly [string, string]> = [...this.commonHeaders()];
    headers.push(...this.refresher.refreshHeaders());
    this.sendInDialog(
      pending.method,
      { body: offer, contentType: offer === undefined ? undefined : 'application/sdp', headers, contact: true },
      (response, request) => this.offerResponse(pending, request, response, holding),
    );
  }

  private offerResponse(pending: PendingOffer, request: SipRequest, response: SipResponse, holding: boolean): void {
    const status = response.status;
    if (status < 200) return;
    if (status < 300 && pending.method === 'INVITE') {
      if (this.acksSent.has(response.cseq.seq)) {
        this.resendAck(response.cseq.seq);
        return;
      }
      this.sendAck(this.dialog!, response.cseq.seq);
    }
    if (this.pendingOffer !== pending) return;
    this.pendingOffer = undefined;
    if (this.current !== 'active') return;
    if (status >= 200 && status < 300) {
      this.dialog?.refreshTarget(response);
      if (hasSdp(response)) {
        try {
          const media = this.sdp.receiveAnswer(response.bodyText);
          this.mediaChanged(media);
        } catch (err) {
          if (!(err instanceof SdpError)) throw err;
          this.sendBye({ kind: 'failed', words: statusWords(488), status: 488 });
          return;
        }
      }
      if (this.localHeld !== holding) {
        this.localHeld = holding;
        this.emitHold();
      }
      this.refresher.answered(response);
      this.settleWishes();
      return;
    }
    if (status === 491) {
      // §14.1: retry after the randomized back-off, longer when we own the Call-ID.
      const delay = glareBackoffMs(this.direction === 'outgoing', this.ctx.random);
      this.glareTimer = this.after(delay, () => {
        this.glareTimer = undefined;
        if (this.current !== 'active') return;
        if (pending.purpose === 'refresh' || pending.purpose === 'renegotiate') this.startOffer(pending);
        else this.settleWishes();
      });
      return;
    }
    // §12.2.1.2: "If the response for a request within a dialog is a 481 ... or a 408 ... the UAC SHOULD terminate the dialog".
    if (status === 408 || status === 481) {
      this.lostDialog(status, pending.purpose === 'refresh');
      return;
    }
    if (pending.purpose === 'refresh') {
      // RFC 4028 §10: a refresh that cannot succeed leaves a session that will expire: end it now, saying why.
      this.sendBye({ kind: 'failed', words: 'Call lost (refresh failed)', status });
      return;
    }
    // §14.1: "If a UAC receives a non-2xx final response to a re-INVITE, the session parameters MUST remain unchanged".
    // The wish that caused it is dropped too: asking again at once would loop against a peer that always refuses.
    this.log.info({ callId: this.callId, status, purpose: pending.purpose }, 'call: re-INVITE refused, session unchanged');
    if (pending.purpose === 'hold' || pending.purpose === 'resume') {
      this.wantedHold = this.localHeld;
      this.emitHold();
    }
    this.settleWishes();
  }

  /** After an offer settles, bring the hold state to what the user asked for last. */
  private settleWishes(): void {
    if (this.current !== 'active') return;
    const queued = this.queuedOffer;
    if (queued) {
      this.queuedOffer = undefined;
      this.startOffer(queued);
      return;
    }
    if (this.wantedHold === undefined || this.wantedHold === this.localHeld) return;
    this.startOffer({ method: 'INVITE', purpose: this.wantedHold ? 'hold' : 'resume' });
  }

  // ---------------------------------------------------------------- RFC 4028 session timers

  private refreshSession(): void {
    if (this.current !== 'active') return;
    if (this.pendingOffer || this.awaitingAck || this.glareTimer !== undefined) {
      // Another exchange is under way; its outcome re-arms the timer, or we look again shortly.
      this.refresher.refreshSoon(1000);
      return;
    }
    // RFC 4028 §7.4 / RFC 3311 §5.1: UPDATE only to a peer that listed it in Allow.
    this.startOffer({ method: this.ctx.refreshMethod === 'UPDATE' && this.peerAllowsUpdate ? 'UPDATE' : 'INVITE', purpose: 'refresh' });
  }

  // ---------------------------------------------------------------- plumbing

  private sendInDialog(
    method: string,
    options: { body?: string; contentType?: string; headers?: ReadonlyArray<readonly [string, string]>; contact?: boolean },
    onFinal: (response: SipResponse, request: SipRequest) => void,
  ): void {
    const dialog = this.dialog;
    if (!dialog) return;
    const build = () =>
      dialog.createRequest(method, {
        body: options.body,
        contentType: options.contentType,
        headers: options.headers,
        contact: options.contact ? new NameAddr(this.contactUri()) : undefined,
      });
    this.sendWithAuth(build, (response, _origin, request) => onFinal(response, request), {});
  }

  /**
   * Sends a request and retries it once per challenge with credentials (§22.2: new CSeq, same Call-ID;
   * a Proxy-Authenticate on INVITE is how Kamailio guards outgoing calls). Final responses and 2xx
   * retransmissions go to `onFinal`, provisionals to `provisional`.
   */
  private sendWithAuth(
    build: () => SipRequest,
    onFinal: (response: SipResponse, origin: ResponseOrigin, request: SipRequest) => void,
    options: { nextHop?: Uri; onTransaction?(tx: ClientTransaction): void; provisional?(response: SipResponse, request: SipRequest): void },
    authRound = 0,
  ): void {
    const request = build();
    const auth = this.authenticator.authorize(request);
    if (auth.length > 0) applyAuthorization(request, auth);
    const user: ClientTransactionUser = {
      onResponse: (response, origin) => {
        if (response.status < 200) {
          options.provisional?.(response, request);
          return;
        }
        if ((response.status === 401 || response.status === 407) && authRound < 2 && origin === 'network') {
          const outcome = this.authenticator.respond(request, response);
          if (outcome.ok) {
            this.sendWithAuth(
              () => {
                const retry = build();
                applyAuthorization(retry, outcome.headers);
                return retry;
              },
              onFinal,
              options,
              authRound + 1,
            );
            return;
          }
          this.log.info({ callId: this.callId, reason: outcome.reason }, 'call: authentication failed');
        }
        onFinal(response, origin, request);
      },
    };
    this.ctx.core.sendRequest(request, user, { nextHop: options.nextHop, onTransaction: options.onTransaction });
  }

  private sendAck(dialog: Dialog, cseq: number, body?: string): void {
    const ack = dialog.createAck(cseq, body === undefined ? {} : { body, contentType: 'application/sdp' });
    this.acksSent.set(cseq, ack);
    this.ctx.core.sendAck(ack).catch((err: unknown) => this.log.debug({ err, callId: this.callId }, 'call: ACK not sent'));
  }

  /**
   * ACK a 2xx, then BYE the dialog it made (a losing fork, a call cancelled or refused after answering). The BYE
   * leaves only once the ACK is on the wire: a UAS that sees the BYE first would take it as out of order.
   */
  private ackThenBye(dialog: Dialog, cseq: number, ackBody?: string): void {
    const ack = dialog.createAck(cseq, ackBody === undefined ? {} : { body: ackBody, contentType: 'application/sdp' });
    this.acksSent.set(cseq, ack);
    const bye = dialog.createRequest('BYE');
    const sendBye = () => this.ctx.core.sendRequest(bye, { onResponse: () => undefined });
    this.ctx.core.sendAck(ack).then(sendBye, (err: unknown) => {
      this.log.debug({ err, callId: this.callId }, 'call: ACK not sent');
      sendBye();
    });
  }

  private resendAck(cseq: number): void {
    const ack = this.acksSent.get(cseq);
    if (ack) this.ctx.core.sendAck(ack).catch((err: unknown) => this.log.debug({ err, callId: this.callId }, 'call: ACK not sent'));
  }

  /** A 2xx to one of our INVITEs that reached us after its transaction ended (Timer M passed; CallManager routes it). */
  receiveStrayResponse(response: SipResponse): void {
    if (response.cseq.method !== 'INVITE' || response.status < 200 || response.status >= 300) return;
    if (this.dialog && response.to.tag === this.dialog.id.remoteTag) {
      this.resendAck(response.cseq.seq);
      return;
    }
    // A late 2xx from another fork: it made a dialog we must close (§13.2.2.4).
    const template = createRequest({
      method: 'INVITE',
      uri: this.requestUri ?? this.remoteIdentity.uri,
      from: response.from,
      to: this.remoteIdentity,
      callId: this.callId,
      cseq: response.cseq.seq,
    });
    this.ackAndBye(template, response);
  }

  private notePeerAllow(message: SipRequest | SipResponse): void {
    const allow = message.headers.getAll('allow');
    if (allow.length === 0) return;
    this.peerAllow = new Set(allow.flatMap((v) => v.split(',')).map((m) => m.trim().toUpperCase()).filter((m) => m !== ''));
  }

  private sendBye(reason: CallEndReason): void {
    const dialog = this.dialog;
    if (dialog && dialog.state !== 'terminated') {
      const bye = dialog.createRequest('BYE');
      this.ctx.core.sendRequest(bye, { onResponse: () => undefined });
    }
    this.finish(reason);
  }

  private lostDialog(status: number, refresh = false): void {
    this.finish({ kind: 'failed', words: refresh ? 'Call lost (refresh failed)' : 'Call lost', status });
  }

  private dropEarly(): void {
    for (const leg of this.early.values()) {
      leg.dialog.terminate();
      this.removeUsage(leg.dialog);
    }
    this.early.clear();
  }

  private addUsage(dialog: Dialog): void {
    if (this.usages.has(dialog.key)) return;
    const usage: DialogUsage = {
      dialog,
      onRequest: (incoming) => this.onDialogRequest(dialog, incoming),
      onAck: (ack) => this.receiveAck(ack),
    };
    this.usages.set(dialog.key, usage);
    this.ctx.core.dialogs.add(usage);
  }

  private removeUsage(dialog: Dialog): void {
    if (!this.usages.delete(dialog.key)) return;
    this.ctx.core.dialogs.remove(dialog.id);
  }

  private mediaChanged(media: NegotiatedMedia): void {
    this.events.emit('media', media, (err) => this.log.warn({ err }, 'call: media listener failed'));
  }

  private remoteHoldChanged(held: boolean): void {
    if (held === this.remoteHeld) return;
    this.remoteHeld = held;
    this.emitHold();
  }

  private emitHold(): void {
    this.events.emit('hold', { local: this.localHeld, remote: this.remoteHeld });
  }

  private setState(state: CallState, words: string): void {
    this.current = state;
    this.events.emit('state', { state, words }, (err) => this.log.warn({ err }, 'call: state listener failed'));
  }

  private finish(reason: CallEndReason): void {
    if (this.current === 'ended') return;
    this.endReason = reason;
    this.stopReliable();
    this.awaitingAck?.retransmitter.stop();
    this.awaitingAck = undefined;
    this.refresher.stop();
    for (const t of this.timers) this.ctx.clock.clearTimeout(t);
    this.timers.clear();
    for (const usage of [...this.usages.values()]) {
      usage.dialog.terminate();
      this.removeUsage(usage.dialog);
    }
    this.dialog?.terminate();
    this.setState('ended', reason.words);
    this.events.emit('ended', reason);
    this.ctx.ended(this);
  }

  private requireActive(action: string): void {
    if (this.current !== 'active') throw new CallError(`cannot ${action} a call that is ${this.current}`, this.callId, this.current);
  }

  private after(ms: number, fn: () => void): TimerHandle {
    const handle = this.ctx.clock.setTimeout(() => {
      this.timers.delete(handle);
      fn();
    }, ms);
    this.timers.add(handle);
    return handle;
  }


  private commonHeaders(): Array<readonly [string, string]> {
    // Only what this usage really does, plus what a usage on top of it adds ('replaces' with transfer, RFC 3891).
    const supported: string[] = [];
    if (this.ctx.reliableProvisional) supported.push('100rel');
    // RFC 4028 §7.1: "timer" only when we keep session timers; a UAS then refreshes itself if it wants one.
    if (this.ctx.sessionTimer.expires > 0) supported.push('timer');
    supported.push(...(this.ctx.extensions?.supported ?? []));
    return supported.length > 0 ? [['Allow', this.allow()], ['Supported', supported.join(', ')]] : [['Allow', this.allow()]];
  }

  private allow(): string {
    const extra = [...(this.ctx.extensions?.methods.keys() ?? [])];
    return extra.length > 0 ? `${ALLOW}, ${extra.join(', ')}` : ALLOW;
  }

  private localAor(): NameAddr {
    const uri = new SipUri({ user: this.account.user, host: this.account.domain });
    return new NameAddr(uri, [], this.account.displayName);
  }

  private contactUri(protocol: TransportProtocol = this.account.protocol ?? 'UDP'): SipUri {
    return this.ctx.core.contactUri(this.account.user, protocol);
  }
}

/** §20.43 warn-codes: 305 "Incompatible media format", 399 "Miscellaneous warning" for SDP we could not read. */
function sdpWarning(err: SdpError): string {
  const code = err.reason === 'unparseable' ? 399 : 305;
  return `${code} deskphone "${err.message.replace(/["\\]/g, "'")}"`;
}

/** The host of a SIP URI without IPv6 brackets; undefined for other schemes. */
function hostOf(uri: Uri | undefined): string | undefined {
  if (!(uri instanceof SipUri)) return undefined;
  return uri.host.startsWith('[') ? uri.host.slice(1, -1) : uri.host;
}

function hasSdp(message: SipRequest | SipResponse): boolean {
  if (message.body.length === 0) return false;
  const type = message.contentType?.split(';')[0]?.trim().toLowerCase();
  return type === undefined || type === 'application/sdp';
}
