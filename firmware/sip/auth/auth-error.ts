import { DeskphoneError } from '../../errors.js';

/** A challenge or credentials header that does not follow RFC 7616 §3.3 / §3.4 (or RFC 3261 §25.1 challenge / credentials). */
export class SipAuthError extends DeskphoneError {
  readonly reason: string;

  constructor(reason: string) {
    super('SIP_AUTH', reason);
    this.reason = reason;
  }
}
