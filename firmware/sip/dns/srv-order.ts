import type { SrvRecord } from './resolver.js';

/**
 * Orders SRV records for trying one after another (RFC 2782 "Usage rules"):
 * ascending priority; inside one priority, a weighted random pick repeated
 * until none is left, with zero-weight records placed first so they are only
 * chosen when the sum says so ("those with weight 0 ... very small chance").
 *
 * `random` returns a number in [0, 1) and is injected so tests are exact.
 */
export function orderSrv(records: readonly SrvRecord[], random: () => number = Math.random): SrvRecord[] {
  const byPriority = new Map<number, SrvRecord[]>();
  for (const r of records) {
    const list = byPriority.get(r.priority);
    if (list) list.push(r);
    else byPriority.set(r.priority, [r]);
  }
  const out: SrvRecord[] = [];
  for (const priority of [...byPriority.keys()].sort((a, b) => a - b)) {
    // RFC 2782: "arrange all SRV RRs ... in any order, except that all those with weight 0 are placed at the beginning".
    const group = [...byPriority.get(priority)!].sort((a, b) => (a.weight === 0 ? 0 : 1) - (b.weight === 0 ? 0 : 1));
    while (group.length > 0) {
      const total = group.reduce((sum, r) => sum + r.weight, 0);
      // "choose a uniform random number between 0 and the sum ... select the first RR whose running sum >= it".
      const threshold = Math.floor(random() * (total + 1));
      let running = 0;
      let pick = group.length - 1;
      for (let i = 0; i < group.length; i++) {
        running += group[i]!.weight;
        if (running >= threshold) {
          pick = i;
          break;
        }
      }
      out.push(group[pick]!);
      group.splice(pick, 1);
    }
  }
  return out;
}
