/**
 * Runs inside the VM (bundled by the host test, executed by the host's node
 * through the 9p-mounted tree): each check named on the command line runs in
 * turn and prints one `@@RESULT` line. A check that throws or hangs reports
 * ok: false and the next one still runs.
 */
import { formatResult, type CheckResult } from './report.js';
import { CHECKS } from './checks/index.js';

const CHECK_TIMEOUT_MS = 60_000;

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

const names = process.argv.slice(2);
for (const name of names.length > 0 ? names : Object.keys(CHECKS)) {
  const t0 = performance.now();
  const result = await runCheck(name);
  console.log(formatResult(name, { ...result, checkMs: Math.round(performance.now() - t0) }));
}
// Native handles (epoll, a capture thread) can keep the loop alive after a failed check.
process.exit(0);
