/**
 * Which local address the phone sends from toward each destination (issue 5 point 11): the address of the
 * interface a packet to that host leaves by, as the kernel's route lookup picks it. Contact, Via sent-by and
 * the SDP connection address are written from it, so a phone with two interfaces (LAN and VPN, voice VLAN
 * and data VLAN) never hands a peer the address of the wrong one — the classic cause of one-way audio and
 * of calls dropped after 32 s because the ACK went to an address the peer could not reach.
 *
 * The probe is the I/O edge (a connected UDP socket on the phone, a table in tests); this class only keeps
 * the answers, so a lookup costs a socket once per destination, not once per message.
 */
export type SourceProbe = (destination: string) => Promise<string>;

export interface SourceChange {
  destination: string;
  before: string;
  /** undefined: no route any more (the interface went down or lost its address). */
  after: string | undefined;
}

/** Destinations remembered at most: a SIP scanner sending from thousands of addresses must not grow the phone's memory. */
export const MAX_REMEMBERED_DESTINATIONS = 256;

export class SourceAddresses {
  private readonly known = new Map<string, string>();
  private readonly pending = new Map<string, Promise<string>>();
  /** Destinations whose route went away, with the address they had: when a route comes back it is compared with that. */
  private readonly lost = new Map<string, string>();

  constructor(
    private readonly probe: SourceProbe,
    private readonly limit = MAX_REMEMBERED_DESTINATIONS,
  ) {}

  /** The source address toward `destination`, probing once and remembering it. Rejects when there is no route. */
  resolve(destination: string): Promise<string> {
    const key = normalise(destination);
    const hit = this.known.get(key);
    if (hit !== undefined) return Promise.resolve(hit);
    let waiting = this.pending.get(key);
    if (!waiting) {
      waiting = this.probe(key).then(
        (address) => {
          this.pending.delete(key);
          const local = normalise(address);
          // Never remember (or write) the unspecified address: it would tell the peer to send to itself.
          if (isUnspecified(local)) throw new Error(`the route to ${key} has no source address`);
          this.remember(key, local);
          return local;
        },
        (err: unknown) => {
          this.pending.delete(key);
          throw err;
        },
      );
      this.pending.set(key, waiting);
    }
    return waiting;
  }

  /** Known without asking the kernel (for code that must answer at once, like an SDP offer); undefined if not yet probed. */
  cached(destination: string): string | undefined {
    return this.known.get(normalise(destination));
  }

  /** Learns the route in the background (a peer that just sent us something will likely be answered soon). */
  warm(destination: string): void {
    if (this.known.has(normalise(destination))) return;
    this.resolve(destination).catch(() => {});
  }

  /** Every local address in use now, with the destinations reached from it. */
  inUse(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const [dest, local] of this.known) out.set(local, [...(out.get(local) ?? []), dest]);
    return out;
  }

  /** The most recently learned source address (the registrar's, usually): a fallback for unknown peers. */
  get latest(): string | undefined {
    let last: string | undefined;
    for (const local of this.known.values()) last = local;
    return last;
  }

  /**
   * Asks the kernel again for every known destination (the interfaces changed) and returns those whose
   * source address is different now or gone. Unchanged routes stay cached; changed ones are updated.
   */
  async recheck(): Promise<SourceChange[]> {
    const entries = [...this.known, ...[...this.lost].filter(([d]) => !this.known.has(d))];
    const results = await Promise.all(
      entries.map(async ([destination, before]) => {
        let after: string | undefined;
        try {
          after = normalise(await this.probe(destination));
          if (isUnspecified(after)) after = undefined;
        } catch {
          after = undefined;
        }
        return { destination, before, after };
      }),
    );
    const changes: SourceChange[] = [];
    for (const r of results) {
      const wasLost = this.lost.has(r.destination) && !this.known.has(r.destination);
      if (wasLost && r.after === undefined) continue;
      if (wasLost) this.lost.delete(r.destination);
      if (r.after === r.before) {
        if (wasLost) this.known.set(r.destination, r.before);
        continue;
      }
      changes.push(r);
      if (r.after === undefined) {
        this.known.delete(r.destination);
        this.lost.set(r.destination, r.before);
      } else {
        // Re-insert so `latest` reflects what was learned last.
        this.known.delete(r.destination);
        this.known.set(r.destination, r.after);
      }
    }
    return changes;
  }

  /** Keeps insertion order as recency: the least recently learned destination goes first when full. */
  private remember(destination: string, local: string): void {
    this.known.delete(destination);
    this.known.set(destination, local);
    while (this.known.size > this.limit) {
      const oldest = this.known.keys().next().value as string;
      this.known.delete(oldest);
    }
    while (this.lost.size > this.limit) this.lost.delete(this.lost.keys().next().value as string);
  }

  forget(): void {
    this.known.clear();
    this.lost.clear();
  }
}

export function normalise(address: string): string {
  let a = address.toLowerCase();
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  // A v4-mapped IPv6 address is the IPv4 peer it maps (dual-stack sockets report them so).
  if (a.startsWith('::ffff:') && a.includes('.')) a = a.slice(7);
  return a;
}

export function isUnspecified(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '[::]';
}
