import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { VmRigError } from './errors.js';

/**
 * The Debian packages the rig needs on the host, one per line in
 * debian-packages.txt (the same list .ci/run installs). What each is for:
 * qemu-system-x86 boots the VM (TCG), busybox-static is the initramfs,
 * gcc-12 + make + libelf1 build gpio-mockup against Debian's headers (their
 * Makefile names gcc-12; objtool links libelf), kmod's depmod computes module
 * order, xz-utils unpacks linux-source, alsa-utils gives the guest aplay,
 * libasound2-dev lets npm build alsa-capture.
 */
export const PACKAGE_LIST = fileURLToPath(new URL('./debian-packages.txt', import.meta.url));

export async function requiredPackages(): Promise<string[]> {
  const text = await readFile(PACKAGE_LIST, 'utf8');
  return text
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line.length > 0);
}

/** Asks dpkg which of `packages` are not installed ("install ok installed"). */
export function missingPackages(packages: readonly string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('dpkg-query', ['-W', '-f', '${Package}\t${db:Status-Abbrev}\n', ...packages], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.on('error', (cause) =>
      reject(new VmRigError('VM_PREREQ_MISSING', `dpkg-query is not available: ${cause.message}`, { step: 'check packages' }, { cause })),
    );
    // dpkg-query exits 1 when some package is unknown; the listing still says which are installed.
    child.on('close', () => {
      const installed = new Set<string>();
      for (const line of out.split('\n')) {
        const [name, status] = line.split('\t');
        // `ii` = desired install, currently installed. Multi-arch names carry ":amd64".
        if (name && status?.startsWith('ii')) installed.add(name.replace(/:.*/, ''));
      }
      resolve(packages.filter((p) => !installed.has(p)));
    });
  });
}

/**
 * Resolves when the host can build and boot the rig, otherwise rejects with
 * VM_PREREQ_MISSING naming the packages to `apt-get install`. The rig never
 * installs anything itself.
 */
export async function checkPrerequisites(): Promise<void> {
  const missing = await missingPackages(await requiredPackages());
  if (missing.length > 0) {
    throw new VmRigError(
      'VM_PREREQ_MISSING',
      `VM rig needs Debian packages: apt-get install -y --no-install-recommends ${missing.join(' ')}`,
      { step: 'check packages', missingPackages: missing },
    );
  }
}
