import { DeskphoneError } from '../../errors.js';

/** Why a datagram is not an RTP packet we can use; counted per reason by the receiver. */
export type RtpParseReason =
  | 'truncated'
  | 'bad-version'
  | 'bad-padding'
  | 'bad-extension'
  | 'oversize';

export class RtpParseError extends DeskphoneError {
  readonly reason: RtpParseReason;
  /** Byte offset where the packet stopped making sense. */
  readonly offset: number;
  constructor(reason: RtpParseReason, offset: number, message: string) {
    super('RTP_PARSE', message);
    this.reason = reason;
    this.offset = offset;
  }
}
