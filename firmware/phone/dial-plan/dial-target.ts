import { isIP } from 'node:net';
import { DeskphoneError } from '../../errors.js';

export class DialTargetError extends DeskphoneError {
  constructor(readonly input: string, reason: string) {
    super('DIAL_TARGET_INVALID', `cannot call "${input}": ${reason}`);
  }
}

/**
 * What a person may type in the web page's dial box, as the SIP URI to call:
 * a number (called at the account's domain), `user@host`, a `sip:`/`sips:` URI,
 * or a bare IPv4/IPv6 address or host[:port] (direct-IP calling, no account).
 */
export function resolveDialTarget(input: string, accountDomain: string | undefined): string {
  const text = input.trim();
  if (text === '') throw new DialTargetError(input, 'nothing to call');
  if (text.length > 256) throw new DialTargetError(input.slice(0, 32), 'longer than 256 characters');
  if (/\s/.test(text)) throw new DialTargetError(input, 'spaces are not allowed');
  if (/^sips?:/i.test(text)) return text;
  if (/^[0-9*#+]+$/.test(text)) {
    if (accountDomain === undefined) throw new DialTargetError(input, 'a number needs an account to call through; give an address (e.g. 192.0.2.10 or 201@192.0.2.10)');
    return `sip:${text.replace(/#/g, '%23')}@${accountDomain}`;
  }
  if (text.includes('@')) return `sip:${text}`;
  if (isIP(text) === 6) return `sip:[${text}]`;
  if (isIP(text) === 4 || /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(text)) return `sip:${text}`;
  throw new DialTargetError(input, 'expected a number, user@host, a sip: URI or an IP address');
}
