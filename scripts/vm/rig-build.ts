import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chooseKernel, type KernelChoice } from './kernel-choice.js';
import { fetchKernel } from './kernel-fetch.js';
import { buildGpioMockup } from './gpio-mockup-build.js';
import { buildInitramfs } from './initramfs.js';
import { checkPrerequisites } from './prerequisites.js';
import { VmRigError } from './errors.js';
import { withBuildLock } from './build-lock.js';

/** A cold build downloads ~225 MB and unpacks ~400 MB: wait that long for another one. */
const BUILD_LOCK_TIMEOUT_MS = 600_000;

/** What a run needs: a kernel, an initramfs, and the folder shared read-write. */
export interface Rig {
  readonly kernel: KernelChoice;
  readonly vmlinuz: string;
  readonly initramfs: string;
  /** The repository root: mounted read-write in the guest at the same path. */
  readonly workDir: string;
  /** .tmp/vm under the repository: caches and per-run scratch folders. */
  readonly cacheRoot: string;
}

export interface BuildOptions {
  /** Defaults to the repository this file lives in. */
  readonly workDir?: string;
  readonly log?: (line: string) => void;
}

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The newest kernel already built in the cache, for hosts whose apt lists are absent. */
async function cachedKernel(cacheRoot: string): Promise<KernelChoice | undefined> {
  if (!existsSync(cacheRoot)) return undefined;
  const found: KernelChoice[] = [];
  for (const name of await readdir(cacheRoot)) {
    const stamp = join(cacheRoot, name, 'kernel.json');
    if (existsSync(stamp)) found.push(JSON.parse(await readFile(stamp, 'utf8')) as KernelChoice);
  }
  return found.sort((a, b) => b.release.localeCompare(a.release, 'en', { numeric: true }))[0];
}

/**
 * Builds the rig, or reuses the cache under .tmp/vm/<kernel release>/:
 * checks the host's packages, picks the kernel from apt's lists, downloads
 * and unpacks it (once per release), builds gpio-mockup (once per release)
 * and writes the initramfs (content-addressed, so a changed init script or
 * module list makes a new one). A warm build takes well under a second.
 */
export async function buildRig(options: BuildOptions = {}): Promise<Rig> {
  const workDir = options.workDir ?? REPO_ROOT;
  const log = options.log ?? (() => {});
  const cacheRoot = join(workDir, '.tmp', 'vm');
  await checkPrerequisites();

  let kernel: KernelChoice;
  try {
    kernel = await chooseKernel();
  } catch (err) {
    const cached = err instanceof VmRigError && err.code === 'VM_APT' ? await cachedKernel(cacheRoot) : undefined;
    if (!cached) throw err;
    log(`apt lists unusable (${(err as Error).message.split('\n')[0]}); using cached kernel ${cached.release}`);
    kernel = cached;
  }

  const cacheDir = join(cacheRoot, kernel.release);
  await mkdir(cacheRoot, { recursive: true });
  return withBuildLock(`${cacheDir}.lock`, BUILD_LOCK_TIMEOUT_MS, log, async () => {
    const tree = await fetchKernel(cacheDir, kernel, log);
    const gpioMockupKo = await buildGpioMockup(cacheDir, tree, log);
    const image = await buildInitramfs({ modulesDir: tree.modulesDir, gpioMockupKo });
    const digest = createHash('sha256').update(image).digest('hex').slice(0, 16);
    const initramfs = join(cacheDir, `initramfs-${digest}.cpio`);
    if (!existsSync(initramfs)) {
      log(`writing ${initramfs}`);
      // Write then rename, so a run never boots half an archive.
      const partial = `${initramfs}.${process.pid}.part`;
      await writeFile(partial, image);
      await rename(partial, initramfs);
    }
    return { kernel, vmlinuz: tree.vmlinuz, initramfs, workDir, cacheRoot };
  });
}
