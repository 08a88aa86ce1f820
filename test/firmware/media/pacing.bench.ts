/**
 * Sender pacing under main-thread load (issue 4, "Performance"): while the
 * main thread is busy 5 ms in every 50 ms (as SIP parsing, the LCD and the web
 * admin will make it), three senders run for `--seconds` (default 60):
 *
 * - the media worker's stream (drift-free FrameScheduler in its own thread),
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
 *   node --import tsx test/firmware/media/pacing.bench.ts --seconds 10
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
const FRAME = 160;
const PERIOD = 20;

/** The receiver thread: binds one socket per sender, records (arrival ms since epoch, RTP timestamp, PT). */
const RECEIVER = `
const { parentPort } = require('node:worker_threads');
const dgram = require('node:dgram');
const names = ['worker', 'main-scheduler', 'naive'];
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

function mainSender(port: number, ssrc: number): { send: () => void; count: () => number } {
  const sock = createSocket('udp4');
  const buf = Buffer.alloc(12 + FRAME);
  let seq = 0;
  let ts = 0;
  let n = 0;
  return {
    send: () => {
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
  const engine = await MediaEngine.start();
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
  // The same drift-free scheduler on the busy main thread; skipped frames advance the timestamp, as in the stream.
  let schedTs = 0;
  let schedSeq = 0;
  const schedSock = createSocket('udp4');
  const schedBuf = Buffer.alloc(12 + FRAME);
  const mainScheduler = new FrameScheduler(clock, PERIOD, (tick) => {
    schedTs = (schedTs + tick.skipped * FRAME) >>> 0;
    writeRtpHeader(schedBuf, 0, false, schedSeq, schedTs, 2);
    schedSock.send(schedBuf, ports['main-scheduler']!, '127.0.0.1');
    schedSeq = (schedSeq + 1) & 0xffff;
    schedTs = (schedTs + FRAME) >>> 0;
  });
  mainScheduler.begin();
  const naive = mainSender(ports['naive']!, 3);
  const interval = setInterval(naive.send, PERIOD);

  console.log(`pacing: ${SECONDS} s, main thread busy 5 ms every 50 ms …`);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));

  clearInterval(interval);
  mainScheduler.stop();
  const workerStats = await stream.close();
  stopLoad();
  await new Promise((r) => setTimeout(r, 100));
  receiver.postMessage('done');
  const { logs } = await new Promise<{ logs: Record<string, number[]> }>((r) => receiver.once('message', r));
  await receiver.terminate();
  await engine.stop();
  schedSock.close();

  const results = [analyse('worker scheduler', logs['worker']!), analyse('main-thread scheduler', logs['main-scheduler']!), analyse('setInterval(20)', logs['naive']!)];
  const base = 'setInterval(20)';
  for (const [title, key] of [
    ['send deviation p50 (ms from the 20 ms grid)', 'p50'],
    ['send deviation p99 (target < 2 ms for the worker)', 'p99'],
    ['send deviation max', 'max'],
    [`drift after ${SECONDS} s (target 0)`, 'drift'],
  ] as const) {
    printBench(
      title,
      results.map((r) => ({ name: r.name, value: r[key], unit: 'ms' })),
      base,
    );
  }
  printBench(
    'packets received / expected',
    results.map((r) => ({ name: r.name, value: r.packets, unit: 'pkts', note: `of ${r.expected}` })),
    base,
  );
  console.log(`worker scheduler: ${workerStats.timing.skippedFrames ?? 0} frames skipped, max tick lateness ${(workerStats.timing.maxLateMs ?? 0).toFixed(2)} ms (in-thread)`);
}

await main();
