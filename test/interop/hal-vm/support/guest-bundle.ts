import { build } from 'esbuild';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../../scripts/vm/index.js';

/**
 * Bundles the guest programs (test/hal-vm-guest, and through them the HAL
 * drivers' TypeScript) into one ESM file under .tmp/vm/guest/. Node under TCG
 * is ~8× slower, so the guest runs plain JavaScript instead of compiling
 * TypeScript at start-up. npm packages stay external: the guest loads the
 * host's node_modules (native onoff/epoll, i2c-bus, alsa-capture, serialport).
 */
export async function bundleGuest(): Promise<string> {
  const outfile = join(REPO_ROOT, '.tmp', 'vm', 'guest', 'main.mjs');
  await build({
    entryPoints: [join(REPO_ROOT, 'test', 'hal-vm-guest', 'main.ts')],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'error',
  });
  return outfile;
}
