/**
 * Issue 4, Performance, Memory: "RSS of the phone idle and in a call. Target
 * ≤ 70 MB in a call." The whole phone as the device runs it, in a real call
 * to baresip through the front panel (as test/interop/phone-calls.test.ts),
 * beside plain Node (`node -e`) measured in the same run.
 *
 * Two builds of the same sources:
 * - `npm run build` output (one .js per source, ~550 ESM modules) with Node's
 *   default V8 heap sizing: how the phone ran before the device deployment;
 * - the device release (scripts/device/release.js: one esbuild bundle) started
 *   with the V8 flags of scripts/device/deskphone.service's ExecStart, read from
 *   the unit so this measures exactly what systemd runs.
 *
 * Two kinds of call for the release: dialled through the REST API (the web
 * stack loaded, as when the admin pages are in use), and an intercom call from
 * sipp answered hands-free (Call-Info answer-after=0; sipp echoes our RTP back),
 * which never touches the web server: a desk phone's usual day.
 *
 * RSS is read from /proc/PID/status (Linux), the whole process: main thread,
 * media worker, V8 and libuv. Run: npm run bench -- phone-memory
 * (PHONE_MEMORY_BUILDS=release skips the per-file build.)
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { printBench, type BenchRow } from '../support/bench-report.js';
import { hasCommand } from '../interop/support/peers.js';
import { startBaresip } from '../interop/support/baresip.js';
import { startProcess, tempDir, waitFor, type PeerProcess } from '../interop/support/processes.js';
import { startSipp, type SippRun } from '../interop/support/sipp.js';
import { pagingCall } from '../interop/support/scenarios.js';
import { writeToneWav } from '../interop/support/audio.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** PHONE_MEMORY_CALL_S=70 holds the calls long enough to fill the 2 MB capture rings (about a minute of G.711). */
const CALL_SECONDS = Number(process.env['PHONE_MEMORY_CALL_S'] ?? 8);
/** "Idle" just after start-up, while start-up's garbage is still in the heaps. */
const STARTED_MS = 3000;
/**
 * Idle as a desk phone is when a call comes: V8's memory reducer starts its
 * compacting GCs some 8 s after start-up's allocation stops, and the start-up
 * compile buffers go back to the OS; measured here, RSS falls ~5 MB between 3 s
 * and 20 s. A phone in an office has been up far longer than that, so the call
 * is placed after SETTLED_MS; the peak row (VmHWM) keeps start-up's high mark.
 */
const SETTLED_MS = 20_000;

const missing = ['baresip', 'sox', 'sipp'].filter((c) => !hasCommand(c));
if (missing.length > 0 || process.platform !== 'linux') {
  console.log(`\n## phone memory: skipped (${missing.length > 0 ? `needs ${missing.join(', ')}: sudo bash scripts/install-test-packages.sh` : 'reads /proc: Linux only'})`);
  process.exit(0);
}

function rssMb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(m[1]) / 1024;
}

/** `npm run build`'s output (scripts/build.js), into `dir` rather than the checkout's dist/. */
async function perFileBuild(dir: string): Promise<string> {
  const sources: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) sources.push(relative(root, p));
    }
  };
  for (const top of ['firmware', 'hal', 'board']) walk(join(root, top));
  await build({ absWorkingDir: root, entryPoints: sources, outdir: join(dir, 'dist'), outbase: '.', format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning' });
  const entry = join(dir, 'start.mjs');
  writeFileSync(entry, `import { run } from './dist/firmware/cli/run.js';\nprocess.exitCode = await run(process.argv.slice(2));\n`);
  return entry;
}

/** The device release's dist/ (scripts/device/release.js bundle). */
function deviceBundle(dir: string): string {
  const r = spawnSync(process.execPath, [join(root, 'scripts/device/release.js'), 'bundle', '--out', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`release.js bundle failed: ${r.stderr}`);
  return join(dir, 'dist/firmware/cli/deskphone.js');
}

/** The node flags before the script in the unit's ExecStart. */
function unitNodeFlags(): string[] {
  const unit = readFileSync(join(root, 'scripts/device/deskphone.service'), 'utf8');
  const exec = /^ExecStart=(\S+)\s+(.*)$/m.exec(unit);
  if (!exec) throw new Error('deskphone.service has no ExecStart');
  const words = exec[2]!.split(/\s+/);
  return words.slice(0, words.findIndex((w) => !w.startsWith('--')));
}

/** The unit's Environment= settings (e.g. MALLOC_ARENA_MAX): part of what systemd runs. */
function unitEnvironment(): Record<string, string> {
  const unit = readFileSync(join(root, 'scripts/device/deskphone.service'), 'utf8');
  const env: Record<string, string> = {};
  for (const m of unit.matchAll(/^Environment=(\S+?)=(\S*)$/gm)) env[m[1]!] = m[2]!;
  return env;
}

/** A paging call (issue 5 §10) that the phone answers hands-free, held for `ms`, then BYE. */
const intercomScenario = (port: number, ms: number): string =>
  pagingCall(port, { callInfo: 'Call-Info: <sip:127.0.0.1>;answer-after=0\n', answerTimeoutMs: 5000, holdMs: ms });

/** Private (not shared) memory: RSS less the clean pages of the node binary and libraries that every Node process shares. */
function privateMb(pid: number): number {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? NaN);
  return (kb('Private_Clean') + kb('Private_Dirty')) / 1024;
}

interface Measured {
  started: number;
  idle: number;
  callPrivate: number;
  callMax: number;
  callMean: number;
  peak: number;
}

type CallKind = 'rest' | 'intercom';

async function measure(label: string, nodeArgs: string[], entry: string, workDir: string, call: CallKind, env: Record<string, string> = {}): Promise<Measured> {
  const dir = await tempDir('phone-memory');
  const config = join(dir.path, 'phone.yaml');
  const mic = join(dir.path, 'mic.wav');
  const far = join(dir.path, 'far.wav');
  writeFileSync(config, `admin:\n  password: desk-admin\n${call === 'intercom' ? 'phone:\n  autoAnswer: true\n' : ''}`);
  writeToneWav(mic, 1000, 30);
  writeToneWav(far, 440, CALL_SECONDS);
  let phone: PeerProcess | undefined;
  let baresip: Awaited<ReturnType<typeof startBaresip>> | undefined;
  let sipp: SippRun | undefined;
  try {
    phone = startProcess(
      `deskphone (${label})`,
      process.execPath,
      [...nodeArgs, entry, 'start', '--config', config, '--data-dir', join(dir.path, 'data'), '--sip-port', '0', '--http-port', '0', '--audio-in', mic],
      { cwd: workDir, env: { ...process.env, ...env } },
    );
    const p = phone;
    const listening = await waitFor(
      'the phone to listen',
      () =>
        p
          .output()
          .split('\n')
          .map((l) => (l.startsWith('{"event":"listening"') ? (JSON.parse(l) as { http: number; sip: { udp: number } }) : undefined))
          .find(Boolean),
      { peer: p, timeoutMs: 30_000 },
    );
    const pid = p.child.pid!;
    await new Promise((r) => setTimeout(r, STARTED_MS));
    const started = rssMb(pid);
    await new Promise((r) => setTimeout(r, SETTLED_MS - STARTED_MS));
    const idle = rssMb(pid);

    let ended: () => boolean;
    if (call === 'rest') {
      baresip = await startBaresip({ user: 'bob', wav: far });
      const auth = `Basic ${Buffer.from('admin:desk-admin').toString('base64')}`;
      const res = await fetch(`http://127.0.0.1:${listening.http}/api/dial`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body: JSON.stringify({ target: `bob@127.0.0.1:${baresip.sipPort}` }),
      });
      if (!res.ok) throw new Error(`dial: ${res.status} ${await res.text()}`);
      await baresip.waitForEvent('CALL_ESTABLISHED');
      const b = baresip;
      ended = () => b.events().some((e) => e.type === 'CALL_CLOSED');
    } else {
      const port = listening.sip.udp;
      sipp = await startSipp({ scenario: intercomScenario(port, CALL_SECONDS * 1000), target: `127.0.0.1:${port}`, calls: 1, args: ['-mp', '0', '-rtp_echo'] });
      let code: number | null | undefined;
      void sipp.done().then((c) => (code = c));
      ended = () => code !== undefined;
    }
    const samples: number[] = [];
    const privates: number[] = [];
    // Sample every 250 ms until the call ends (baresip's WAV ends, LAB.md; or sipp's BYE).
    await waitFor(
      'the call to end',
      () => {
        samples.push(rssMb(pid));
        privates.push(privateMb(pid));
        return ended() ? true : undefined;
      },
      { intervalMs: 250, timeoutMs: (CALL_SECONDS + 10) * 1000 },
    );
    // sipp exits 0 only if the phone answered the INVITE and the BYE: otherwise no call was measured.
    if (sipp && (await sipp.done()) !== 0) throw new Error(`the intercom call failed:\n${sipp.peer.output()}`);
    const inCall = samples.slice(0, -1).length > 0 ? samples.slice(0, -1) : samples;
    return {
      started,
      idle,
      callMax: Math.max(...inCall),
      callMean: inCall.reduce((a, v) => a + v, 0) / inCall.length,
      callPrivate: Math.max(...privates),
      peak: rssMb(pid, 'VmHWM'),
    };
  } finally {
    await sipp?.stop();
    await baresip?.stop();
    await phone?.stop();
    await dir.remove();
  }
}

const nodeAlone = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.resourceUsage().maxRSS))'], { encoding: 'utf8' }).stdout) / 1024;
/** Plain Node's private memory, from a `node -e` kept alive long enough to read it. */
async function nodeAlonePrivateMb(): Promise<number> {
  const idle = startProcess('node -e', process.execPath, ['-e', 'setTimeout(() => {}, 5000)']);
  try {
    await new Promise((r) => setTimeout(r, 1000));
    return privateMb(idle.child.pid!);
  } finally {
    await idle.stop();
  }
}

const work = await tempDir('phone-memory-builds');
try {
  const releaseOnly = process.env['PHONE_MEMORY_BUILDS'] === 'release';
  const perFileDir = join(work.path, 'per-file');
  const releaseDir = join(work.path, 'release');
  const perFileEntry = releaseOnly ? undefined : await perFileBuild(perFileDir);
  const releaseEntry = deviceBundle(releaseDir);
  // Both builds find package.json two levels above dist/firmware/cli (the version) and node_modules beside dist/.
  for (const dir of releaseOnly ? [releaseDir] : [perFileDir, releaseDir]) {
    copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  }
  const flags = unitNodeFlags();
  const env = unitEnvironment();
  const envText = Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ');
  const nodeAlonePrivate = await nodeAlonePrivateMb();
  const before = perFileEntry ? await measure('per-file build', [], perFileEntry, perFileDir, 'rest') : undefined;
  const device = await measure('device release', flags, releaseEntry, releaseDir, 'rest', env);
  const intercom = await measure('device release, intercom', flags, releaseEntry, releaseDir, 'intercom', env);

  const rows = (name: string, m: Measured, note: string, call: string): BenchRow[] => [
    { name: `${name}: idle, ${STARTED_MS / 1000} s after start`, value: m.started, unit: 'MB', note },
    { name: `${name}: idle, settled`, value: m.idle, unit: 'MB', note: `${SETTLED_MS / 1000} s after start; the call is placed then` },
    { name: `${name}: in a call (max)`, value: m.callMax, unit: 'MB', note: `mean ${m.callMean.toFixed(1)} MB over ${CALL_SECONDS} s, ${call}` },
    { name: `${name}: peak (VmHWM)`, value: m.peak, unit: 'MB', note: 'start-up included' },
    { name: `${name}: in a call, private`, value: m.callPrivate, unit: 'MB', note: 'RSS less shared clean pages (node binary, libc)' },
  ];
  const unitNote = `bundle, ${[envText, ...flags].filter(Boolean).join(' ')}`;
  printBench(
    'phone RSS, idle and in a call (target ≤ 70 MB in a call)',
    [
      { name: 'node -e (plain Node)', value: nodeAlone, unit: 'MB', note: 'max RSS' },
      { name: 'node -e (plain Node), private', value: nodeAlonePrivate, unit: 'MB' },
      ...(before ? rows('npm run build, default V8', before, 'one .js per source', 'dialled from the REST API to baresip') : []),
      ...rows('device release', device, unitNote, 'dialled from the REST API to baresip'),
      ...rows('device release, web untouched', intercom, unitNote, 'intercom from sipp, answered hands-free'),
    ],
    'node -e (plain Node)',
  );
} finally {
  await work.remove();
}
