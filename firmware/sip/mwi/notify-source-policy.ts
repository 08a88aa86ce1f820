import { isIP } from 'node:net';

export interface NotifySourcePolicyOptions {
  log?: { warn(obj: object, msg?: string): void };
  /** How many refused sources are remembered for logging once each. */
  rememberSources?: number;
}

/**
 * Who may push message-waiting state without a subscription. An unsolicited message-summary NOTIFY (Asterisk's
 * `unsolicited_mwi`) is outside any dialog, so nothing ties it to our PBX but where it came from: taken from
 * anyone, a SIP scanner could light the message lamp of every phone in a building. So, like INVITEs once an
 * account exists (issue 5 §12), it is taken only from the addresses of the accounts' registrars and outbound
 * proxies (resolved by the caller and given to setTrusted); others get 403 (RFC 3261 §21.4.4: "understood the
 * request, but is refusing to fulfill it") and are logged once per source, not once per packet.
 */
export class NotifySourcePolicy {
  private trusted = new Set<string>();
  private readonly refused = new Set<string>();

  constructor(private readonly options: NotifySourcePolicyOptions = {}) {}

  /** The servers' addresses (resolved IPs); replaces the previous set. Until called, every source is refused. */
  setTrusted(addresses: Iterable<string>): void {
    this.trusted = new Set([...addresses].map(normalise));
  }

  admit(source: { address: string; port: number }): boolean {
    const address = normalise(source.address);
    if (this.trusted.has(address)) return true;
    if (!this.refused.has(address)) {
      if (this.refused.size >= (this.options.rememberSources ?? 256)) this.refused.clear();
      this.refused.add(address);
      this.options.log?.warn({ source: address, port: source.port }, 'sip: refused an unsolicited message-summary NOTIFY that did not come from the account’s registrar or proxy (403)');
    }
    return false;
  }
}

/** IPv4-mapped IPv6 (::ffff:192.0.2.1) and its IPv4 form are the same source. */
function normalise(address: string): string {
  const lower = address.toLowerCase();
  return lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4 ? lower.slice(7) : lower;
}
