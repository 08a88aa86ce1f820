/**
 * Runs inside the VM (bundled by the host test, executed by the host's node
 * through the 9p-mounted tree): each check named on the command line (all,
 * when none is) runs in turn and prints one `@@RESULT` line. A check that
 * throws or hangs reports ok: false and the next one still runs.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { formatResult, type CheckResult } from './report.js';
import { CHECKS } from './checks/index.js';

const CHECK_TIMEOUT_MS = 60_000;
const CHILD_FLAG = '--in-process';

/**
 * Checks that open ALSA run in a fresh node process. alsa-capture 0.3.0
 * hands an uninitialised `dir` to snd_pcm_hw_params_set_rate_near, so what
 * rate it gets on snd-aloop depends on what its libuv thread's stack held
 * before; in a fresh process that is the same every run (8000 Hz, 160-frame
 * periods), after other checks have used the thread pool it is not.
 */
const FRESH_PROCESS = new Set(['alsa-loopback', 'hal-audio', 'hal-audio-resampled']);

async function runCheck(name: string): Promise<CheckResult> {
  const check = CHECKS[name];
  if (!check) return { ok: false, error: `unknown check ${name}; known: ${Object.keys(CHECKS).join(', ')}` };
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      check(),
      new Promise<CheckResult>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, error: `timed out after ${CHECK_TIMEOUT_MS} ms` }), CHECK_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    return { ok: false, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs one check in a new node process; it prints its own result line. */
function runInChild(name: string): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), CHILD_FLAG, name], { stdio: 'inherit' });
    child.on('close', (code, signal) => {
      if (code !== 0) console.log(formatResult(name, { ok: false, error: `check process ended with ${signal ?? code}` }));
      resolve();
    });
  });
}

const args = process.argv.slice(2);
const inProcess = args[0] === CHILD_FLAG;
const names = inProcess ? args.slice(1) : args;
for (const name of names.length > 0 ? names : Object.keys(CHECKS)) {
  if (!inProcess && FRESH_PROCESS.has(name)) {
    await runInChild(name);
    continue;
  }
  const t0 = performance.now();
  const result = await runCheck(name);
  console.log(formatResult(name, { ...result, checkMs: Math.round(performance.now() - t0) }));
}
// Native handles (epoll, a capture thread) can keep the loop alive after a failed check.
process.exit(0);
