import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { exec, pipeline } from './exec.js';
import { VmRigError } from './errors.js';
import { kernelPackages, type KernelChoice } from './kernel-choice.js';

/** Where one kernel's unpacked packages live inside its cache folder. */
export interface KernelTree {
  /** dpkg-deb -x of image, headers and kbuild: boot/, lib/modules/, usr/src/. */
  readonly root: string;
  readonly vmlinuz: string;
  readonly modulesDir: string;
  /** The per-release headers folder that out-of-tree modules build against. */
  readonly headersDir: string;
  /** The three GPL kernel source files gpio-mockup needs (extracted, never committed). */
  readonly sourceDir: string;
}

export function kernelTree(cacheDir: string, k: KernelChoice): KernelTree {
  const root = join(cacheDir, 'root');
  return {
    root,
    vmlinuz: join(root, 'boot', `vmlinuz-${k.release}`),
    modulesDir: join(root, 'lib', 'modules', k.release),
    headersDir: join(root, 'usr', 'src', `linux-headers-${k.release}`),
    sourceDir: join(cacheDir, 'src'),
  };
}

/** Kernel source paths (inside linux-source's tarball) that the gpio-mockup build uses. */
export const MOCKUP_SOURCES = ['drivers/gpio/gpio-mockup.c', 'drivers/gpio/gpiolib.h', 'kernel/irq/irq_sim.c'] as const;

const STAMP = 'kernel.json';

/**
 * Downloads the kernel's .debs with `apt-get download` (no install, the
 * host's /boot and /lib/modules stay untouched), unpacks them into the cache
 * and deletes the .debs. Skipped when the cache already holds this version.
 */
export async function fetchKernel(cacheDir: string, k: KernelChoice, log: (line: string) => void): Promise<KernelTree> {
  const tree = kernelTree(cacheDir, k);
  const stampPath = join(cacheDir, STAMP);
  if (existsSync(stampPath)) {
    const stamp = JSON.parse(await readFile(stampPath, 'utf8')) as Partial<KernelChoice>;
    if (stamp.version === k.version && existsSync(tree.vmlinuz)) return tree;
  }
  await rm(cacheDir, { recursive: true, force: true });
  const debs = join(cacheDir, 'debs');
  await mkdir(debs, { recursive: true });

  log(`downloading ${kernelPackages(k).join(' ')}`);
  await exec('apt-get', ['download', ...kernelPackages(k)], 'apt-get download', { cwd: debs }, 'VM_APT');
  const files = (await readdir(debs)).filter((f) => f.endsWith('.deb'));
  const deb = (prefix: string): string => {
    const f = files.find((name) => name.startsWith(`${prefix}_`));
    if (!f) throw new VmRigError('VM_APT', `apt-get download did not produce ${prefix}_*.deb`, { step: 'apt-get download' });
    return join(debs, f);
  };

  log('unpacking kernel, modules and headers');
  for (const name of [`linux-image-${k.release}`, `linux-headers-${k.release}`, `linux-headers-${k.release.replace(/-amd64$/, '')}-common`, `linux-kbuild-${k.series}`]) {
    await exec('dpkg-deb', ['-x', deb(name), tree.root], `dpkg-deb -x ${name}`);
  }
  await pointHeadersAtCommon(tree, k);
  // The image ships no modules.dep (its postinst runs depmod); make one inside the cache only.
  await exec('depmod', ['-b', tree.root, k.release], 'depmod');

  log(`extracting ${MOCKUP_SOURCES.join(', ')} from linux-source-${k.series}`);
  await mkdir(tree.sourceDir, { recursive: true });
  const prefix = `linux-source-${k.series}`;
  await pipeline(
    'dpkg-deb --fsys-tarfile "$1" | tar -xO "./usr/src/$2.tar.xz" | xz -dc -T2 | tar -x -C "$3" --strip-components=1 "${@:4}"',
    [deb(`linux-source-${k.series}`), prefix, tree.sourceDir, ...MOCKUP_SOURCES.map((p) => `${prefix}/${p}`)],
    'extract linux-source',
  );

  await rm(debs, { recursive: true, force: true });
  await writeFile(stampPath, JSON.stringify(k, null, 2));
  return tree;
}

/**
 * Debian's per-flavour headers Makefile includes the common one by absolute
 * path (/usr/src/linux-headers-…-common/Makefile); unpacked into the cache,
 * that path must point into the cache instead.
 */
async function pointHeadersAtCommon(tree: KernelTree, k: KernelChoice): Promise<void> {
  const makefile = join(tree.headersDir, 'Makefile');
  const common = `linux-headers-${k.release.replace(/-amd64$/, '')}-common`;
  const text = await readFile(makefile, 'utf8');
  const absolute = `/usr/src/${common}/Makefile`;
  if (!text.includes(absolute)) {
    throw new VmRigError('VM_BUILD', `${makefile} does not include ${absolute}; Debian changed its headers layout`, {
      step: 'patch headers Makefile',
      output: text,
    });
  }
  await writeFile(makefile, text.replace(absolute, join(tree.root, 'usr', 'src', common, 'Makefile')));
}
