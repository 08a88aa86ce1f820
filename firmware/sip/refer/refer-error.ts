import { DeskphoneError } from '../../errors.js';

/** A transfer that cannot be started or a transfer header we cannot read (RFC 3515, RFC 3891). */
export class ReferError extends DeskphoneError {
  constructor(
    message: string,
    readonly reason: 'bad-header' | 'bad-sipfrag' | 'call-not-active' | 'busy',
    readonly header?: string,
  ) {
    super('SIP_REFER', message);
  }
}
