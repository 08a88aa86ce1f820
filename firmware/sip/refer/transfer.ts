import type { Clock, TimerHandle } from '../../clock/index.js';
import { NameAddr, reasonPhrase, SipUri, TelUri, type SipResponse, type Uri } from '../message/index.js';
import { statusWords, targetUri, type Call, type CallManager } from '../session/index.js';
import type { IncomingRequest, SipLog } from '../ua/index.js';
import { Listeners } from '../session/listeners.js';
import { ReferError } from './refer-error.js';
import { formatReferTo, parseReferTo, type ReferTarget } from './refer-to.js';
import { formatReplaces, parseReplaces, replacesFor, type Replaces } from './replaces.js';
import { formatSipfrag, parseSipfrag, SIPFRAG } from './sipfrag.js';

/** One NOTIFY's worth of progress of a transfer (RFC 3515 §2.4.5: the sipfrag status line). */
export interface TransferProgress {
  status: number;
  reason: string;
  /** For the LCD: "Ringing", "Busy", "Transferred"… */
  words: string;
  /** A final status (≥ 200): the subscription ends with it. */
  final: boolean;
}

export interface TransferOutcome {
  succeeded: boolean;
  /** The final sipfrag status, or the REFER's own failure status; undefined when the subscription just ended. */
  status: number | undefined;
  words: string;
}

export interface OutgoingTransferEvents extends Record<string, unknown> {
  /** The REFER was accepted (202/200): the transferee is now calling the target. */
  accepted: { status: number };
  progress: TransferProgress;
  done: TransferOutcome;
}

/**
 * A REFER we sent in `call` (the transferor's side, RFC 3515 §2.4, RFC 5589 §6–§7) and the implicit
 * subscription it created: `progress` for every NOTIFY, one `done` at the end.
 */
export class OutgoingTransfer {
  private readonly events = new Listeners<OutgoingTransferEvents>();
  private finished: TransferOutcome | undefined;
  /** CSeq of the REFER: the NOTIFYs name it in `Event: refer;id=` (RFC 3515 §2.4.6). */
  referCseq: number | undefined;
  timer: TimerHandle | undefined;

  constructor(
    readonly kind: 'blind' | 'attended',
    readonly call: Call,
    readonly target: Uri,
    readonly replaces: Replaces | undefined,
  ) {}

  on<K extends keyof OutgoingTransferEvents>(event: K, listener: (value: OutgoingTransferEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  get outcome(): TransferOutcome | undefined {
    return this.finished;
  }

  /** @internal */
  emit<K extends keyof OutgoingTransferEvents>(event: K, value: OutgoingTransferEvents[K]): void {
    if (event === 'done') {
      if (this.finished) return;
      this.finished = value as TransferOutcome;
    }
    this.events.emit(event, value);
  }
}

/** A REFER the far end sent us (we are the transferee, RFC 5589 §6): the call we placed for it. */
export interface IncomingTransfer {
  /** The call that carried the REFER. */
  call: Call;
  target: ReferTarget;
  referredBy: string | undefined;
  /** Our INVITE to the target (with Replaces when the REFER had one). */
  newCall: Call;
}

/** An INVITE with Replaces took the place of one of our calls (RFC 3891 §3). */
export interface Replacement {
  /** The new call, answered at once: open its media on its `media` event (or from `call.media`). */
  call: Call;
  /** The call it replaces, hung up after the new one is answered. */
  replaced: Call;
}

export interface CallTransferEvents extends Record<string, unknown> {
  referred: IncomingTransfer;
  replaced: Replacement;
}

export interface CallTransferOptions {
  clock: Clock;
  log?: SipLog;
  /**
   * Whether to follow a REFER we receive (RFC 3515 §2.4.2: "MAY decline"); all are followed by default.
   * A refusal is answered 603 Decline.
   */
  acceptRefer?(call: Call, target: ReferTarget): boolean;
  /** Transferor: end the call once the transferee reports success (RFC 5589 §6.1 "terminates the dialog"). Default true. */
  hangupOnSuccess?: boolean;
  /** Transferor: how long to wait for the final NOTIFY after the REFER was accepted. Default 60 s (the refer subscription's usual life). */
  notifyTimeoutMs?: number;
}

/** RFC 3515 §2.4.6 subscription duration we state in our refer NOTIFYs. */
const REFER_EXPIRES = 60;
const silent: SipLog = { debug() {}, info() {}, warn() {} };

/**
 * Call transfer (issue 5 point 5) on top of CallManager's calls: REFER (RFC 3515) with its implicit
 * subscription and message/sipfrag NOTIFYs, Replaces (RFC 3891) for attended transfer, and Referred-By
 * (RFC 3892) passed along. The phone layer calls `blind` / `attended` and listens to `referred` and `replaced`.
 */
export class CallTransfer {
  private readonly events = new Listeners<CallTransferEvents>();
  private readonly outgoing = new Map<Call, OutgoingTransfer[]>();
  private readonly log: SipLog;

  constructor(
    private readonly manager: CallManager,
    private readonly options: CallTransferOptions,
  ) {
    this.log = options.log ?? silent;
    manager.extend({
      methods: {
        REFER: (call, incoming) => this.receiveRefer(call, incoming),
        NOTIFY: (call, incoming) => this.receiveNotify(call, incoming),
      },
      supported: ['replaces'],
    });
    manager.interceptInvites((incoming) => this.receiveInvite(incoming));
  }

  on<K extends keyof CallTransferEvents>(event: K, listener: (value: CallTransferEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  /** Blind transfer: asks the far end of `call` to call `target` (a number, user@host or URI). */
  blind(call: Call, target: string | Uri): OutgoingTransfer {
    const uri = typeof target === 'string' ? targetUri(target, call.account) : target;
    return this.refer(new OutgoingTransfer('blind', call, uri, undefined));
  }

  /**
   * Attended transfer (RFC 5589 §7): asks the far end of `call` to call the far end of `consult` with a
   * Replaces naming the consultation dialog, so the target swaps us for the transferee without ringing.
   */
  attended(call: Call, consult: Call): OutgoingTransfer {
    const dialog = consult.confirmedDialog;
    if (consult.state !== 'active' || !dialog) throw new ReferError('the consultation call is not connected', 'call-not-active');
    return this.refer(new OutgoingTransfer('attended', call, dialog.remoteTarget, replacesFor(dialog.id)));
  }

  // ================================================================ transferor

  private refer(transfer: OutgoingTransfer): OutgoingTransfer {
    const { call } = transfer;
    if (call.state !== 'active') throw new ReferError(`cannot transfer a call that is ${call.state}`, 'call-not-active');
    if (this.pending(call)) throw new ReferError('a transfer of this call is already under way', 'busy');
    const dialog = call.confirmedDialog!;
    const list = this.outgoing.get(call) ?? [];
    list.push(transfer);
    this.outgoing.set(call, list);
    const stopEnded = call.on('ended', () => {
      // RFC 3515 §2.4.4 ties the subscription to the dialog: with the call gone no NOTIFY can come any more.
      this.finish(transfer, { succeeded: false, status: undefined, words: 'Transfer outcome unknown (call ended)' });
    });
    transfer.on('done', () => {
      stopEnded();
      if (transfer.timer !== undefined) this.options.clock.clearTimeout(transfer.timer);
      this.outgoing.set(call, (this.outgoing.get(call) ?? []).filter((t) => t !== transfer));
    });
    call.sendRequest(
      'REFER',
      {
        headers: [
          ['Refer-To', formatReferTo(transfer.target, transfer.replaces)],
          // RFC 3892 §3: who asks for the transfer, for the target to see.
          ['Referred-By', new NameAddr(dialog.localUri.uri).toString()],
        ],
      },
      (response, request) => {
        transfer.referCseq = request.cseq.seq;
        this.referResponse(transfer, response);
      },
    );
    transfer.referCseq = dialog.localSeq;
    return transfer;
  }

  private referResponse(transfer: OutgoingTransfer, response: SipResponse): void {
    if (transfer.outcome) return;
    if (response.status >= 200 && response.status < 300) {
      transfer.emit('accepted', { status: response.status });
      transfer.timer = this.options.clock.setTimeout(
        () => this.finish(transfer, { succeeded: false, status: undefined, words: 'Transfer outcome unknown (no report)' }),
        this.options.notifyTimeoutMs ?? REFER_EXPIRES * 1000,
      );
      return;
    }
    // RFC 3515 §2.4.2: a non-2xx final response means no subscription and no transfer.
    this.finish(transfer, { succeeded: false, status: response.status, words: `Transfer refused (${statusWords(response.status)})` });
  }

  /** RFC 3515 §2.4.4–§2.4.6: a NOTIFY of a refer subscription in the call's dialog. */
  private receiveNotify(call: Call, incoming: IncomingRequest): void {
    const request = incoming.request;
    const event = parseEvent(request.headers.get('event'));
    // RFC 6665 §8.2.1 (was RFC 3265 §3.2.4): an event package we did not subscribe to → 489 Bad Event.
    if (!event || event.package !== 'refer') {
      incoming.respond(489);
      return;
    }
    const list = this.outgoing.get(call) ?? [];
    const transfer = event.id === undefined ? list[list.length - 1] : list.find((t) => t.referCseq === event.id);
    if (!transfer) {
      // RFC 6665 §4.1.3: a NOTIFY for a subscription we do not have → 481.
      incoming.respond(481);
      return;
    }
    let frag;
    try {
      frag = parseSipfrag(request.bodyText);
    } catch (err) {
      if (!(err instanceof ReferError)) throw err;
      incoming.respond(400, { reason: 'Bad sipfrag' });
      return;
    }
    incoming.respond(200);
    const final = frag.status >= 200;
    const progress: TransferProgress = { status: frag.status, reason: frag.reason, words: progressWords(frag.status), final };
    transfer.emit('progress', progress);
    const terminated = (request.headers.get('subscription-state') ?? '').trim().toLowerCase().startsWith('terminated');
    if (final) {
      const succeeded = frag.status < 300;
      this.finish(transfer, { succeeded, status: frag.status, words: succeeded ? 'Transferred' : `Transfer failed (${statusWords(frag.status)})` });
      if (succeeded && (this.options.hangupOnSuccess ?? true)) call.hangup();
    } else if (terminated) {
      this.finish(transfer, { succeeded: false, status: undefined, words: 'Transfer outcome unknown' });
    }
  }

  private finish(transfer: OutgoingTransfer, outcome: TransferOutcome): void {
    transfer.emit('done', outcome);
  }

  private pending(call: Call): boolean {
    return (this.outgoing.get(call) ?? []).some((t) => !t.outcome);
  }

  // ================================================================ transferee

  /** RFC 3515 §2.4.2: a REFER in one of our calls; 202, then an INVITE to the target and NOTIFYs of its progress. */
  private receiveRefer(call: Call, incoming: IncomingRequest): void {
    const request = incoming.request;
    if (call.state !== 'active') {
      incoming.respond(call.state === 'ended' ? 481 : 491);
      return;
    }
    const referTo = request.headers.getAll('refer-to');
    // RFC 3515 §2.4.1: "A REFER request MUST contain exactly one Refer-To header field value".
    if (referTo.length !== 1) {
      incoming.respond(400, { reason: referTo.length === 0 ? 'Missing Refer-To' : 'More than one Refer-To' });
      return;
    }
    let target: ReferTarget;
    try {
      target = parseReferTo(referTo[0]!);
    } catch (err) {
      if (!(err instanceof ReferError)) throw err;
      incoming.respond(400, { reason: 'Bad Refer-To' });
      return;
    }
    if (!(target.uri instanceof SipUri) && !(target.uri instanceof TelUri)) {
      // RFC 3515 §2.4.2: a URI we cannot act on (http:, mailto:) is refused.
      incoming.respond(403, { reason: 'Unsupported Refer-To scheme' });
      return;
    }
    if (this.options.acceptRefer && !this.options.acceptRefer(call, target)) {
      incoming.respond(603);
      return;
    }
    incoming.respond(202);
    const id = request.cseq.seq;
    const referredBy = request.headers.get('referred-by');
    // RFC 3515 §2.4.4: "the REFER-Recipient MUST ... send a NOTIFY" at once; 100 Trying says we are on it.
    this.notify(call, id, 100, 'Trying', false);
    const headers: Array<readonly [string, string]> = [];
    // RFC 3891 §7 / RFC 5589 §7.2: the Replaces of Refer-To becomes a header of our INVITE.
    if (target.replaces) headers.push(['Replaces', formatReplaces(target.replaces)]);
    // RFC 3892 §3: "the REFER-Recipient SHOULD copy the Referred-By header field value ... into the ... request".
    if (referredBy) headers.push(['Referred-By', referredBy]);
    const newCall = this.manager.call(target.uri, call.account, { headers });
    let sentFinal = false;
    const stop: Array<() => void> = [];
    const final = (status: number, reason: string): void => {
      if (sentFinal) return;
      sentFinal = true;
      for (const s of stop) s();
      this.notify(call, id, status, reason, true, () => {
        // Our part is done once the transferor knows: the original call ends when the new one is up (RFC 5589 §6.1).
        if (status < 300 && call.state === 'active') call.hangup();
      });
    };
    stop.push(
      newCall.on('progress', (p) => this.notify(call, id, p.status, reasonPhrase(p.status) || p.words, false)),
      newCall.on('state', (s) => {
        if (s.state === 'active') final(200, 'OK');
      }),
      newCall.on('ended', (reason) => {
        const status = reason.status !== undefined && reason.status >= 300 ? reason.status : 487;
        final(status, reasonPhrase(status) || reason.words);
      }),
    );
    if (newCall.state === 'ended') final(newCall.ended?.status ?? 500, newCall.ended?.words ?? 'Failed');
    this.events.emit('referred', { call, target, referredBy, newCall }, (err) => this.log.warn({ err }, 'transfer: referred listener failed'));
  }

  /** RFC 3515 §2.4.5: a NOTIFY with the sipfrag of the new call's status; the last one ends the subscription. */
  private notify(call: Call, id: number, status: number, reason: string, final: boolean, after?: () => void): void {
    if (call.state !== 'active') {
      after?.();
      return;
    }
    call.sendRequest(
      'NOTIFY',
      {
        body: formatSipfrag(status, reason),
        contentType: SIPFRAG,
        headers: [
          ['Event', `refer;id=${id}`],
          ['Subscription-State', final ? 'terminated;reason=noresource' : `active;expires=${REFER_EXPIRES}`],
        ],
      },
      () => after?.(),
    );
  }

  // ================================================================ INVITE with Replaces

  /** RFC 3891 §3: an INVITE with Replaces takes the place of the dialog it names, or is refused. */
  private receiveInvite(incoming: IncomingRequest): boolean {
    const values = incoming.request.headers.getAll('replaces');
    if (values.length === 0) return false;
    // §3: "If more than one Replaces header field is present in an INVITE, or if a Replaces header field is
    // present in a request other than INVITE, the UAS MUST reject the request with a 400".
    if (values.length > 1) {
      incoming.respond(400, { reason: 'More than one Replaces' });
      return true;
    }
    let replaces: Replaces;
    try {
      replaces = parseReplaces(values[0]!);
    } catch (err) {
      if (!(err instanceof ReferError)) throw err;
      incoming.respond(400, { reason: 'Bad Replaces' });
      return true;
    }
    let match: { call: Call; kind: 'confirmed' | 'early' } | undefined;
    for (const call of this.manager.calls) {
      const kind = call.matchDialog(replaces.callId, replaces.toTag, replaces.fromTag);
      if (kind) match = { call, kind };
    }
    if (!match) {
      // §3: "If no match is found, the UAS rejects the INVITE and returns a 481 Call/Transaction Does Not Exist".
      incoming.respond(481);
      return true;
    }
    if (replaces.earlyOnly && match.kind === 'confirmed') {
      // §3: "If the Replaces header field matches a confirmed dialog ... [with] early-only ... 486 Busy Here".
      incoming.respond(486);
      return true;
    }
    const replaced = match.call;
    const call = this.manager.adoptIncoming(incoming, replaced.account);
    if (!call) return true;
    this.events.emit('replaced', { call, replaced }, (err) => this.log.warn({ err }, 'transfer: replaced listener failed'));
    // §3: the new INVITE is accepted as the replaced dialog was (no ringing: the user is already in this
    // conversation), and the replaced dialog ends: BYE when confirmed, CANCEL when it is our early dialog.
    if (call.state === 'ringing') call.answer();
    replaced.hangup();
    return true;
  }
}

/** RFC 6665 §8.2.1 `Event: refer;id=7` → package and id. */
function parseEvent(value: string | undefined): { package: string; id: number | undefined } | undefined {
  if (!value) return undefined;
  const [pkg, ...params] = value.split(';').map((p) => p.trim());
  if (!pkg) return undefined;
  let id: number | undefined;
  for (const param of params) {
    const m = /^id\s*=\s*(\d+)$/i.exec(param);
    if (m) id = Number(m[1]);
  }
  return { package: pkg.toLowerCase(), id };
}

function progressWords(status: number): string {
  if (status === 100) return 'Transferring';
  if (status < 200) return 'Ringing';
  if (status < 300) return 'Transferred';
  return statusWords(status);
}
