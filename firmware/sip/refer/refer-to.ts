import { NameAddr, Params, parseNameAddr, SipUri, type Uri } from '../message/index.js';
import { parseReplaces, formatReplaces, type Replaces } from './replaces.js';
import { ReferError } from './refer-error.js';

/**
 * RFC 3515 §2.1 `Refer-To: name-addr / addr-spec`; an attended transfer carries the dialog to replace as the
 * URI header `?Replaces=…` (RFC 3891 §7, escaped per RFC 3261 §19.1.1), which the transferee turns into a
 * Replaces header of its INVITE.
 */
export interface ReferTarget {
  /** Where to send the INVITE: the Refer-To URI without its headers. */
  uri: Uri;
  replaces: Replaces | undefined;
  /** Display name given in Refer-To, if any. */
  displayName: string | undefined;
}

export function parseReferTo(value: string): ReferTarget {
  let addr: NameAddr;
  try {
    addr = parseNameAddr(value);
  } catch (err) {
    throw new ReferError(`unreadable Refer-To "${value}": ${(err as Error).message}`, 'bad-header', 'Refer-To');
  }
  const uri = addr.uri;
  if (!(uri instanceof SipUri)) return { uri, replaces: undefined, displayName: addr.displayName };
  let replaces: Replaces | undefined;
  for (const [name, v] of uri.headers.entries) {
    if (name.toLowerCase() === 'replaces' && v !== null) replaces = parseReplaces(v);
  }
  return { uri: uri.with({ headers: new Params([]) }), replaces, displayName: addr.displayName };
}

export function formatReferTo(target: Uri, replaces?: Replaces): string {
  if (!replaces) return new NameAddr(target).toString();
  if (!(target instanceof SipUri)) throw new ReferError('Replaces can only ride on a SIP URI', 'bad-header', 'Refer-To');
  return new NameAddr(target.with({ headers: new Params([['Replaces', formatReplaces(replaces)]]) })).toString();
}
