/**
 * Memory of the media engine (issue 4, "Performance": ≤ 70 MB RSS in a call;
 * Node alone idles at ~40 MB here). Measures this process's RSS — the worker
 * thread shares it — at three points:
 *
 * - Node with the media modules loaded, nothing running;
 * - the media engine's worker started, no call;
 * - in a call: two streams in the worker sending RTP to each other over
 *   127.0.0.1 (each plays the other's 1 kHz / 440 Hz tone), for `--seconds`
 *   (default 20), sampled every second, reporting the peak.
 *
 * Heap growth over the call is printed too: it should stay flat (no
 * allocation per packet that survives).
 *
 * Measured as the device runs it: this file and the media worker are bundled
 * with esbuild (as the device build does) and run under plain `node`, so tsx's
 * loader (≈ 40 MB here) is not counted. Beside it, plain Node's RSS from the
 * same run is the peer figure.
 *
 *   node --import tsx --expose-gc test/firmware/media/memory.bench.ts --seconds 10
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { MediaEngine } from '../../../firmware/media/stream/index.js';
import { freqs, steady } from '../../../firmware/media/tones/index.js';
import { printBench } from '../../support/bench-report.js';

function argSeconds(): number {
  const i = process.argv.indexOf('--seconds');
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number(process.env.DESKPHONE_BENCH_SECONDS ?? 20);
  return Number.isFinite(v) && v > 0 ? v : 20;
}

const MB = 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

async function settle(): Promise<number> {
  gc();
  await sleep(300);
  gc();
  return process.memoryUsage.rss() / MB;
}

async function child(workerPath: string): Promise<void> {
  const seconds = argSeconds();
  const loaded = await settle();

  const engine = await MediaEngine.start({ workerUrl: pathToFileURL(workerPath) });
  await sleep(500);
  const idle = await settle();

  const b = await engine.openStream({
    remote: { address: '127.0.0.1', port: 9 },
    codec: 'PCMU',
    payloadType: 0,
    rtcpMux: true,
    telephoneEventPayloadType: 101,
    cname: 'b@bench',
    audio: { kind: 'tone', tone: steady('440', freqs([440], -10)) },
  });
  const a = await engine.openStream({
    remote: { address: '127.0.0.1', port: b.localPort },
    codec: 'PCMU',
    payloadType: 0,
    rtcpMux: true,
    telephoneEventPayloadType: 101,
    cname: 'a@bench',
    audio: { kind: 'tone', tone: steady('1k', freqs([1000], -10)) },
  });
  await sleep(1000);
  const heapStart = process.memoryUsage().heapUsed / MB;
  let peak = 0;
  for (let s = 0; s < seconds; s++) {
    await sleep(1000);
    if (s % 5 === 4) await a.sendDtmf('123');
    peak = Math.max(peak, process.memoryUsage.rss() / MB);
  }
  const inCall = await settle();
  const heapEnd = process.memoryUsage().heapUsed / MB;
  const statsB = await b.stats();
  const statsA = await a.close();
  await b.close();
  await engine.stop();

  const node = Number(process.env.PLAIN_NODE_RSS_MB);
  printBench(
    `RSS (MB): media idle vs in a call of ${seconds} s (target ≤ 70 MB in a call)`,
    [
      { name: 'plain node', value: node, unit: 'MB', note: 'node -e, same run' },
      { name: 'node + media modules', value: loaded, unit: 'MB' },
      { name: 'engine idle (worker)', value: idle, unit: 'MB' },
      { name: 'in a call (settled)', value: inCall, unit: 'MB' },
      { name: 'in a call (peak)', value: peak, unit: 'MB' },
    ],
    'plain node',
  );
  console.log(
    `main-thread heap during the call: ${heapStart.toFixed(1)} → ${heapEnd.toFixed(1)} MB; ` +
      `packets A→B ${statsB.received.accepted}, B→A ${statsA.received.accepted}, MOS ${statsB.quality.mos}`,
  );
}

/** Bundles this bench and the media worker (as the device build does) and runs the bundle under plain node. */
function parent(): void {
  const dir = mkdtempSync(join(tmpdir(), 'deskphone-memory-'));
  try {
    const here = fileURLToPath(import.meta.url);
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const build = spawnSync(
      process.execPath,
      [
        '-e',
        `require('esbuild').buildSync({ entryPoints: { 'memory-child': ${JSON.stringify(here)}, 'media-worker': ${JSON.stringify(join(root, 'firmware/media/stream/media-worker.ts'))} }, bundle: true, platform: 'node', format: 'esm', target: 'node20', outdir: ${JSON.stringify(dir)}, outExtension: { '.js': '.mjs' }, logLevel: 'error' })`,
      ],
      { cwd: root, stdio: 'inherit' },
    );
    if (build.status !== 0) throw new Error('esbuild failed');
    const plain = spawnSync(process.execPath, ['--expose-gc', '-e', 'gc(); setTimeout(() => { gc(); console.log(process.memoryUsage.rss() / 1048576) }, 300)'], { encoding: 'utf8' });
    const run = spawnSync(process.execPath, ['--expose-gc', join(dir, 'memory-child.mjs'), '--child', join(dir, 'media-worker.mjs'), ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, PLAIN_NODE_RSS_MB: plain.stdout.trim() },
    });
    if (run.status !== 0) throw new Error(`memory bench child exited with ${run.status}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) await child(process.argv[childAt + 1]!);
else parent();
