/**
 * Jitter buffer on synthetic network traces (issue 4, performance): mean and
 * 95th-percentile playout delay (arrival → playout) and late-loss rate, beside
 * an oracle that knows every arrival in advance and plays each packet at its
 * send time + D, with D the smallest fixed delay that keeps late loss under 1 %.
 * Target: our mean ≤ 1.3 × oracle mean + 10 ms, late loss ≤ 1 %, bounded delay
 * under clock skew (the 'last 10 s' figure). Our figures average four playout-clock phases. Traces are seeded, so every run sees the same network.
 * Run: npm run bench -- jitter
 */
import { JitterBuffer } from '../../../firmware/media/jitter/index.js';
import { percentile, printBench } from '../../support/bench-report.js';

const FRAME_MS = 20;
const DURATION_MS = 120_000;

interface Trace {
  name: string;
  description: string;
  /** Send time on the sender's clock (ms) → RTP timestamp; arrival on ours; undefined = lost in the network. */
  packets: { sendMs: number; arrivalMs: number | undefined }[];
}

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const uniform = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, gaussian };
}

function trace(name: string, description: string, seed: number, delayMs: (i: number, r: ReturnType<typeof rng>) => number, options: { loss?: number; skew?: number } = {}): Trace {
  const r = rng(seed);
  const packets: Trace['packets'] = [];
  const n = DURATION_MS / FRAME_MS;
  for (let i = 0; i < n; i++) {
    const sendMs = i * FRAME_MS;
    // A sender whose clock runs fast by `skew` emits its 20 ms frames every 20/(1+skew) ms of ours.
    const sentAtOurs = sendMs / (1 + (options.skew ?? 0));
    const lost = r.uniform() < (options.loss ?? 0);
    const d = delayMs(i, r);
    packets.push({ sendMs, arrivalMs: lost ? undefined : sentAtOurs + d });
  }
  return { name, description, packets };
}

/** Delay spikes: every ~6 s a queue builds to 150–300 ms and drains at line rate (packets bunch up). */
function bursty(seed: number) {
  const r = rng(seed ^ 0x5a5a);
  let spikeLeft = 0;
  let spike = 0;
  return (_i: number, g: ReturnType<typeof rng>) => {
    if (spikeLeft <= 0 && r.uniform() < FRAME_MS / 6000) {
      spike = 150 + 150 * r.uniform();
      spikeLeft = spike;
    }
    const extra = Math.max(0, spikeLeft);
    spikeLeft -= FRAME_MS; // the queue drains one frame time per packet: packets arrive back to back
    return 40 + Math.abs(5 * g.gaussian()) + extra;
  };
}

const gaussian = (sigma: number) => (_i: number, g: ReturnType<typeof rng>) => Math.max(20, 40 + 2 * sigma + sigma * g.gaussian());

const traces: Trace[] = [
  trace('no jitter', 'constant 40 ms', 1, () => 40),
  trace('gaussian 30 ms', '40 + 60 + N(0, 30²) ms, floor 20', 2, gaussian(30)),
  trace('gaussian 80 ms', '40 + 160 + N(0, 80²) ms, floor 20', 3, gaussian(80)),
  trace('bursty spikes', '40 + |N(0,5²)| ms, 150–300 ms spikes every ~6 s', 4, bursty(4)),
  trace('3 % loss', 'random loss, 40 + |N(0,10²)| ms', 5, (_i, g) => 40 + Math.abs(10 * g.gaussian()), { loss: 0.03 }),
  trace('10 % loss', 'random loss, 40 + |N(0,10²)| ms', 6, (_i, g) => 40 + Math.abs(10 * g.gaussian()), { loss: 0.1 }),
  trace('2 % clock skew', 'sender 2 % fast, 40 + |N(0,10²)| ms', 7, (_i, g) => 40 + Math.abs(10 * g.gaussian()), { skew: 0.02 }),
  trace('-2 % clock skew', 'sender 2 % slow, 40 + |N(0,10²)| ms', 8, (_i, g) => 40 + Math.abs(10 * g.gaussian()), { skew: -0.02 }),
];

interface Result {
  mean: number;
  p95: number;
  /** Received packets discarded because they came after their playout time. */
  lateLoss: number;
  /** Received packets discarded to shorten the delay (time-scaling; unavoidable under +skew). */
  discarded: number;
  /** Playout delay over the last 10 s (bounded under skew?). */
  tailMean: number;
}

function runOurs(t: Trace, phaseMs: number): Result {
  const jb = new JitterBuffer({ frameMs: FRAME_MS });
  const arrivals = t.packets
    .map((p, i) => ({ i, sendMs: p.sendMs, arrivalMs: p.arrivalMs }))
    .filter((p): p is { i: number; sendMs: number; arrivalMs: number } => p.arrivalMs !== undefined)
    .sort((a, b) => a.arrivalMs - b.arrivalMs);
  const payload = new Uint8Array(160);
  const delays: number[] = [];
  const tail: number[] = [];
  let next = 0;
  // The playout clock ticks with some phase relative to the arrivals, as a sound card's would.
  const start = arrivals[0]!.arrivalMs + phaseMs;
  const end = arrivals[arrivals.length - 1]!.arrivalMs + 1000;
  for (let now = start; now < end; now += FRAME_MS) {
    while (next < arrivals.length && arrivals[next]!.arrivalMs <= now) {
      const a = arrivals[next++]!;
      jb.push({ sequenceNumber: a.i & 0xffff, timestamp: (a.sendMs * 8) >>> 0, marker: a.i === 0, payloadType: 0, ssrc: 1, payload }, a.arrivalMs);
    }
    const f = jb.pop(now);
    if (f.kind === 'frame') {
      delays.push(f.playoutDelayMs);
      if (now > end - 11_000) tail.push(f.playoutDelayMs);
    }
  }
  delays.sort((a, b) => a - b);
  return {
    mean: delays.reduce((s, d) => s + d, 0) / delays.length,
    p95: percentile(delays, 95),
    lateLoss: jb.stats.lateDropped / arrivals.length,
    discarded: jb.stats.skipped / arrivals.length,
    tailMean: tail.reduce((s, d) => s + d, 0) / Math.max(1, tail.length),
  };
}

/** Plays packet i at sendMs(ours) + D: the smallest D with < 1 % of received packets late. */
function runOracle(t: Trace, skew: number): Result {
  const received = t.packets.filter((p) => p.arrivalMs !== undefined) as { sendMs: number; arrivalMs: number }[];
  const transit = received.map((p) => p.arrivalMs - p.sendMs / (1 + skew)).sort((a, b) => a - b);
  const allowedLate = Math.ceil(0.01 * transit.length) - 1; // strictly fewer than 1 %
  const d = transit[transit.length - 1 - Math.max(0, allowedLate)]!;
  const delays = received.map((p) => p.sendMs / (1 + skew) + d - p.arrivalMs).filter((x) => x >= 0).sort((a, b) => a - b);
  return {
    mean: delays.reduce((s, x) => s + x, 0) / delays.length,
    p95: percentile(delays, 95),
    lateLoss: 1 - delays.length / received.length,
    discarded: 0,
    tailMean: NaN,
  };
}

/**
 * Playout delay can only change in whole frames, so where the sound card's 20 ms tick
 * falls relative to the arrivals decides up to a frame of it: average four phases.
 */
function runOursAllPhases(t: Trace): Result {
  const runs = [0, 5, 10, 15].map((phase) => runOurs(t, phase));
  const avg = (f: (r: Result) => number) => runs.reduce((s, r) => s + f(r), 0) / runs.length;
  return { mean: avg((r) => r.mean), p95: avg((r) => r.p95), lateLoss: avg((r) => r.lateLoss), discarded: avg((r) => r.discarded), tailMean: avg((r) => r.tailMean) };
}

const skews = [0, 0, 0, 0, 0, 0, 0.02, -0.02];
let met = 0;
traces.forEach((t, k) => {
  const ours = runOursAllPhases(t);
  const oracle = runOracle(t, skews[k]!);
  const budget = 1.3 * oracle.mean + 10;
  const ok = ours.mean <= budget && ours.lateLoss <= 0.01;
  if (ok) met++;
  printBench(
    `jitter buffer: ${t.name} (${t.description}, ${DURATION_MS / 1000} s)`,
    [
      { name: 'oracle mean delay', value: oracle.mean, unit: 'ms', note: `p95 ${oracle.p95.toFixed(1)} ms, late ${(100 * oracle.lateLoss).toFixed(2)} %` },
      {
        name: 'deskphone mean delay',
        value: ours.mean,
        unit: 'ms',
        note: `p95 ${ours.p95.toFixed(1)} ms, late ${(100 * ours.lateLoss).toFixed(2)} %, discarded ${(100 * ours.discarded).toFixed(2)} %, last 10 s ${ours.tailMean.toFixed(1)} ms; budget ${budget.toFixed(1)} ms → ${ok ? 'met' : 'MISSED'}`,
      },
    ],
    'oracle mean delay',
  );
});
console.log(`\njitter buffer: target met on ${met} of ${traces.length} traces`);
