import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VmRigError } from './errors.js';

const POLL_MS = 500;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `job` while holding a lock folder (mkdir is atomic), so two test runs
 * in one checkout — `npm test` here and `npm run test:interop` there — never
 * unpack or build into the same cache folder at once. A lock whose holder
 * died is taken over; waiting gives up after `timeoutMs`.
 */
export async function withBuildLock<T>(lockDir: string, timeoutMs: number, log: (line: string) => void, job: () => Promise<T>): Promise<T> {
  const owner = join(lockDir, 'pid');
  const deadline = performance.now() + timeoutMs;
  let told = false;
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(owner, String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(await readFile(owner, 'utf8').catch(() => ''));
      if (holder > 0 && !alive(holder)) {
        await rm(lockDir, { recursive: true, force: true });
        continue;
      }
      if (performance.now() > deadline) {
        throw new VmRigError('VM_BUILD', `another build (pid ${holder || '?'}) has held ${lockDir} for over ${timeoutMs} ms`, { step: 'lock' });
      }
      if (!told) log(`waiting for another build of the rig (pid ${holder || '?'})`);
      told = true;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
  try {
    return await job();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}
