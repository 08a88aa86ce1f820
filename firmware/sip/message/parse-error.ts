import { DeskphoneError } from '../../errors.js';
import type { SipMessage } from './message.js';

/**
 * A SIP message (or a piece of one: a URI, a header value) that does not
 * follow RFC 3261 §25. `reason` names what is wrong in a few words (also used
 * as the reason phrase of a 400 response), `offset` is the byte offset in the
 * input where it was found and `line` the 1-based line number (the start line
 * is line 1; 0 when the error is not tied to a line, e.g. a bad URI parsed on
 * its own).
 *
 * When the start line and the header structure were sound but a header value
 * is malformed, `partial` holds the structurally parsed message so a UA can
 * still answer 400 (RFC 3261 §8.2: a UAS copies Via, From, To, Call-ID and
 * CSeq as raw text) — the parsed accessors of that message may throw again.
 */
export class SipParseError extends DeskphoneError {
  readonly reason: string;
  readonly offset: number;
  line: number;
  partial: SipMessage | undefined;

  constructor(reason: string, offset = 0, line = 0, partial?: SipMessage) {
    super('SIP_PARSE', line > 0 ? `${reason} (line ${line}, byte ${offset})` : `${reason} (at ${offset})`);
    this.reason = reason;
    this.offset = offset;
    this.line = line;
    this.partial = partial;
  }
}
