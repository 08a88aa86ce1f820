import { isIP } from 'node:net';
import type { Clock, TimerHandle } from '../clock/index.js';

/** Resolves a host name to its addresses (dns.lookup with all: true in the phone; a table in tests). */
export type HostLookup = (host: string) => Promise<string[]>;

export interface ServerAddressesOptions {
  /** The accounts' registrar, outbound proxy and domain, as written in the config. */
  servers: readonly string[];
  lookup: HostLookup;
  clock: Clock;
  /** Called with the whole set whenever it changes. */
  onChange: (addresses: readonly string[]) => void;
  /** Looked up again this often once every name resolved (the PBX may move; DNS TTLs are minutes). */
  refreshMs?: number;
  /** …and this soon while a name has not resolved yet (the phone boots before the network is up). */
  retryMs?: number;
}

/**
 * The addresses of the phone's own SIP servers: the only sources whose INVITEs,
 * unsolicited MWI NOTIFYs and P-Asserted-Identity the phone believes (issue 5
 * point 12, RFC 3325 §5). IP literals count at once; names are looked up in
 * parallel, kept while a later lookup fails (a DNS outage must not turn the
 * PBX into a stranger), and looked up again — soon while a lookup fails, since
 * at boot DNS may not be reachable yet, and then every refreshMs.
 */
export class ServerAddresses {
  private readonly literals: string[] = [];
  private readonly names: string[] = [];
  private readonly resolved = new Map<string, string[]>();
  private current: string[] = [];
  private timer: TimerHandle | undefined;
  private stopped = false;

  constructor(private readonly options: ServerAddressesOptions) {
    for (const server of new Set(options.servers.map(hostOf))) {
      if (isIP(server) !== 0) this.literals.push(server);
      else this.names.push(server);
    }
  }

  /** The literals now; the names as their lookups finish. Resolves when the first round is done. */
  async start(): Promise<void> {
    this.publish();
    await this.lookUp();
  }

  stop(): void {
    this.stopped = true;
    this.options.clock.clearTimeout(this.timer);
  }

  get addresses(): readonly string[] {
    return this.current;
  }

  private async lookUp(): Promise<void> {
    const results = await Promise.all(this.names.map(async (name) => [name, await this.options.lookup(name).catch(() => [])] as const));
    if (this.stopped) return;
    for (const [name, found] of results) if (found.length > 0) this.resolved.set(name, found);
    this.publish();
    if (this.names.length === 0) return;
    const failed = results.some(([, found]) => found.length === 0);
    const delay = failed ? (this.options.retryMs ?? 5_000) : (this.options.refreshMs ?? 300_000);
    this.timer = this.options.clock.setTimeout(() => void this.lookUp(), delay);
  }

  private publish(): void {
    const next = [...new Set([...this.literals, ...[...this.resolved.values()].flat()])].sort();
    if (next.length === this.current.length && next.every((a, i) => a === this.current[i])) return;
    this.current = next;
    this.options.onChange(next);
  }
}

/** "sip:[2001:db8::1]:5060;lr" or "pbx.example.com:5060" → the host alone. */
export function hostOf(value: string): string {
  const v = value.replace(/^sips?:/i, '').split(';')[0]!;
  if (v.startsWith('[')) return v.slice(1, v.indexOf(']'));
  // A bare IPv6 address has more than one colon and no port.
  if (v.indexOf(':') !== v.lastIndexOf(':')) return v;
  return v.split(':')[0]!;
}
