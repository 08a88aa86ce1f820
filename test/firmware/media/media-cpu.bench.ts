/**
 * CPU of the media thread in a call: two streams in one media worker send
 * RTP to each other over 127.0.0.1 (1 kHz one way, 440 Hz the other: encode,
 * send, receive, jitter buffer, decode, playout), so the figure is both ends
 * of a two-way call. The thread's own CPU time comes from
 * MediaEngine.threadCpuMs (Linux schedstat), over `--seconds` (default 15).
 *
 * Run twice, in child processes: with V8's defaults, and with the device
 * unit's `--no-opt` (no TurboFan, scripts/device/deskphone.service), whose
 * memory saving is paid for here.
 *
 *   npm run bench -- media-cpu
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { MediaEngine } from '../../../firmware/media/stream/index.js';
import { freqs, steady } from '../../../firmware/media/tones/index.js';
import { printBench } from '../../support/bench-report.js';

const i = process.argv.indexOf('--seconds');
const SECONDS = i >= 0 ? Number(process.argv[i + 1]) : 15;
const LOOP = '127.0.0.1';

async function child(): Promise<void> {
  const engine = await MediaEngine.start();
  try {
    const tone = (hz: number) => ({ kind: 'tone' as const, tone: steady(`${hz}`, freqs([hz], -10)), recordMs: 100 });
    const b = await engine.openStream({ remote: { address: LOOP, port: 9 }, codec: 'PCMU', payloadType: 0, rtcpMux: true, cname: 'b@bench', audio: tone(440) });
    const a = await engine.openStream({ remote: { address: LOOP, port: b.localPort }, codec: 'PCMU', payloadType: 0, rtcpMux: true, cname: 'a@bench', audio: tone(1000) });
    await sleep(2000); // warm-up: latching, the jitter buffer's first fill, the JIT
    const c0 = await engine.threadCpuMs();
    const t0 = performance.now();
    await sleep(SECONDS * 1000);
    const c1 = await engine.threadCpuMs();
    const t1 = performance.now();
    const played = (await a.stats()).jitterBuffer.played + (await b.stats()).jitterBuffer.played;
    process.stdout.write(JSON.stringify({ cpuPercent: c0 === undefined || c1 === undefined ? NaN : ((c1 - c0) / (t1 - t0)) * 100, played }));
  } finally {
    await engine.stop();
  }
}

if (process.argv.includes('--child')) {
  await child();
} else {
  const self = fileURLToPath(import.meta.url);
  const run = (flags: string[]): { cpuPercent: number; played: number } => {
    const r = spawnSync(process.execPath, [...flags, '--import', 'tsx', self, '--child', '--seconds', String(SECONDS)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`media-cpu child failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as { cpuPercent: number; played: number };
  };
  const opt = run([]);
  const noOpt = run(['--no-opt']);
  printBench(
    `media thread CPU, both ends of a two-way PCMU call, ${SECONDS} s (% of one core)`,
    [
      { name: 'V8 defaults (TurboFan)', value: opt.cpuPercent, unit: '%', note: `${opt.played} frames played` },
      { name: '--no-opt (device unit)', value: noOpt.cpuPercent, unit: '%', note: `${noOpt.played} frames played` },
    ],
    'V8 defaults (TurboFan)',
  );
}
