import type { SipRequest, SipResponse } from '../message/index.js';
import type { TransportError } from '../transport/index.js';
import { buildNon2xxAck } from './derived-requests.js';
import { createResponse } from '../message/index.js';
import { Transaction, type ClientTransactionUser, type TransactionEnv } from './transaction.js';

export type ClientInviteState = 'calling' | 'proceeding' | 'accepted' | 'completed' | 'terminated';

/**
 * The INVITE client transaction (RFC 3261 §17.1.1, Figure 5), with the
 * Accepted state of RFC 6026 §8.4 in place of terminating on a 2xx.
 */
export class ClientInviteTransaction extends Transaction<ClientInviteState> {
  readonly kind = 'client-invite' as const;
  private timerAInterval: number;
  private ack: SipRequest | undefined;

  constructor(
    key: string,
    env: TransactionEnv,
    readonly request: SipRequest,
    private readonly user: ClientTransactionUser,
  ) {
    super(key, env, 'calling');
    this.timerAInterval = env.timers.A;
  }

  start(): void {
    this.sendMessage(this.request);
    // §17.1.1.2: "If an unreliable transport is being used, the client transaction MUST start timer A with a value of T1."
    if (!this.env.reliable) this.startTimer('A', this.timerAInterval, () => this.onTimerA());
    // "For any transport, the client transaction MUST start timer B with a value of 64*T1."
    this.startTimer('B', this.env.timers.B, () => this.onTimerB());
  }

  receiveResponse(response: SipResponse): void {
    const status = response.status;
    switch (this.state) {
      case 'calling':
      case 'proceeding':
        if (status < 200) {
          // "If the client transaction receives a provisional response while in the Calling state, it transitions to Proceeding" and retransmissions stop.
          if (this.state === 'calling') this.transition('proceeding');
          this.user.onResponse(response, 'network');
        } else if (status < 300) {
          // RFC 6026 §8.4: a 2xx moves to Accepted; the TU (the dialog) sends the ACK.
          this.transition('accepted');
          this.startTimer('M', this.env.timers.M, () => this.transition('terminated'));
          this.user.onResponse(response, 'network');
        } else {
          // §17.1.1.2: "the client transaction MUST transition to the Completed state ... MUST pass the received response up ... MUST generate an ACK".
          this.transition('completed');
          this.ack = buildNon2xxAck(this.request, response);
          this.sendMessage(this.ack);
          this.startTimer('D', this.env.timers.D, () => this.transition('terminated'));
          this.user.onResponse(response, 'network');
        }
        return;
      case 'accepted':
        // RFC 6026 §8.4: "any 2xx response ... MUST be passed up to the TU" (retransmitted or forked 2xx need an ACK each).
        if (status >= 200 && status < 300) this.user.onResponse(response, 'network');
        return;
      case 'completed':
        // "Any retransmissions of the final response ... MUST cause the ACK to be re-passed to the transport layer" and not to the TU.
        if (status >= 300 && this.ack) this.sendMessage(this.ack);
        return;
      case 'terminated':
        return;
    }
  }

  private onTimerA(): void {
    if (this.state !== 'calling') return;
    this.sendMessage(this.request);
    // "the client transaction MUST retransmit the request ... and reset the timer with a value of 2*T1" — no T2 cap for INVITE.
    this.timerAInterval *= 2;
    this.startTimer('A', this.timerAInterval, () => this.onTimerA());
  }

  private onTimerB(): void {
    if (this.state !== 'calling') return;
    // "If the client transaction is still in the Calling state when timer B fires, the client transaction SHOULD inform the TU that a timeout has occurred."
    this.transition('terminated');
    this.user.onResponse(createResponse(this.request, 408), 'timeout');
  }

  protected transportError(_error: TransportError): void {
    if (this.state === 'calling') {
      // §17.1.4: "the client transaction SHOULD inform the TU that a transport failure has occurred" (treated as 503, §8.1.3.1).
      this.transition('terminated');
      this.user.onResponse(createResponse(this.request, 503, { reason: 'Transport Failure' }), 'transport-error');
    } else if (this.state === 'completed') {
      // "If there is a transport failure while sending the ACK, the client transaction MUST transition to Terminated."
      this.transition('terminated');
    }
  }

  protected terminated(): void {
    this.user.onTerminated?.();
  }
}
