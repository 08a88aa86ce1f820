import { build } from 'esbuild';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../../scripts/vm/index.js';

/**
 * The native packages: loaded at run time from the host's node_modules (their
 * .node binaries cannot be bundled), and only by the checks that use them.
 */
export const NATIVE_PACKAGES = ['onoff', 'epoll', 'i2c-bus', 'alsa-capture', 'serialport', '@serialport/*'];

/**
 * Bundles the guest programs (test/hal-vm-guest, and through them the HAL
 * drivers' TypeScript) into one ESM file under .tmp/vm/guest/. Node under TCG
 * is ~8× slower and every file it opens is a 9p round trip, so the guest runs
 * one plain JavaScript file: pure-JS packages (zod, …) are bundled in, the
 * native ones stay external.
 */
export async function bundleGuest(): Promise<string> {
  // One file per test process: another run in this checkout may be bundling at the same time.
  const outfile = join(REPO_ROOT, '.tmp', 'vm', 'guest', `main-${process.pid}.mjs`);
  await build({
    entryPoints: [join(REPO_ROOT, 'test', 'hal-vm-guest', 'main.ts')],
    outfile,
    bundle: true,
    external: NATIVE_PACKAGES,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
  });
  return outfile;
}
