import { DeskphoneError } from '../../errors.js';
import {
  NameAddr,
  SipUri,
  createRequest,
  type HeaderValue,
  type SipRequest,
  type SipResponse,
  type Uri,
  type Via,
} from '../message/index.js';

export type DialogState = 'early' | 'confirmed' | 'terminated';

/** §12: a dialog is identified by Call-ID, local tag and remote tag. */
export interface DialogId {
  callId: string;
  localTag: string;
  remoteTag: string;
}

export function dialogKey(id: DialogId): string {
  return `${id.callId}|${id.localTag}|${id.remoteTag}`;
}

export class DialogError extends DeskphoneError {
  constructor(message: string, readonly dialog?: DialogId) {
    super('SIP_DIALOG', message);
  }
}

/** What checking an in-dialog request found (§12.2.2). */
export type InDialogVerdict = { ok: true } | { ok: false; status: 500; reason: string };

export interface InDialogRequestOptions {
  headers?: ReadonlyArray<readonly [string, HeaderValue]>;
  body?: Uint8Array | string;
  contentType?: string;
  /** Our Contact for target-refresh requests (re-INVITE, UPDATE; §12.2.1.1). */
  contact?: NameAddr | string;
  via?: Via;
}

/**
 * A SIP dialog (RFC 3261 §12): the peer-to-peer state two UAs keep for the
 * requests between them. Pure data plus the §12 rules; the usages (calls,
 * subscriptions, REFER) hold one and send what it builds through the
 * transaction layer.
 */
export class Dialog {
  state: DialogState;
  readonly id: DialogId;
  /** §12.1: empty until we send a request in the dialog when we were the UAS. */
  localSeq: number | undefined;
  remoteSeq: number | undefined;
  readonly localUri: NameAddr;
  readonly remoteUri: NameAddr;
  remoteTarget: Uri;
  /** Route set in the order requests must carry it (§12.1.1, §12.1.2). */
  readonly routeSet: readonly NameAddr[];
  /** §12.1.1: the request was over TLS and its Request-URI a SIPS URI. */
  readonly secure: boolean;

  private constructor(init: {
    state: DialogState;
    id: DialogId;
    localSeq: number | undefined;
    remoteSeq: number | undefined;
    localUri: NameAddr;
    remoteUri: NameAddr;
    remoteTarget: Uri;
    routeSet: readonly NameAddr[];
    secure: boolean;
  }) {
    this.state = init.state;
    this.id = init.id;
    this.localSeq = init.localSeq;
    this.remoteSeq = init.remoteSeq;
    this.localUri = init.localUri;
    this.remoteUri = init.remoteUri;
    this.remoteTarget = init.remoteTarget;
    this.routeSet = init.routeSet;
    this.secure = init.secure;
  }

  get key(): string {
    return dialogKey(this.id);
  }

  /**
   * §12.1.2: the UAC side, from a 1xx (with To tag) or 2xx response to our request.
   * "The route set MUST be set to the list of URIs in the Record-Route header field from the response,
   * taken in reverse order"; remote target from the response's Contact; local CSeq from the request.
   */
  static asUac(request: SipRequest, response: SipResponse, secure = false): Dialog {
    const remoteTag = response.to.tag;
    const localTag = request.from.tag;
    if (remoteTag === undefined || localTag === undefined) throw new DialogError('a dialog needs a From tag and a To tag (§12.1.2)');
    const contact = response.contacts[0];
    return new Dialog({
      state: response.status < 200 ? 'early' : 'confirmed',
      id: { callId: request.callId, localTag, remoteTag },
      localSeq: request.cseq.seq,
      remoteSeq: undefined,
      localUri: request.from,
      remoteUri: response.to,
      // A response without Contact (a broken UAS) leaves the Request-URI as the target rather than failing the call.
      remoteTarget: contact?.uri ?? request.uri,
      routeSet: [...response.recordRoutes].reverse(),
      secure: secure && request.uri instanceof SipUri && request.uri.scheme === 'sips',
    });
  }

  /**
   * §12.1.1: the UAS side, when we answer a dialog-creating request with a
   * 1xx or 2xx carrying `localTag`. "The route set MUST be set to the list of URIs in the Record-Route
   * header field from the request, taken in order"; remote CSeq from the request; local CSeq empty.
   */
  static asUas(request: SipRequest, localTag: string, provisional: boolean, secure = false): Dialog {
    const remoteTag = request.from.tag;
    if (remoteTag === undefined) throw new DialogError('a dialog needs a From tag (§12.1.1)');
    const contact = request.contacts[0];
    if (!contact) throw new DialogError('a dialog-creating request needs a Contact (§8.1.1.8)');
    return new Dialog({
      state: provisional ? 'early' : 'confirmed',
      id: { callId: request.callId, localTag, remoteTag },
      localSeq: undefined,
      remoteSeq: request.cseq.seq,
      localUri: request.to.withTag(localTag),
      remoteUri: request.from,
      remoteTarget: contact.uri,
      routeSet: [...request.recordRoutes],
      secure: secure && request.uri instanceof SipUri && request.uri.scheme === 'sips',
    });
  }

  /** The dialog id an incoming in-dialog request names, from our side (§12.2.2: local tag is the To tag). */
  static idOfIncoming(request: SipRequest): DialogId | undefined {
    const localTag = request.to.tag;
    const remoteTag = request.from.tag;
    if (localTag === undefined || remoteTag === undefined) return undefined;
    return { callId: request.callId, localTag, remoteTag };
  }

  /** The dialog id of a response to our request (§12.1.2: local tag is the From tag). */
  static idOfResponse(response: SipResponse): DialogId | undefined {
    const localTag = response.from.tag;
    const remoteTag = response.to.tag;
    if (localTag === undefined || remoteTag === undefined) return undefined;
    return { callId: response.callId, localTag, remoteTag };
  }

  /**
   * §12.2.1.1: a request within the dialog. CSeq is the local sequence number
   * plus one (ACK and CANCEL reuse the INVITE's, §13.2.2.4, §9.1). Request-URI
   * and Route follow the route set: loose routing when the first route has
   * `lr`, otherwise the strict-router form of §12.2.1.1.
   */
  createRequest(method: string, options: InDialogRequestOptions & { cseq?: number } = {}): SipRequest {
    if (this.state === 'terminated') throw new DialogError(`dialog ${this.key} is terminated`, this.id);
    let cseq: number;
    if (options.cseq !== undefined) cseq = options.cseq;
    else if (method === 'ACK' || method === 'CANCEL') throw new DialogError(`${method} takes the CSeq number of the request it belongs to`, this.id);
    else {
      // §12.2.1.1: "If the local sequence number is empty, an initial value MUST be chosen"; then incremented by one.
      cseq = this.localSeq === undefined ? 1 : this.localSeq + 1;
      this.localSeq = cseq;
    }
    const { uri, routes } = this.requestTarget();
    return createRequest({
      method,
      uri,
      from: this.localUri,
      to: this.remoteUri,
      callId: this.id.callId,
      cseq,
      routes,
      via: options.via,
      contact: options.contact,
      headers: options.headers,
      body: options.body,
      contentType: options.contentType,
    });
  }

  /** §13.2.2.4: the ACK for a 2xx to the INVITE with CSeq `inviteSeq`, built like any in-dialog request. */
  createAck(inviteSeq: number, options: InDialogRequestOptions = {}): SipRequest {
    return this.createRequest('ACK', { ...options, cseq: inviteSeq });
  }

  /**
   * §12.2.1.1 Request-URI and Route: "If the route set is empty, the UAC MUST place the remote target URI into
   * the Request-URI"; if the first route has lr, the Request-URI is the remote target and Route is the route
   * set; otherwise the first route becomes the Request-URI and the remote target is appended as the last Route.
   */
  requestTarget(): { uri: Uri; routes: NameAddr[] } {
    const first = this.routeSet[0];
    if (first === undefined) return { uri: this.remoteTarget, routes: [] };
    if (first.uri instanceof SipUri && first.uri.lr) return { uri: this.remoteTarget, routes: [...this.routeSet] };
    const strictUri = first.uri instanceof SipUri ? first.uri.with({ params: first.uri.params.without('method').without('maddr').without('ttl').without('transport').without('lr') }) : first.uri;
    return { uri: strictUri, routes: [...this.routeSet.slice(1), new NameAddr(this.remoteTarget)] };
  }

  /**
   * §12.2.2: check an incoming in-dialog request's CSeq. "If the remote sequence number is not empty, but the
   * sequence number of the request is lower than the remote sequence number, the request is out of order and
   * MUST be rejected with a 500"; otherwise the remote sequence number becomes the request's. ACK and CANCEL
   * carry the number of the request they belong to and are not checked.
   */
  receiveRequest(request: SipRequest): InDialogVerdict {
    if (request.method === 'ACK' || request.method === 'CANCEL') return { ok: true };
    const seq = request.cseq.seq;
    if (this.remoteSeq !== undefined && seq < this.remoteSeq) {
      return { ok: false, status: 500, reason: 'CSeq Out of Order' };
    }
    this.remoteSeq = seq;
    return { ok: true };
  }

  /**
   * §12.2.2 / §12.2.1.2 target refresh: an accepted target-refresh request (re-INVITE, UPDATE) or a 2xx to
   * one we sent replaces the remote target with its Contact. The route set never changes (§12.2).
   */
  refreshTarget(message: SipRequest | SipResponse): void {
    const contact = message.contacts[0];
    if (contact) this.remoteTarget = contact.uri;
  }

  /** §12.1.2 / §13.2.2.4: an early dialog becomes confirmed on the 2xx. */
  confirm(): void {
    if (this.state === 'early') this.state = 'confirmed';
  }

  /** §12.3: a BYE, a final non-2xx for an early dialog, or a timeout ends the dialog. */
  terminate(): void {
    this.state = 'terminated';
  }
}
