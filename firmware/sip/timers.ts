/**
 * Every SIP timer value in one place (RFC 3261 Table 4, §17.1.1.2, §17.1.2.2,
 * §17.2.1, §17.2.2; RFC 6026 §8.4 for Timers L and M). Only T1, T2 and T4 are
 * configurable, as §17.1.1.1 allows ("T1 ... can be set to a larger value");
 * everything else is derived from them so the whole table moves together.
 *
 * Timers that only exist to absorb retransmissions (D, I, J, K) are zero on a
 * reliable transport: there is nothing to absorb (RFC 3261 Table 4 "0s for
 * reliable transports").
 */
export interface SipTimerBase {
  /** RTT estimate, 500 ms by default (§17.1.1.1). */
  T1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses, 4 s. */
  T2: number;
  /** Maximum duration a message remains in the network, 5 s. */
  T4: number;
}

export const DEFAULT_TIMER_BASE: Readonly<SipTimerBase> = Object.freeze({ T1: 500, T2: 4000, T4: 5000 });

export interface SipTimerValues extends SipTimerBase {
  /** INVITE request retransmit interval, initially T1, doubling (§17.1.1.2). */
  A: number;
  /** INVITE transaction timeout, 64*T1. */
  B: number;
  /** Proxy INVITE transaction timeout, > 3 min (§16.8); kept for completeness of Table 4. */
  C: number;
  /** Wait time for response retransmits, > 32 s on UDP, 0 on reliable. */
  D: number;
  /** Non-INVITE request retransmit interval, initially T1 (§17.1.2.2). */
  E: number;
  /** Non-INVITE transaction timeout, 64*T1. */
  F: number;
  /** INVITE response retransmit interval, initially T1 (§17.2.1). */
  G: number;
  /** Wait time for ACK receipt, 64*T1. */
  H: number;
  /** Wait time for ACK retransmits, T4 on UDP, 0 on reliable. */
  I: number;
  /** Wait time for non-INVITE request retransmits, 64*T1 on UDP, 0 on reliable. */
  J: number;
  /** Wait time for response retransmits, T4 on UDP, 0 on reliable. */
  K: number;
  /** RFC 6026 §8.4: wait time for accepted INVITE request retransmits, 64*T1. */
  L: number;
  /** RFC 6026 §8.4: wait time for retransmission of 2xx to INVITE, 64*T1. */
  M: number;
}

/** Timer D's fixed floor: "at least 32 seconds for unreliable transports" (§17.1.1.2). */
const TIMER_D_UNRELIABLE = 32_000;
/** Timer C: "MUST be greater than 3 minutes" (§16.6 step 11). */
const TIMER_C = 180_000 + 1_000;

export function sipTimers(base: Partial<SipTimerBase> = {}, reliable = false): SipTimerValues {
  const T1 = base.T1 ?? DEFAULT_TIMER_BASE.T1;
  const T2 = base.T2 ?? DEFAULT_TIMER_BASE.T2;
  const T4 = base.T4 ?? DEFAULT_TIMER_BASE.T4;
  if (!(T1 > 0) || !(T2 >= T1) || !(T4 > 0)) {
    throw new RangeError(`SIP timers need T1 > 0, T2 >= T1, T4 > 0 (got T1=${T1}, T2=${T2}, T4=${T4})`);
  }
  return {
    T1,
    T2,
    T4,
    A: T1,
    B: 64 * T1,
    C: TIMER_C,
    // §17.1.1.2: Timer D "at least 32 seconds"; scale with T1 when T1 was raised above default.
    D: reliable ? 0 : Math.max(TIMER_D_UNRELIABLE, 64 * T1),
    E: T1,
    F: 64 * T1,
    G: T1,
    H: 64 * T1,
    I: reliable ? 0 : T4,
    J: reliable ? 0 : 64 * T1,
    K: reliable ? 0 : T4,
    L: 64 * T1,
    M: 64 * T1,
  };
}

/**
 * Next retransmit interval after `sent` transmissions so far (libre ctrans.c):
 * INVITE requests double without bound (§17.1.1.2 "Timer A ... 2*T1, 4*T1"),
 * non-INVITE requests and INVITE 2xx/final responses cap at T2 (§17.1.2.2, §17.2.1).
 */
export function retransmitInterval(timers: SipTimerBase, sent: number, capAtT2: boolean): number {
  const interval = timers.T1 * 2 ** Math.max(0, sent - 1);
  return capAtT2 ? Math.min(interval, timers.T2) : interval;
}
