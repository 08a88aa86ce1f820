import { describe, expect, it } from 'vitest';
import { JitterBuffer, type JitterBufferOptions, type PushVerdict } from '../../../../firmware/media/jitter/index.js';

/** A packet row in the style of baresip's test/jbuf.c: what arrives when, and what push() must say. */
interface Row {
  seq: number;
  ts: number;
  arrivalMs: number;
  marker?: boolean;
  ssrc?: number;
  pt?: number;
  expect?: PushVerdict;
}

/** A pop row: when the playout clock asks, and what it must get ('frame:SEQ', 'conceal', 'stretch', 'silence'). */
interface Pop {
  atMs: number;
  expect: string;
}

function packet(r: Row) {
  const payload = new Uint8Array(160).fill(r.seq & 0xff); // payload bytes tag the sequence number
  return { sequenceNumber: r.seq & 0xffff, timestamp: r.ts >>> 0, marker: r.marker ?? false, payloadType: r.pt ?? 0, ssrc: r.ssrc ?? 0x1234, payload };
}

function describePop(jb: JitterBuffer, atMs: number): string {
  const f = jb.pop(atMs);
  if (f.kind === 'frame') return `frame:${f.payload[0]}`;
  if (f.kind === 'conceal') return f.stretched ? 'stretch' : 'conceal';
  return 'silence';
}

/** Interleaves rows and pops by time (pushes first at equal times) and checks every expectation. */
function play(options: JitterBufferOptions, rows: Row[], pops: Pop[]): JitterBuffer {
  const jb = new JitterBuffer(options);
  const events = [...rows.map((r) => ({ t: r.arrivalMs, order: 0, r })), ...pops.map((p) => ({ t: p.atMs, order: 1, p }))].sort((a, b) => a.t - b.t || a.order - b.order);
  const got: string[] = [];
  const want: string[] = [];
  for (const e of events) {
    if ('r' in e && e.r) {
      const v = jb.push(packet(e.r), e.r.arrivalMs);
      got.push(`push ${e.r.seq}@${e.t}: ${v}`);
      want.push(`push ${e.r.seq}@${e.t}: ${e.r.expect ?? 'queued'}`);
    } else if ('p' in e && e.p) {
      got.push(`pop@${e.t}: ${describePop(jb, e.t)}`);
      want.push(`pop@${e.t}: ${e.p.expect}`);
    }
  }
  expect(got).toEqual(want);
  return jb;
}

// A fixed 40 ms target (min = max) so the rows pin down ordering, loss and lateness, not adaptation.
const fixed40: JitterBufferOptions = { minDelayMs: 40, initialDelayMs: 40, maxDelayMs: 40 };
const pops = (start: number, expects: string[]): Pop[] => expects.map((e, i) => ({ atMs: start + 20 * i, expect: e }));

describe('jitter buffer timing', () => {
  it('starts playing once the first packet has waited the target delay, then plays in order', () => {
    play(
      fixed40,
      [0, 1, 2, 3, 4].map((i) => ({ seq: 100 + i, ts: 1000 + 160 * i, arrivalMs: 20 * i })),
      pops(5, ['silence', 'silence', 'frame:100', 'frame:101', 'frame:102', 'frame:103', 'frame:104']),
    );
  });

  it('puts reordered packets back in sequence', () => {
    play(
      fixed40,
      [
        { seq: 0, ts: 0, arrivalMs: 0 },
        { seq: 2, ts: 320, arrivalMs: 41 },
        { seq: 1, ts: 160, arrivalMs: 42 },
        { seq: 4, ts: 640, arrivalMs: 81 },
        { seq: 3, ts: 480, arrivalMs: 82 },
      ],
      pops(45, ['frame:0', 'frame:1', 'frame:2', 'frame:3', 'frame:4']),
    );
  });

  it('counts a duplicate and plays it once, also when it comes after its frame was played', () => {
    const jb = play(
      fixed40,
      [
        { seq: 0, ts: 0, arrivalMs: 0 },
        { seq: 1, ts: 160, arrivalMs: 20 },
        { seq: 1, ts: 160, arrivalMs: 21, expect: 'duplicate' },
        { seq: 2, ts: 320, arrivalMs: 40 },
        { seq: 0, ts: 0, arrivalMs: 50, expect: 'duplicate' },
      ],
      pops(45, ['frame:0', 'frame:1', 'frame:2']),
    );
    expect(jb.stats.duplicates).toBe(2);
  });

  it('conceals a lost packet in its slot and carries on with the next', () => {
    const jb = play(
      fixed40,
      [0, 1, 3, 4].map((i) => ({ seq: i, ts: 160 * i, arrivalMs: 20 * i })),
      pops(45, ['frame:0', 'frame:1', 'conceal', 'frame:3', 'frame:4']),
    );
    expect(jb.stats.concealed).toBe(1);
  });

  it('drops a packet that arrives after its playout time as late', () => {
    const jb = play(
      fixed40,
      [
        { seq: 0, ts: 0, arrivalMs: 0 },
        { seq: 1, ts: 160, arrivalMs: 20 },
        { seq: 3, ts: 480, arrivalMs: 60 },
        { seq: 2, ts: 320, arrivalMs: 90, expect: 'late' }, // its frame was due at 85
      ],
      pops(45, ['frame:0', 'frame:1', 'conceal', 'frame:3']),
    );
    expect(jb.stats.lateDropped).toBe(1);
  });

  it('resyncs on an SSRC change: the new stream starts after the target delay', () => {
    play(
      fixed40,
      [
        { seq: 0, ts: 0, arrivalMs: 0 },
        { seq: 1, ts: 160, arrivalMs: 20 },
        { seq: 500, ts: 90000, arrivalMs: 40, ssrc: 0x9999 },
        { seq: 501, ts: 90160, arrivalMs: 60, ssrc: 0x9999 },
        { seq: 502, ts: 90320, arrivalMs: 80, ssrc: 0x9999 },
      ],
      pops(45, ['silence', 'silence', 'frame:244', 'frame:245']), // 500 & 0xff = 244
    );
  });

  it('re-anchors after a pause, so a talk spurt that was playing too late starts the next one at the target', () => {
    // Playout starts 125 ms late; in speech the buffer sheds at most one frame per 200 ms,
    // so spurt 1 stays late. The pause is concealed for 100 ms, then the buffer waits
    // silently for the next talk spurt, which plays 45 ms after its send time.
    const rows: Row[] = [
      ...[0, 1, 2, 3, 4, 5].map((i) => ({ seq: i, ts: 160 * i, arrivalMs: 20 * i })),
      { seq: 6, ts: 8000, arrivalMs: 1000, marker: true },
      { seq: 7, ts: 8160, arrivalMs: 1020 },
    ];
    const want = ['frame:1', 'frame:2', 'frame:3', 'frame:4', 'frame:5', ...Array(5).fill('conceal'), ...Array(34).fill('silence'), 'frame:6', 'frame:7'];
    play({ minDelayMs: 40, initialDelayMs: 40, maxDelayMs: 400, speechCompressIntervalMs: 200 }, rows, pops(165, want));
  });

  it('resyncs on a timestamp jump instead of waiting for the old timeline', () => {
    const jb = play(
      fixed40,
      [
        { seq: 0, ts: 0, arrivalMs: 0 },
        { seq: 1, ts: 160, arrivalMs: 20 },
        { seq: 2, ts: 8_000_000, arrivalMs: 40 },
        { seq: 3, ts: 8_000_160, arrivalMs: 60 },
        { seq: 4, ts: 8_000_320, arrivalMs: 80 },
      ],
      pops(45, ['silence', 'silence', 'frame:2', 'frame:3']),
    );
    expect(jb.stats.timestampJumps).toBe(1);
  });

  it('discards comfort-noise frames at once to shed delay, but cuts speech at most once per interval', () => {
    // Playout starts late (first pop at 200 ms), so the first frame is 160 ms above the 40 ms target.
    const options = { minDelayMs: 40, initialDelayMs: 40, maxDelayMs: 400, speechCompressIntervalMs: 200 };
    const rows = (pt: number) => Array.from({ length: 14 }, (_, i) => ({ seq: i, ts: 160 * i, arrivalMs: 20 * i, pt }));
    const cn = new JitterBuffer(options);
    const speech = new JitterBuffer(options);
    for (const r of rows(13)) cn.push(packet(r), r.arrivalMs);
    for (const r of rows(0)) speech.push(packet(r), r.arrivalMs);
    expect(cn.pop(200).skipped).toBe(8); // 200 ms → 40 ms: back inside [target, target + one frame)
    expect(speech.pop(200).skipped).toBe(1);
    expect(speech.pop(220).skipped).toBe(0); // within the interval: speech is not cut again
    expect(speech.pop(400).skipped).toBe(1);
  });
});

describe('jitter buffer adaptation', () => {
  const base: JitterBufferOptions = { minDelayMs: 20, maxDelayMs: 300, initialDelayMs: 20, peakDecayMs: 2000 };

  it('raises the target at once on a delay spike (fast attack) and lowers it over seconds (slow decay)', () => {
    const jb = new JitterBuffer(base);
    let t = 0;
    for (let i = 0; i < 100; i++, t += 20) jb.push(packet({ seq: i, ts: 160 * i, arrivalMs: t }), t);
    expect(jb.targetDelayMs).toBe(20);
    // A lone straggler 150 ms late is left to the histogram: it does not add 150 ms to the call.
    jb.push(packet({ seq: 100, ts: 16000, arrivalMs: t + 150 }), t + 150);
    expect(jb.targetDelayMs).toBeLessThan(30);
    t += 20;
    // A delay spike: a queue builds for 150 ms and drains, holding up a run of packets.
    for (let i = 101; i < 106; i++, t += 20) {
      const late = 150 - 20 * (i - 101);
      jb.push(packet({ seq: i, ts: 160 * i, arrivalMs: t + late }), t + late);
    }
    expect(jb.targetDelayMs).toBeGreaterThanOrEqual(130);
    for (let i = 106; i < 150; i++, t += 20) jb.push(packet({ seq: i, ts: 160 * i, arrivalMs: t }), t);
    // One second later it has come down only part of the way.
    expect(jb.targetDelayMs).toBeGreaterThan(80);
    // The histogram forgets at 0.1 % per packet: 30 s later the spike no longer sets the target.
    for (let i = 150; i < 1650; i++, t += 20) jb.push(packet({ seq: i, ts: 160 * i, arrivalMs: t }), t);
    expect(jb.targetDelayMs).toBeLessThan(30);
  });

  it('keeps the target between the configured minimum and maximum', () => {
    const jb = new JitterBuffer({ ...base, minDelayMs: 60, maxDelayMs: 120 });
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = 0; i < 500; i++) {
      const at = 20 * i + rnd() * 400;
      jb.push(packet({ seq: i, ts: 160 * i, arrivalMs: at }), at);
      expect(jb.targetDelayMs).toBeGreaterThanOrEqual(60);
      expect(jb.targetDelayMs).toBeLessThanOrEqual(120);
    }
  });

  it('follows a step up in network delay within a few frames, then plays every frame again', () => {
    const jb = new JitterBuffer(base);
    const kinds: string[] = [];
    // From packet 100 on, every packet takes 100 ms longer (a route change).
    const arrival = (i: number) => 20 * i + (i >= 100 ? 100 : 0);
    let next = 0;
    for (let now = 10; now < 6000; now += 20) {
      while (next < 300 && arrival(next) <= now) {
        jb.push(packet({ seq: next, ts: 160 * next, arrivalMs: arrival(next) }), arrival(next));
        next++;
      }
      kinds.push(describePop(jb, now));
    }
    // The 100 ms hole is bridged (concealment, then a re-anchor at the new delay): at most
    // the hole plus one frame is not played from packets.
    const transition = kinds.slice(95, 130);
    expect(transition.filter((k) => !k.startsWith('frame:')).length).toBeLessThanOrEqual(7);
    // Once settled nothing more is lost; when the old fast path has left the 2 s window
    // the target falls back to the new path's jitter (20 ms).
    expect(kinds.slice(130, 290).filter((k) => k === 'conceal' || k === 'silence')).toEqual([]);
    expect(jb.stats.lateDropped).toBeLessThanOrEqual(1);
    expect(jb.targetDelayMs).toBeLessThan(30);
  });

  it('stretches time with synthesized frames when the target rises while packets keep coming', () => {
    const jb = new JitterBuffer({ ...base, maxConcealMs: 1000 });
    let stretched = 0;
    // Delay grows by 10 ms per packet for 10 packets (a queue building), then stays 100 ms higher.
    const arrival = (i: number) => 20 * i + Math.min(100, Math.max(0, 10 * (i - 100)));
    let next = 0;
    for (let now = 10; now < 4000; now += 20) {
      while (next < 200 && arrival(next) <= now) {
        jb.push(packet({ seq: next, ts: 160 * next, arrivalMs: arrival(next) }), arrival(next));
        next++;
      }
      const f = jb.pop(now);
      if (f.stretched) stretched++;
    }
    expect(stretched).toBeGreaterThanOrEqual(3);
    expect(jb.stats.lateDropped).toBeLessThanOrEqual(3);
  });

  for (const skew of [0.02, -0.02]) {
    it(`keeps the delay bounded when the sender's clock is ${skew > 0 ? 'fast' : 'slow'} by 2 %`, () => {
      const jb = new JitterBuffer(base);
      let seq = 0;
      let nextSend = 0;
      const delays: number[] = [];
      // Sender emits a 20 ms packet every 20 / (1 + skew) ms of our time; we pop every 20 ms for 60 s.
      for (let now = 0; now < 60_000; now += 20) {
        while (nextSend <= now) {
          jb.push(packet({ seq, ts: 160 * seq, arrivalMs: nextSend + 30 }), nextSend + 30);
          seq++;
          nextSend = (seq * 20) / (1 + skew);
        }
        const f = jb.pop(now);
        if (f.kind === 'frame') delays.push(f.playoutDelayMs);
      }
      const last = delays.slice(-500);
      expect(Math.max(...last)).toBeLessThan(jb.targetDelayMs + 3 * 20);
      expect(jb.size).toBeLessThan(6);
      expect(jb.stats.lateDropped).toBeLessThan(seq * 0.01);
    });
  }
});

describe('jitter buffer with a far end whose packets are longer than our frame', () => {
  /**
   * The stream pops whole packets into its playout FIFO until it has a frame
   * (media-stream.ts play()); this does the same with 20 ms frames for 3 s
   * while 30 ms packets arrive `transitMs` after they were sent.
   */
  function run(options: JitterBufferOptions, transitMs: number, ms = 3000): JitterBuffer {
    const jb = new JitterBuffer(options);
    let seq = 0;
    let buffered = 0;
    for (let now = 0; now < ms; now += 20) {
      // Packets first at equal times, as in play().
      while (30 * seq + transitMs <= now) {
        jb.push(packet({ seq, ts: 240 * seq, arrivalMs: 30 * seq + transitMs }), 30 * seq + transitMs);
        seq++;
      }
      // Each pop is timed at when its audio plays, after what the FIFO still holds, and says so.
      while (buffered < 160) buffered += jb.pop(now + buffered / 8, buffered / 8).samples;
      buffered -= 160;
    }
    return jb;
  }
  const transits = Array.from({ length: 30 }, (_, ms) => ms); // every phase of the 30 ms packets against our 20 ms grid

  // RFC 3264 §6.1: ptime is only a wish; a far end may send 30 ms packets to our 20 ms frame.
  it('plays every packet when the first one starts playing before the second has arrived', () => {
    // A 10 ms target: the first packet plays alone, so its length cannot be learned from the next one.
    // Before the fix, some phases played the first packet only and concealed the rest of the call.
    for (const transit of transits) {
      const jb = run({ minDelayMs: 10, initialDelayMs: 10, maxDelayMs: 10 }, transit);
      expect({ transit, played: jb.stats.played > 95, concealed: jb.stats.concealed, late: jb.stats.lateDropped }).toEqual({ transit, played: true, concealed: 0, late: 0 });
    }
  });

  it('plays every packet with the default adaptive target', () => {
    for (const transit of transits) {
      const jb = run({}, transit);
      expect({ transit, played: jb.stats.played > 95, concealed: jb.stats.concealed, late: jb.stats.lateDropped }).toEqual({ transit, played: true, concealed: 0, late: 0 });
    }
  });

  it('keeps in hand the lead with which the consumer takes packets, so none arrives late on a steady network', () => {
    // A 30 ms packet is taken while 10 ms of the last one still play. With no network jitter the
    // target decays to the minimum (0), and without the lead a third of the packets arrived
    // "late" in a third of the phases of a 20 s call.
    for (const transit of transits) {
      const jb = run({}, transit, 20_000);
      expect({ transit, late: jb.stats.lateDropped, concealed: jb.stats.concealed }).toEqual({ transit, late: 0, concealed: 0 });
    }
  });

  it('adds no delay for a consumer whose frames match the packets (no lead)', () => {
    const jb = new JitterBuffer({});
    for (let k = 0; k < 500; k++) {
      jb.push(packet({ seq: k, ts: 160 * k, arrivalMs: 20 * k + 5 }), 20 * k + 5);
      jb.pop(20 * k + 5);
    }
    expect(jb.stats.lateDropped).toBe(0);
    expect(jb.currentDelayMs).toBeLessThan(jb.targetDelayMs + 20);
  });
});
