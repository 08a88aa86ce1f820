import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JitterBuffer } from '../../../../firmware/media/jitter/index.js';

/**
 * Whatever the network does (reordering, duplicates, loss, delay spikes, wraps of
 * the 16-bit sequence number and 32-bit timestamp), the buffer plays frames in
 * timestamp order, each at most once, never throws, and stays within its capacity.
 */
describe('jitter buffer invariants', () => {
  it('plays in order, at most once, under arbitrary arrival orders and timing', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.array(fc.record({ delay: fc.integer({ min: 0, max: 400 }), lost: fc.boolean(), dup: fc.boolean() }), { minLength: 20, maxLength: 300 }),
        (seq0, ts0, net) => {
          const jb = new JitterBuffer({ maxDelayMs: 300 });
          const arrivals: { seq: number; ts: number; at: number }[] = [];
          net.forEach((n, i) => {
            if (n.lost && i % 3 !== 0) return;
            const a = { seq: (seq0 + i) & 0xffff, ts: (ts0 + 160 * i) >>> 0, at: 20 * i + n.delay };
            arrivals.push(a);
            if (n.dup) arrivals.push({ ...a, at: a.at + 1 });
          });
          arrivals.sort((x, y) => x.at - y.at);
          const played: number[] = [];
          let next = 0;
          for (let now = 0; now < 20 * net.length + 1000; now += 20) {
            while (next < arrivals.length && arrivals[next]!.at <= now) {
              const a = arrivals[next++]!;
              const payload = new Uint8Array(4);
              new DataView(payload.buffer).setUint32(0, a.ts);
              jb.push({ sequenceNumber: a.seq, timestamp: a.ts, marker: false, payloadType: 0, ssrc: 7, payload }, a.at);
            }
            const f = jb.pop(now);
            expect(jb.size).toBeLessThanOrEqual(256);
            if (f.kind === 'frame') {
              expect(f.playoutDelayMs).toBeGreaterThanOrEqual(0);
              played.push(new DataView(f.payload.buffer, f.payload.byteOffset, 4).getUint32(0));
            }
          }
          // Timestamps relative to the first, unwrapped: strictly increasing means in order and no repeats.
          const rel = played.map((t) => (t - ts0) >>> 0);
          for (let i = 1; i < rel.length; i++) expect(rel[i]!).toBeGreaterThan(rel[i - 1]!);
          const s = jb.stats;
          expect(s.played).toBe(played.length);
          // Every arrival is accounted for at most once (skipped counts frame slots, with or without a packet).
          expect(s.played + s.lateDropped + s.duplicates + s.overflowDropped).toBeLessThanOrEqual(arrivals.length);
        },
      ),
      { numRuns: 150 },
    );
  });
});
