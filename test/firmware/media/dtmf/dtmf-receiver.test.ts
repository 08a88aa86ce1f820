import { describe, expect, it } from 'vitest';
import { DtmfReceiver, DtmfSender, writeTelephoneEvent } from '../../../../firmware/media/dtmf/index.js';
import type { DtmfReceiverReport } from '../../../../firmware/media/dtmf/index.js';

interface Pkt {
  payload: Uint8Array;
  ts: number;
  marker: boolean;
  atMs: number;
}

/** Everything a sender puts on the wire for `digits`, one interval per 20 ms. */
function wire(digits: string, ts0 = 5000, opts: { digitMs?: number; holdMs?: number } = {}): Pkt[] {
  const s = new DtmfSender({ digitMs: opts.digitMs ?? 100 });
  if (opts.holdMs === undefined) s.enqueue(digits);
  else s.keyDown(digits);
  const out: Pkt[] = [];
  for (let i = 0; i < 2000 && (s.busy || i === 0); i++) {
    if (opts.holdMs !== undefined && i * 20 >= opts.holdMs) s.keyUp();
    const p = s.next(ts0 + i * 160);
    if (p) out.push({ payload: Uint8Array.from(p.payload), ts: p.timestamp, marker: p.marker, atMs: i * 20 });
  }
  return out;
}

function receive(packets: Pkt[], pollUntilMs?: number): { reports: DtmfReceiverReport[]; rx: DtmfReceiver } {
  const reports: DtmfReceiverReport[] = [];
  const rx = new DtmfReceiver((r) => reports.push(r));
  let now = 0;
  for (const p of packets) {
    now = p.atMs;
    rx.poll(now);
    rx.push(p.payload, p.ts, p.marker, now);
  }
  if (pollUntilMs !== undefined) for (let t = now; t <= pollUntilMs; t += 20) rx.poll(t);
  return { reports, rx };
}

const digitsOf = (reports: DtmfReceiverReport[]): string =>
  reports.filter((r) => r.type === 'begin').map((r) => r.digit).join('');

describe('DtmfReceiver', () => {
  it('reports each digit once although every event has many updates and three end packets', () => {
    const { reports, rx } = receive(wire('159#'));
    expect(digitsOf(reports)).toBe('159#');
    const ends = reports.filter((r) => r.type === 'end');
    expect(ends.map((r) => [r.digit, r.durationMs, r.endSeen])).toEqual([
      ['1', 100, true],
      ['5', 100, true],
      ['9', 100, true],
      ['#', 100, true],
    ]);
    expect(rx.counters.duplicates).toBe(8);
  });

  it('still reports a digit whose first packets (with the marker) were lost', () => {
    const packets = wire('7').filter((_, i) => i >= 2);
    const { reports } = receive(packets);
    expect(reports.map((r) => [r.type, r.digit])).toEqual([
      ['begin', '7'],
      ['end', '7'],
    ]);
  });

  it('reports a digit seen only through its end packets', () => {
    const packets = wire('4').filter((p) => (p.payload[1]! & 0x80) !== 0);
    const { reports } = receive(packets);
    expect(reports.map((r) => [r.type, r.digit])).toEqual([
      ['begin', '4'],
      ['end', '4'],
    ]);
  });

  it('ends a digit whose end packets were all lost, after the soft-state timeout', () => {
    const packets = wire('2').filter((p) => (p.payload[1]! & 0x80) === 0);
    const { reports } = receive(packets, 1000);
    expect(reports.map((r) => [r.type, r.digit])).toEqual([
      ['begin', '2'],
      ['end', '2'],
    ]);
    expect(reports[1]).toMatchObject({ endSeen: false, durationMs: 80 });
  });

  it('ends the previous digit when the next one starts before its end arrived', () => {
    const packets = wire('34').filter((p) => !((p.payload[1]! & 0x80) !== 0 && p.payload[0] === 3));
    const { reports } = receive(packets);
    expect(reports.map((r) => `${r.type}:${r.digit}`)).toEqual(['begin:3', 'end:3', 'begin:4', 'end:4']);
  });

  it('ignores duplicated and reordered packets of a finished event', () => {
    const p = wire('8');
    const shuffled = [...p, p[1]!, p[p.length - 1]!, p[0]!];
    const { reports, rx } = receive(shuffled);
    expect(digitsOf(reports)).toBe('8');
    expect(reports).toHaveLength(2);
    expect(rx.counters.duplicates + rx.counters.late).toBe(2 + 3);
  });

  it('treats a long event sent in 0xFFFF segments as one digit with its whole duration', () => {
    const packets = wire('0', 0xffff0000, { holdMs: 10_000 });
    const { reports } = receive(packets);
    expect(reports.map((r) => `${r.type}:${r.digit}`)).toEqual(['begin:0', 'end:0']);
    expect(reports[1]!.type === 'end' && reports[1]!.durationMs).toBe(10_020);
    expect(reports[0]!.timestamp).toBe(0xffff0000);
  });

  it('counts a truncated payload as malformed without throwing', () => {
    const reports: DtmfReceiverReport[] = [];
    const rx = new DtmfReceiver((r) => reports.push(r));
    rx.push(Uint8Array.from([1, 2]), 0, true, 0);
    expect(rx.counters.malformed).toBe(1);
    expect(reports).toEqual([]);
  });

  it('reports non-digit events (flash) with their code', () => {
    const reports: DtmfReceiverReport[] = [];
    const rx = new DtmfReceiver((r) => reports.push(r));
    rx.push(writeTelephoneEvent(new Uint8Array(4), 16, true, 10, 1600), 100, true, 0);
    expect(reports[0]).toEqual({ type: 'begin', digit: undefined, event: 16, timestamp: 100 });
  });
});
