import type { SipRequest, SipResponse } from '../message/index.js';
import type { TransportError } from '../transport/index.js';
import { createResponse } from '../message/index.js';
import { Transaction, type ClientTransactionUser, type TransactionEnv } from './transaction.js';

export type ClientNonInviteState = 'trying' | 'proceeding' | 'completed' | 'terminated';

/** The non-INVITE client transaction (RFC 3261 §17.1.2, Figure 6). */
export class ClientNonInviteTransaction extends Transaction<ClientNonInviteState> {
  readonly kind = 'client-non-invite' as const;
  private timerEInterval: number;

  constructor(
    key: string,
    env: TransactionEnv,
    readonly request: SipRequest,
    private readonly user: ClientTransactionUser,
  ) {
    super(key, env, 'trying');
    this.timerEInterval = env.timers.E;
  }

  start(): void {
    this.sendMessage(this.request);
    // §17.1.2.2: "The 'Trying' state is entered ... Timer F MUST be set to fire in 64*T1 seconds."
    this.startTimer('F', this.env.timers.F, () => this.onTimerF());
    // "If an unreliable transport is in use, the client transaction MUST set timer E to fire in T1 seconds."
    if (!this.env.reliable) this.startTimer('E', this.timerEInterval, () => this.onTimerE());
  }

  receiveResponse(response: SipResponse): void {
    const status = response.status;
    if (this.state === 'trying' || this.state === 'proceeding') {
      if (status < 200) {
        // "If a provisional response is received while in the Trying state ... transition to the Proceeding state."
        if (this.state === 'trying') this.transition('proceeding', ['E', 'F']);
        this.user.onResponse(response, 'network');
        return;
      }
      // "If a final response (status codes 200-699) is received while in the Trying/Proceeding state ...
      // transition to the Completed state"; Timer K absorbs retransmitted responses (T4 on UDP, 0 on reliable).
      this.transition('completed');
      this.startTimer('K', this.env.timers.K, () => this.transition('terminated'));
      this.user.onResponse(response, 'network');
    }
    // Completed: "any retransmissions of the final response that are received while in the Completed state" are absorbed.
  }

  private onTimerE(): void {
    if (this.state !== 'trying' && this.state !== 'proceeding') return;
    this.sendMessage(this.request);
    // Trying: "reset the timer with a value of MIN(2*T1, T2)" and doubling; Proceeding: "reset with a value of T2".
    this.timerEInterval = this.state === 'trying' ? Math.min(2 * this.timerEInterval, this.env.timers.T2) : this.env.timers.T2;
    this.startTimer('E', this.timerEInterval, () => this.onTimerE());
  }

  private onTimerF(): void {
    // "If Timer F fires while the client transaction is still in the Trying/Proceeding state, the client transaction
    // SHOULD inform the TU about the timeout, and then it SHOULD enter the Terminated state."
    this.transition('terminated');
    this.user.onResponse(createResponse(this.request, 408), 'timeout');
  }

  protected transportError(_error: TransportError): void {
    if (this.state === 'completed') return;
    // §17.1.4 / §8.1.3.1: a transport failure reaches the TU as a 503.
    this.transition('terminated');
    this.user.onResponse(createResponse(this.request, 503, { reason: 'Transport Failure' }), 'transport-error');
  }

  protected terminated(): void {
    this.user.onTerminated?.();
  }
}
