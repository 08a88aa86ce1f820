import type { SipRequest, SipResponse } from '../message/index.js';
import type { TransportError } from '../transport/index.js';
import { createResponse } from '../message/index.js';
import { Transaction, type ServerTransactionUser, type TransactionEnv } from './transaction.js';

export type ServerInviteState = 'proceeding' | 'accepted' | 'completed' | 'confirmed' | 'terminated';

/**
 * The INVITE server transaction (RFC 3261 §17.2.1, Figure 7) with RFC 6026
 * §7.1's Accepted state: after a 2xx the transaction stays to absorb INVITE
 * retransmissions and hand ACKs to the dialog, instead of vanishing.
 */
export class ServerInviteTransaction extends Transaction<ServerInviteState> {
  readonly kind = 'server-invite' as const;
  private lastResponse: SipResponse | undefined;
  private timerGInterval: number;
  private user: ServerTransactionUser = {};

  constructor(
    key: string,
    env: TransactionEnv,
    readonly request: SipRequest,
  ) {
    super(key, env, 'proceeding');
    this.timerGInterval = env.timers.G;
  }

  /** The TU that answers this INVITE (set when the UA core dispatches it). */
  setUser(user: ServerTransactionUser): void {
    this.user = user;
  }

  /** The final response sent, if any (a CANCEL arriving later needs to know, §9.2). */
  get finalResponse(): SipResponse | undefined {
    return this.lastResponse && this.lastResponse.status >= 200 ? this.lastResponse : undefined;
  }

  start(): void {
    // §17.2.1: "the server transaction MUST generate a 100 (Trying) response unless it knows that the TU will
    // generate a provisional or final response within 200 ms". Sending it at once stops the client's Timer A early.
    this.respond(createResponse(this.request, 100));
  }

  /** A response from the TU. */
  respond(response: SipResponse): void {
    const status = response.status;
    if (this.state === 'proceeding') {
      this.lastResponse = response;
      this.sendMessage(response);
      if (status < 200) return;
      if (status < 300) {
        // RFC 6026 §7.1: "If, while in the 'Proceeding' state, the TU passes a 2xx response ... the server transaction
        // MUST transition to the 'Accepted' state" and start Timer L.
        this.transition('accepted');
        this.startTimer('L', this.env.timers.L, () => this.transition('terminated'));
        return;
      }
      // §17.2.1: "the state machine MUST enter the 'Completed' state"; Timer G on unreliable transports, Timer H always.
      this.transition('completed');
      if (!this.env.reliable) this.startTimer('G', this.timerGInterval, () => this.onTimerG());
      this.startTimer('H', this.env.timers.H, () => this.onTimerH());
    } else if (this.state === 'accepted' && status >= 200 && status < 300) {
      // RFC 6026 §7.1: the TU retransmits its 2xx (§13.3.1.4) through the transaction while in Accepted.
      this.lastResponse = response;
      this.sendMessage(response);
    }
  }

  /** A request that matched this transaction: an INVITE retransmission or an ACK. */
  receiveRequest(request: SipRequest): void {
    if (request.method === 'ACK') {
      if (this.state === 'completed') {
        // §17.2.1: "If an ACK is received while the server transaction is in the 'Completed' state, the server
        // transaction MUST transition to the 'Confirmed' state"; Timer I absorbs further ACKs.
        this.transition('confirmed');
        this.startTimer('I', this.env.timers.I, () => this.transition('terminated'));
      } else if (this.state === 'accepted') {
        // RFC 6026 §7.1: "The server transaction MUST NOT generate ACK ... it passes any received ACKs up to the TU."
        this.user.onAck?.(request);
      }
      return;
    }
    // "If a request retransmission is received while in the 'Proceeding' state, the most recent provisional response
    // ... MUST be passed to the transport layer"; in Completed the final response is resent; in Accepted it is absorbed.
    if ((this.state === 'proceeding' || this.state === 'completed') && this.lastResponse) this.sendMessage(this.lastResponse);
  }

  private onTimerG(): void {
    if (this.state !== 'completed' || !this.lastResponse) return;
    this.sendMessage(this.lastResponse);
    // "If timer G fires, the response is passed to the transport layer once more ... and timer G is set to fire in MIN(2*T1, T2)".
    this.timerGInterval = Math.min(2 * this.timerGInterval, this.env.timers.T2);
    this.startTimer('G', this.timerGInterval, () => this.onTimerG());
  }

  private onTimerH(): void {
    // "If timer H fires while in the 'Completed' state, it implies that the ACK was never received ... the server
    // transaction MUST transition to the 'Terminated' state, and MUST indicate to the TU that a transaction failure has occurred."
    this.transition('terminated');
    this.user.onFailure?.('timeout');
  }

  protected transportError(error: TransportError): void {
    // §17.2.4: "the server MUST ... inform the TU of a transport failure."
    this.transition('terminated');
    this.user.onFailure?.('transport-error', error);
  }

  protected terminated(): void {
    this.user.onTerminated?.();
  }
}
