/**
 * Sender pacing under main-thread load (issue 4, "Performance"): while the
 * main thread is busy 5 ms in every 50 ms (as SIP parsing, the LCD and the web
 * admin will make it), three senders run for `--seconds` (default 60):
 *
 * - the media worker's stream (drift-free FrameScheduler in its own thread),
 *   twice, in two workers: on Node timers alone, and with the precise final
 *   wait (`--final-wait MS`, default 2: the timer is armed that long before
 *   each deadline and Atomics.wait sleeps the rest), each with the CPU time
 *   its thread used,
 * - the same FrameScheduler on the busy main thread,
 * - a naive setInterval(20) sender on the main thread.
 *
 * A third, idle thread receives every packet on 127.0.0.1 and timestamps it,
 * so all three are measured the same way. Deviation is each packet's arrival
 * minus its slot on the ideal 20 ms grid (slot = RTP timestamp / 160, so a
 * skipped frame is not counted as lateness of the next one; the grid is
 * anchored at the earliest packet of the first second). Drift is how far the
 * median deviation of the last second moved from that of the first.
 *
 *   node --import tsx test/firmware/media/pacing.bench.ts --seconds 10 [--priority -10]
 *   chrt -r 10 node --import tsx test/firmware/media/pacing.bench.ts   # as the device runs it
 *
 * The machine's other load counts too: the figures are only meaningful next
 * to the load average printed with them. On the device the systemd unit gives
 * the phone real-time scheduling (SCHED_RR); `chrt -r 10` models that here,
 * and is what separates the worker (which then meets the target) from the
 * main-thread scheduler (which still waits behind the 5 ms of busy work).
 */
import { createSocket } from 'node:dgram';
import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { MediaEngine } from '../../../firmware/media/stream/index.js';
import { FrameScheduler } from '../../../firmware/media/clock/index.js';
import { SystemClock } from '../../../firmware/clock/index.js';
import { writeRtpHeader } from '../../../firmware/media/rtp/index.js';
import { percentile, printBench } from '../../support/bench-report.js';

function argSeconds(): number {
  const i = process.argv.indexOf('--seconds');
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number(process.env.DESKPHONE_BENCH_SECONDS ?? 60);
  return Number.isFinite(v) && v > 0 ? v : 60;
}

const SECONDS = argSeconds();
/** `--priority -10`: the media thread's nice value, as the device's systemd unit allows (needs CAP_SYS_NICE). */
const PRIORITY = process.argv.includes('--priority') ? Number(process.argv[process.argv.indexOf('--priority') + 1]) : undefined;
/** `--final-wait 2`: the precise worker's final wait (FrameScheduler finalWait), ms. */
const FINAL_WAIT = process.argv.includes('--final-wait') ? Number(process.argv[process.argv.indexOf('--final-wait') + 1]) : 2;
const FRAME = 160;
const PERIOD = 20;

/** The receiver thread: binds one socket per sender, records (arrival ms since epoch, RTP timestamp, PT). */
const RECEIVER = `
const { parentPort } = require('node:worker_threads');
const dgram = require('node:dgram');
const names = ['worker', 'worker-precise', 'main-scheduler', 'naive'];
const logs = {};
let ready = 0;
const ports = {};
for (const n of names) {
  logs[n] = [];
  const s = dgram.createSocket('udp4');
  s.on('message', (m) => {
    const pt = m[1] & 0x7f;
    if (pt >= 72 && pt <= 76) return; // RTCP (rtcp-mux)
    logs[n].push(performance.timeOrigin + performance.now(), m.readUInt32BE(4));
  });
  s.bind(0, '127.0.0.1', () => {
    ports[n] = s.address().port;
    if (++ready === names.length) parentPort.postMessage({ ports });
  });
}
parentPort.on('message', () => parentPort.postMessage({ logs }));
`;

function busyLoad(): () => void {
  const clock = new SystemClock();
  const t = setInterval(() => {
    const until = clock.now() + 5;
    while (clock.now() < until) {
      /* the main thread is parsing SIP, drawing the LCD, serving the web page */
    }
  }, 50);
  return () => clearInterval(t);
}

function mainSender(port: number, ssrc: number): { send: () => void; count: () => number; times: number[]; close: () => void } {
  const sock = createSocket('udp4');
  const buf = Buffer.alloc(12 + FRAME);
  const times: number[] = [];
  let seq = 0;
  let ts = 0;
  let n = 0;
  return {
    times,
    close: () => sock.close(),
    send: () => {
      times.push(performance.now());
      writeRtpHeader(buf, 0, n === 0, seq, ts, ssrc);
      sock.send(buf, port, '127.0.0.1');
      seq = (seq + 1) & 0xffff;
      ts = (ts + FRAME) >>> 0;
      n++;
    },
    count: () => n,
  };
}

interface Result {
  name: string;
  p50: number;
  p99: number;
  max: number;
  drift: number;
  packets: number;
  expected: number;
}

function analyse(name: string, log: number[]): Result {
  const t: number[] = [];
  const k: number[] = [];
  const ts0 = log[1]!;
  for (let i = 0; i < log.length; i += 2) {
    t.push(log[i]!);
    k.push(((log[i + 1]! - ts0) >>> 0) / FRAME);
  }
  const firstSecond = k.filter((x) => x < 1000 / PERIOD).length;
  let anchor = Infinity;
  for (let i = 0; i < firstSecond; i++) anchor = Math.min(anchor, t[i]! - PERIOD * k[i]!);
  const dev = t.map((ti, i) => ti - (anchor + PERIOD * k[i]!));
  const sorted = Float64Array.from(dev).sort();
  const median = (xs: number[]): number => Float64Array.from(xs).sort()[xs.length >> 1]!;
  const perSecond = 1000 / PERIOD;
  const drift = median(dev.slice(-perSecond)) - median(dev.slice(0, perSecond));
  return {
    name,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1]!,
    drift,
    packets: t.length,
    expected: Math.round((SECONDS * 1000) / PERIOD),
  };
}

async function main(): Promise<void> {
  const receiver = new Worker(RECEIVER, { eval: true });
  const { ports } = await new Promise<{ ports: Record<string, number> }>((r) => receiver.once('message', r));
  const engine = await MediaEngine.start({ finalWaitMs: 0, ...(PRIORITY !== undefined && { priority: PRIORITY }) });
  if (engine.priority) console.log(`media thread priority ${engine.priority.requested}: ${engine.priority.applied ? 'applied' : `not applied (${engine.priority.error})`}`);
  const precise = await MediaEngine.start({ finalWaitMs: FINAL_WAIT, ...(PRIORITY !== undefined && { priority: PRIORITY }) });
  const stopLoad = busyLoad();
  const clock = new SystemClock();

  const stream = await engine.openStream({
    remote: { address: '127.0.0.1', port: ports['worker']! },
    codec: 'PCMU',
    payloadType: 0,
    rtcpMux: true,
    cname: 'bench@deskphone',
    audio: { kind: 'silent' },
  });
  const preciseStream = await precise.openStream({
    remote: { address: '127.0.0.1', port: ports['worker-precise']! },
    codec: 'PCMU',
    payloadType: 0,
    rtcpMux: true,
    cname: 'bench-precise@deskphone',
    audio: { kind: 'silent' },
  });
  const cpuBefore = [await engine.threadCpuMs(), await precise.threadCpuMs()];
  // The same drift-free scheduler on the busy main thread; skipped frames advance the timestamp, as in the stream.
  let schedTs = 0;
  let schedSeq = 0;
  const schedSock = createSocket('udp4');
  const schedBuf = Buffer.alloc(12 + FRAME);
  const mainScheduler = new FrameScheduler(clock, PERIOD, (tick) => {
    schedulerTimes.push(tick.lateMs);
    schedTs = (schedTs + tick.skipped * FRAME) >>> 0;
    writeRtpHeader(schedBuf, 0, false, schedSeq, schedTs, 2);
    schedSock.send(schedBuf, ports['main-scheduler']!, '127.0.0.1');
    schedSeq = (schedSeq + 1) & 0xffff;
    schedTs = (schedTs + FRAME) >>> 0;
  });
  mainScheduler.begin();
  const naive = mainSender(ports['naive']!, 3);
  const schedulerTimes: number[] = [];
  const interval = setInterval(naive.send, PERIOD);

  console.log(`pacing: ${SECONDS} s, main thread busy 5 ms every 50 ms; load average before: ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));

  clearInterval(interval);
  mainScheduler.stop();
  const cpuAfter = [await engine.threadCpuMs(), await precise.threadCpuMs()];
  const workerStats = await stream.close();
  const preciseStats = await preciseStream.close();
  stopLoad();
  await new Promise((r) => setTimeout(r, 100));
  receiver.postMessage('done');
  const { logs } = await new Promise<{ logs: Record<string, number[]> }>((r) => receiver.once('message', r));
  await receiver.terminate();
  await engine.stop();
  await precise.stop();
  schedSock.close();

  naive.close();

  // In the sending thread: each send's lateness against its own grid (the scheduler's tick
  // lateness; for setInterval, its send times against the grid of its first second).
  const inThread = (name: string, dev: number[]): { name: string; p50: number; p99: number; max: number } => {
    const sorted = Float64Array.from(dev, Math.abs).sort();
    return { name, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1]! };
  };
  const naiveTimes = naive.times;
  let anchor = Infinity;
  for (let k = 0; k < Math.min(naiveTimes.length, 1000 / PERIOD); k++) anchor = Math.min(anchor, naiveTimes[k]! - PERIOD * k);
  const t = workerStats.timing;
  const tp = preciseStats.timing;
  const preciseName = `worker, ${FINAL_WAIT} ms final wait`;
  const sending = [
    { name: 'worker scheduler', p50: t.lateP50Ms ?? NaN, p99: t.lateP99Ms ?? NaN, max: t.maxLateMs ?? NaN },
    { name: preciseName, p50: tp.lateP50Ms ?? NaN, p99: tp.lateP99Ms ?? NaN, max: tp.maxLateMs ?? NaN },
    inThread('main-thread scheduler', schedulerTimes),
    inThread('setInterval(20)', naiveTimes.map((ti, k) => ti - (anchor + PERIOD * k))),
  ];
  const received = [
    analyse('worker scheduler', logs['worker']!),
    analyse(preciseName, logs['worker-precise']!),
    analyse('main-thread scheduler', logs['main-scheduler']!),
    analyse('setInterval(20)', logs['naive']!),
  ];
  const base = 'setInterval(20)';
  for (const [title, key] of [
    ['send deviation p50, in the sending thread (ms from the 20 ms grid)', 'p50'],
    ['send deviation p99, in the sending thread (target < 2 ms for the worker)', 'p99'],
    ['send deviation max, in the sending thread', 'max'],
  ] as const) {
    printBench(
      title,
      sending.map((r) => ({ name: r.name, value: r[key], unit: 'ms' })),
      base,
    );
  }
  printBench(
    `drift after ${SECONDS} s, at an idle receiver thread (target 0)`,
    received.map((r) => ({ name: r.name, value: r.drift, unit: 'ms' })),
    base,
  );
  printBench(
    'arrival deviation p99 at the receiver thread (adds the receiver\'s own scheduling)',
    received.map((r) => ({ name: r.name, value: r.p99, unit: 'ms' })),
    base,
  );
  printBench(
    'packets received / expected',
    received.map((r) => ({ name: r.name, value: r.packets, unit: 'pkts', note: `of ${r.expected}` })),
    base,
  );
  const cpu = (i: number): number => ((cpuAfter[i] ?? NaN) - (cpuBefore[i] ?? NaN)) / SECONDS / 10; // ms per s → % of a core
  printBench(
    'media thread CPU (% of one core, schedstat)',
    [
      { name: 'worker scheduler', value: cpu(0), unit: '%' },
      { name: preciseName, value: cpu(1), unit: '%' },
    ],
    'worker scheduler',
  );
  console.log(`frames skipped: worker ${t.skippedFrames ?? 0}, ${preciseName} ${tp.skippedFrames ?? 0}; load average after: ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

await main();
