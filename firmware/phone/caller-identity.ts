import { isIP } from 'node:net';
import { parseNameAddr, scanQuoted, SipUri, TelUri, type NameAddr, type SipRequest } from '../sip/message/index.js';

/** Who is calling, as the LCD shows it. */
export interface CallerIdentity {
  uri: string;
  /** The number (tel URI, or the SIP URI's user part). */
  number: string;
  name?: string;
  /** Taken from P-Asserted-Identity (RFC 3325), not from From. */
  asserted: boolean;
}

/**
 * The caller of an incoming INVITE for the call screen (issue 7 §3: "from From/P-Asserted-Identity").
 *
 * RFC 3325 §9.1: P-Asserted-Identity is "the identity of the user sending a SIP message as it was verified by
 * authentication" — but only within a Trust Domain: a UA "MUST ... ignore" it unless the request came from an
 * element it trusts (§5 "a UA ... receiving ... from an entity outside the Trust Domain"). For a desk phone
 * the trust domain is its PBX: the account's registrar and outbound proxy. So the asserted identity is shown
 * when the INVITE came from one of those addresses, and From (which the caller writes freely) otherwise or
 * when there is none. A contact's name still wins over both (the phone app looks the number up).
 *
 * `trusted` says whether an address is one of the servers; the INVITE's source is its top Via's `received`
 * (RFC 3261 §18.2.1: the UA core stamps it whenever the sent-by is not the packet's source) or sent-by host.
 */
export function callerIdentity(invite: SipRequest, from: NameAddr, trusted: (address: string) => boolean): CallerIdentity {
  const fromUri = from.uri.toString();
  const plain: CallerIdentity = { uri: fromUri, number: numberOf(from), ...(from.displayName ? { name: from.displayName } : {}), asserted: false };
  const values = invite.headers.getAll('p-asserted-identity');
  if (values.length === 0 || !trusted(sourceOf(invite))) return plain;
  const asserted = assertedIdentities(values);
  // §9.1: at most one sip/sips URI and one tel URI; the SIP one is the fuller identity (name and address),
  // the tel one the number when the SIP one has none of its own.
  const sip = asserted.find((a) => a.uri instanceof SipUri);
  const tel = asserted.find((a) => a.uri instanceof TelUri);
  const chosen = sip ?? tel;
  if (!chosen) return plain;
  const name = sip?.displayName ?? tel?.displayName;
  const number = tel ? (tel.uri as TelUri).number : numberOf(chosen);
  return { uri: chosen.uri.toString(), number, ...(name ? { name } : {}), asserted: true };
}

/** The address the request came from: the `received` the UA core stamped, or the sent-by it matched. */
export function sourceOf(request: SipRequest): string {
  const via = request.topVia;
  const received = via.params.get('received');
  const host = typeof received === 'string' && received !== '' ? received : via.host;
  return host.startsWith('[') ? host.slice(1, -1) : host;
}

/** The servers a phone trusts to assert identities: its registrar and proxies, by (resolved) address. */
export class TrustedServers {
  private addresses = new Set<string>();

  set(addresses: Iterable<string>): void {
    this.addresses = new Set([...addresses].map(normalise));
  }

  has(address: string): boolean {
    return this.addresses.has(normalise(address));
  }
}

function numberOf(addr: NameAddr): string {
  const uri = addr.uri;
  if (uri instanceof TelUri) return uri.number;
  if (uri instanceof SipUri) return uri.user ?? uri.host;
  return uri.toString();
}

/** Each comma-separated name-addr of the header values; unreadable ones are skipped, not fatal. */
function assertedIdentities(values: readonly string[]): NameAddr[] {
  const out: NameAddr[] = [];
  for (const value of values) {
    for (const item of splitNameAddrs(value)) {
      try {
        out.push(parseNameAddr(item));
      } catch {
        // A malformed identity is no identity: From is shown instead.
      }
    }
  }
  return out;
}

/** Splits at commas outside quotes and <…> (RFC 3261 §7.3.1: a header list). */
function splitNameAddrs(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  let angle = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '"') {
      const end = scanQuoted(value, i);
      if (end < 0) break;
      i = end - 1;
    } else if (c === '<') angle = true;
    else if (c === '>') angle = false;
    else if (c === ',' && !angle) {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out.filter((s) => s !== '');
}

/** IPv4-mapped IPv6 (::ffff:192.0.2.1) and its IPv4 form are the same address. */
function normalise(address: string): string {
  const lower = address.toLowerCase();
  return lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4 ? lower.slice(7) : lower;
}
