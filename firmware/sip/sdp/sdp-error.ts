import { DeskphoneError } from '../../errors.js';

export type SdpErrorReason =
  /** The body is not SDP we can read (no v=, no m=, broken lines). */
  | 'unparseable'
  /** No audio stream with a codec both sides support (RFC 3264 §6: answered with 488, §21.4.26). */
  | 'no-common-codec'
  /** An answer that does not correspond to our offer (RFC 3264 §6: same number of m= lines). */
  | 'mismatched-answer';

/** A session description that cannot be used; `status` is the SIP response it leads to when we are the answerer. */
export class SdpError extends DeskphoneError {
  readonly reason: SdpErrorReason;
  readonly status: 488 | 400;

  constructor(reason: SdpErrorReason, message: string, options?: { cause?: unknown }) {
    super('SIP_SDP', message, options);
    this.reason = reason;
    // RFC 3261 §21.4.26 488 Not Acceptable Here: "the session description ... was not acceptable".
    this.status = reason === 'unparseable' ? 400 : 488;
  }
}
