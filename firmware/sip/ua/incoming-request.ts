import { createResponse, generateTag, type ResponseInit, type SipRequest, type SipResponse } from '../message/index.js';
import type { ServerTransaction, TransactionTarget } from '../transaction/index.js';
import type { TransportProtocol } from '../transport/index.js';

/**
 * A request handed to a usage (INVITE sessions, SUBSCRIBE, MESSAGE… — issue 5)
 * with its server transaction. The usage answers through `respond`, which
 * builds the response per §8.2.6 and sends it through the transaction.
 */
export class IncomingRequest {
  private tag: string | undefined;
  private cancelListeners: Array<() => void> = [];
  private cancelled = false;

  constructor(
    readonly request: SipRequest,
    readonly transaction: ServerTransaction,
    /** Where responses go; also tells the usage the transport it came over (§12.1.1 secure flag, Contact transport). */
    readonly source: TransactionTarget & { protocol: TransportProtocol },
  ) {}

  /**
   * The To tag this UAS uses for the request (§8.2.6.2: "the UAS MUST add a tag to the To header field in the
   * response"); the request's own tag for an in-dialog request, a fresh one otherwise, the same across
   * provisional and final responses so they all belong to one dialog.
   */
  get toTag(): string {
    if (this.tag === undefined) this.tag = this.request.to.tag ?? generateTag();
    return this.tag;
  }

  respond(status: number, init: ResponseInit = {}): SipResponse {
    const response = createResponse(this.request, status, { toTag: this.toTag, ...init });
    this.transaction.respond(response);
    return response;
  }

  /** True once the transaction has a final response. */
  get answered(): boolean {
    return this.transaction.finalResponse !== undefined;
  }

  get isCancelled(): boolean {
    return this.cancelled;
  }

  /** §9.2: a CANCEL matched this INVITE before it was answered. Without a listener the core answers 487 itself. */
  onCancel(listener: () => void): void {
    this.cancelListeners.push(listener);
  }

  /** Called by the UA core; returns false when nobody listens. */
  cancel(): boolean {
    this.cancelled = true;
    const listeners = this.cancelListeners.splice(0);
    for (const l of listeners) l();
    return listeners.length > 0;
  }
}
