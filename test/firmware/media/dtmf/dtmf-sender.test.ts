import { describe, expect, it } from 'vitest';
import { DtmfBusyError, DtmfSender, TelephoneEvent } from '../../../../firmware/media/dtmf/index.js';
import type { DtmfPacket } from '../../../../firmware/media/dtmf/index.js';

interface Row {
  ts: number;
  marker: boolean;
  event: number;
  end: boolean;
  duration: number;
}

/** Runs the sender for `frames` intervals from RTP timestamp `ts0`, one frame = 160 samples. */
function run(sender: DtmfSender, frames: number, ts0 = 1000): Array<Row | null> {
  const out: Array<Row | null> = [];
  for (let i = 0; i < frames; i++) {
    const p: DtmfPacket | null = sender.next((ts0 + i * 160) >>> 0);
    if (p === null) {
      out.push(null);
      continue;
    }
    const parsed = TelephoneEvent.parse(p.payload);
    expect(parsed.duration).toBe(p.duration);
    expect(parsed.end).toBe(p.end);
    out.push({ ts: p.timestamp, marker: p.marker, event: parsed.event, end: parsed.end, duration: parsed.duration });
  }
  return out;
}

describe('DtmfSender (RFC 4733 §2.5.1)', () => {
  it('sends a 100 ms digit as updates every ptime with the same timestamp, marker first, and three end packets', () => {
    const s = new DtmfSender();
    s.enqueue('5');
    expect(run(s, 8)).toEqual([
      { ts: 1000, marker: true, event: 5, end: false, duration: 160 },
      { ts: 1000, marker: false, event: 5, end: false, duration: 320 },
      { ts: 1000, marker: false, event: 5, end: false, duration: 480 },
      { ts: 1000, marker: false, event: 5, end: false, duration: 640 },
      { ts: 1000, marker: false, event: 5, end: true, duration: 800 },
      { ts: 1000, marker: false, event: 5, end: true, duration: 800 },
      { ts: 1000, marker: false, event: 5, end: true, duration: 800 },
      null,
    ]);
    expect(s.busy).toBe(true); // the inter-digit gap
    run(s, 2);
    expect(s.busy).toBe(false);
  });

  it('separates queued digits by a gap and gives each its own timestamp', () => {
    const s = new DtmfSender({ digitMs: 60, gapMs: 40 });
    s.enqueue('1#');
    const rows = run(s, 14);
    const starts = rows.filter((r): r is Row => r !== null && r.marker);
    expect(starts.map((r) => r.event)).toEqual([1, 11]);
    expect(starts[1]!.ts - starts[0]!.ts).toBe(160 * (3 + 2 + 2));
    expect(rows.slice(5, 7)).toEqual([null, null]);
  });

  it('uses the update interval of the stream ptime (30 ms)', () => {
    const s = new DtmfSender({ ptimeMs: 30 });
    s.enqueue('9', 90);
    const rows: Array<Row | null> = [];
    for (let i = 0; i < 5; i++) {
      const p = s.next(240 * i);
      rows.push(p && { ts: p.timestamp, marker: p.marker, event: p.event, end: p.end, duration: p.duration });
    }
    expect(rows.map((r) => r?.duration)).toEqual([240, 480, 720, 720, 720]);
    expect(rows.map((r) => r?.end)).toEqual([false, false, true, true, true]);
  });

  it('holds a key for as long as it is down, and ends at the next interval after release', () => {
    const s = new DtmfSender();
    s.keyDown('*');
    const a = run(s, 10);
    expect(a.every((r) => r !== null && !r.end)).toBe(true);
    expect(a[9]!.duration).toBe(1600);
    s.keyUp();
    const b = run(s, 3, 1000 + 1600);
    expect(b.map((r) => r && [r.end, r.duration])).toEqual([
      [true, 1760],
      [true, 1760],
      [true, 1760],
    ]);
    expect(b.every((r) => r!.ts === 1000)).toBe(true);
  });

  it('sends a key tapped shorter than the minimum for the minimum 40 ms', () => {
    const s = new DtmfSender();
    s.keyDown('3');
    s.keyUp();
    expect(run(s, 2).map((r) => r && [r.duration, r.end])).toEqual([
      [160, false],
      [320, true],
    ]);
  });

  it('refuses a second held key while one is down', () => {
    const s = new DtmfSender();
    s.keyDown('1');
    expect(() => s.keyDown('2')).toThrow(DtmfBusyError);
  });

  it('splits an event longer than 0xFFFF samples into segments (§2.5.1.3)', () => {
    const s = new DtmfSender();
    s.keyDown('0');
    const ts0 = 0xfffff000; // also crosses the 32-bit timestamp wrap
    const frames = 420; // 8.4 s
    const rows = run(s, frames, ts0);
    const i = rows.findIndex((r) => r!.duration === 0xffff);
    expect(i).toBe(409); // 410 × 160 = 65 600 > 65 535
    expect(rows[i]!.ts).toBe(ts0);
    expect(rows[i + 1]).toEqual({ ts: (ts0 + 0xffff) >>> 0, marker: false, event: 0, end: false, duration: 65600 + 160 - 0xffff });
    expect(rows.filter((r) => r!.marker)).toHaveLength(1);
    s.keyUp();
    const [end] = run(s, 1, ts0 + frames * 160);
    expect(end).toMatchObject({ ts: (ts0 + 0xffff) >>> 0, end: true, duration: (frames + 1) * 160 - 0xffff });
  });

  it('ends the current digit cleanly and drops the rest on cancel()', () => {
    const s = new DtmfSender();
    s.enqueue('123');
    run(s, 2);
    s.cancel();
    const rows = run(s, 12);
    expect(rows.slice(0, 3).map((r) => r && [r.event, r.end, r.duration])).toEqual([
      [1, true, 480],
      [1, true, 480],
      [1, true, 480],
    ]);
    expect(rows.slice(3).every((r) => r === null)).toBe(true);
  });
});
