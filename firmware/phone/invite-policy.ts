import { isIP } from 'node:net';

export interface InvitePolicyOptions {
  /** With an account configured: also take calls straight from other addresses (direct IP). */
  acceptDirectCalls: boolean;
  /** Whether any account is configured; with none, every call is a direct call and all are taken. */
  hasAccount: boolean;
  log: { warn(obj: object, msg?: string): void };
  /** How many refused sources are remembered for logging once each. */
  rememberSources?: number;
}

/**
 * Who may ring the phone (issue 5 §12). Once an account exists, INVITEs are
 * taken only from the addresses of its registrar and outbound proxy — the
 * desk-phone setting against SIP scanners' ghost calls — unless direct calls
 * are allowed. A refused source is logged once, not once per packet.
 */
export class InvitePolicy {
  private trusted = new Set<string>();
  private readonly refused = new Set<string>();

  constructor(private readonly options: InvitePolicyOptions) {}

  /** The servers' addresses (resolved IPs), refreshed when they may have changed. */
  setTrusted(addresses: Iterable<string>): void {
    this.trusted = new Set([...addresses].map(normalise));
  }

  admit(source: { address: string; port: number }): boolean {
    if (!this.options.hasAccount || this.options.acceptDirectCalls) return true;
    const address = normalise(source.address);
    if (this.trusted.has(address)) return true;
    if (!this.refused.has(address)) {
      if (this.refused.size >= (this.options.rememberSources ?? 256)) this.refused.clear();
      this.refused.add(address);
      this.options.log.warn({ source: address, port: source.port }, 'calls: refused an INVITE that did not come from the account’s proxy (403); set phone.acceptDirectCalls to allow');
    }
    return false;
  }
}

/** IPv4-mapped IPv6 (::ffff:192.0.2.1) and its IPv4 form are the same source. */
function normalise(address: string): string {
  const lower = address.toLowerCase();
  return lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4 ? lower.slice(7) : lower;
}
