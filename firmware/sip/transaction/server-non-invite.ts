import type { SipRequest, SipResponse } from '../message/index.js';
import type { TransportError } from '../transport/index.js';
import { Transaction, type ServerTransactionUser, type TransactionEnv } from './transaction.js';

export type ServerNonInviteState = 'trying' | 'proceeding' | 'completed' | 'terminated';

/** The non-INVITE server transaction (RFC 3261 §17.2.2, Figure 8). */
export class ServerNonInviteTransaction extends Transaction<ServerNonInviteState> {
  readonly kind = 'server-non-invite' as const;
  private lastResponse: SipResponse | undefined;
  private user: ServerTransactionUser = {};

  constructor(
    key: string,
    env: TransactionEnv,
    readonly request: SipRequest,
  ) {
    super(key, env, 'trying');
  }

  setUser(user: ServerTransactionUser): void {
    this.user = user;
  }

  get finalResponse(): SipResponse | undefined {
    return this.lastResponse && this.lastResponse.status >= 200 ? this.lastResponse : undefined;
  }

  start(): void {
    // Nothing is sent until the TU answers: §17.2.2 has no automatic 100 for non-INVITE (RFC 4320 §4.1 even forbids an early one).
  }

  respond(response: SipResponse): void {
    if (this.state !== 'trying' && this.state !== 'proceeding') return;
    this.lastResponse = response;
    this.sendMessage(response);
    if (response.status < 200) {
      // "the TU passes a provisional response ... the server transaction MUST enter the 'Proceeding' state"
      if (this.state === 'trying') this.transition('proceeding');
      return;
    }
    // "If the TU passes a final response ... the server transaction MUST enter the 'Completed' state" and set Timer J
    // (64*T1 on unreliable transports, zero on reliable).
    this.transition('completed');
    this.startTimer('J', this.env.timers.J, () => this.transition('terminated'));
  }

  receiveRequest(_request: SipRequest): void {
    // Trying: "any further request retransmissions are discarded"; Proceeding and Completed: the last response is resent.
    if ((this.state === 'proceeding' || this.state === 'completed') && this.lastResponse) this.sendMessage(this.lastResponse);
  }

  protected transportError(error: TransportError): void {
    // §17.2.4: a response that cannot be sent ends the transaction; the TU is told.
    this.transition('terminated');
    this.user.onFailure?.('transport-error', error);
  }

  protected terminated(): void {
    this.user.onTerminated?.();
  }
}
