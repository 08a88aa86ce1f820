import type { Clock, TimerHandle } from '../../clock/index.js';
import type { SipMessage, SipRequest, SipResponse } from '../message/index.js';
import type { SipTimerValues } from '../timers.js';
import type { TransportError } from '../transport/index.js';

/**
 * What the four RFC 3261 §17 state machines share: an injected clock, the
 * timer table for the transport in use, a way to send, and named timers that
 * a state change starts and clears in one place (DESIGN.md "State machines as
 * plain classes").
 */
export interface TransactionEnv {
  clock: Clock;
  /** Table 4 values already chosen for this transport's reliability (timers.ts). */
  timers: SipTimerValues;
  /** Unreliable transports retransmit and absorb (§17.1.1.2, §17.1.2.2, §17.2.1). */
  reliable: boolean;
  /** Hands a message to the transport; a rejection is a transport error (§17.1.4, §17.2.4). */
  send(message: SipMessage): Promise<void>;
}

/** Why a client transaction's user got a response it did not receive from the network. */
export type ResponseOrigin = 'network' | 'timeout' | 'transport-error';

export interface ClientTransactionUser {
  /**
   * A response for the request. Timeouts arrive as a local 408 and transport
   * failures as a local 503 (§8.1.3.1), so a user handles outcomes in one place.
   */
  onResponse(response: SipResponse, origin: ResponseOrigin): void;
  onTerminated?(): void;
}

export interface ServerTransactionUser {
  /** §17.2.1 Accepted (RFC 6026 §7.1): an ACK for a 2xx is the dialog's, handed up. */
  onAck?(ack: SipRequest): void;
  /** Timer H fired without an ACK, or a response could not be sent (§17.2.4). */
  onFailure?(reason: 'timeout' | 'transport-error', error?: TransportError): void;
  onTerminated?(): void;
}

export type TimerName = 'A' | 'B' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J' | 'K' | 'L' | 'M';

export abstract class Transaction<State extends string> {
  abstract readonly kind: 'client-invite' | 'client-non-invite' | 'server-invite' | 'server-non-invite';
  private current: State;
  private readonly running = new Map<TimerName, TimerHandle>();
  private terminatedListeners: Array<() => void> = [];

  protected constructor(
    readonly key: string,
    protected readonly env: TransactionEnv,
    initial: State,
  ) {
    this.current = initial;
  }

  get state(): State {
    return this.current;
  }

  get isTerminated(): boolean {
    return this.current === ('terminated' as State);
  }

  /** Registered by the transaction layer to drop the transaction from its table. */
  onTerminated(listener: () => void): void {
    this.terminatedListeners.push(listener);
  }

  /** Names of the timers running now (for tests and diagnostics). */
  get runningTimers(): TimerName[] {
    return [...this.running.keys()];
  }

  /** Stops every timer without telling the user: the stack is shutting down. */
  dispose(): void {
    for (const handle of this.running.values()) this.env.clock.clearTimeout(handle);
    this.running.clear();
    this.current = 'terminated' as State;
  }

  /** The one place states change: timers of the old state stop unless `keep` names them. */
  protected transition(to: State, keep: readonly TimerName[] = []): void {
    if (this.current === 'terminated') return;
    for (const [name, handle] of this.running) {
      if (keep.includes(name)) continue;
      this.env.clock.clearTimeout(handle);
      this.running.delete(name);
    }
    this.current = to;
    if (to === 'terminated') {
      this.terminated();
      for (const l of this.terminatedListeners.splice(0)) l();
    }
  }

  protected startTimer(name: TimerName, delayMs: number, fire: () => void): void {
    this.stopTimer(name);
    // A zero timer (D, I, J, K on reliable transports) moves on at once, still asynchronously
    // so the state change is never re-entrant with the event that caused it.
    this.running.set(
      name,
      this.env.clock.setTimeout(() => {
        this.running.delete(name);
        if (!this.isTerminated) fire();
      }, delayMs),
    );
  }

  protected stopTimer(name: TimerName): void {
    const handle = this.running.get(name);
    if (handle !== undefined) {
      this.env.clock.clearTimeout(handle);
      this.running.delete(name);
    }
  }

  /** Sends and routes a failure to `transportError` (§17.1.4, §17.2.4). */
  protected sendMessage(message: SipMessage): void {
    this.env.send(message).catch((err: TransportError) => {
      if (!this.isTerminated) this.transportError(err);
    });
  }

  protected abstract transportError(error: TransportError): void;
  protected abstract terminated(): void;
}
