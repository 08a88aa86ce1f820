import { exec } from './exec.js';
import { VmRigError } from './errors.js';

/**
 * Which Debian kernel the rig boots. gpio-mockup is built from linux-source
 * against linux-headers, so image, headers, kbuild and source must all be the
 * same package version; the release (`6.1.0-56-amd64`) keys the cache.
 */
export interface KernelChoice {
  /** uname -r inside the VM, e.g. '6.1.0-56-amd64'. */
  readonly release: string;
  /** The Debian package version shared by all five packages, e.g. '6.1.192-2'. */
  readonly version: string;
  /** The upstream series in the package names, e.g. '6.1'. */
  readonly series: string;
}

/** Debian 12's kernel series: the one with linux-source and a kernel config HAL-TESTING.md verified. */
export const KERNEL_SERIES = '6.1';

/** The packages downloaded (never installed) for one kernel. */
export function kernelPackages(k: KernelChoice): string[] {
  return [
    `linux-image-${k.release}`,
    `linux-headers-${k.release}`,
    `linux-headers-${k.release.replace(/-amd64$/, '')}-common`,
    `linux-kbuild-${k.series}`,
    `linux-source-${k.series}`,
  ].map((name) => `${name}=${k.version}`);
}

function field(stanza: string, name: string): string | undefined {
  const m = new RegExp(`^${name}: (.*)$`, 'm').exec(stanza);
  return m?.[1]?.trim();
}

async function candidate(pkg: string): Promise<string> {
  const { stdout } = await exec('apt-cache', ['show', '--no-all-versions', pkg], `apt-cache show ${pkg}`, {}, 'VM_APT');
  return stdout;
}

/**
 * Picks the kernel from apt's package lists (a local look-up, no network):
 * the release that the `linux-image-amd64` meta package points at, checked
 * against linux-source's version. DESKPHONE_VM_KERNEL=<release> pins another
 * release of the same series.
 */
export async function chooseKernel(pinnedRelease = process.env['DESKPHONE_VM_KERNEL']): Promise<KernelChoice> {
  const series = KERNEL_SERIES;
  const sourceVersion = field(await candidate(`linux-source-${series}`), 'Version');
  let release = pinnedRelease;
  let imageVersion: string | undefined;
  if (release) {
    imageVersion = field(await candidate(`linux-image-${release}`), 'Version');
  } else {
    const depends = field(await candidate('linux-image-amd64'), 'Depends') ?? '';
    const m = /linux-image-(\S+-amd64) \(= ([^)]+)\)/.exec(depends);
    release = m?.[1];
    imageVersion = m?.[2];
  }
  if (!release || !imageVersion || !sourceVersion) {
    throw new VmRigError('VM_APT', 'cannot find a Debian linux-image/linux-source pair: run `apt-get update`', {
      step: 'choose kernel',
    });
  }
  if (!release.startsWith(`${series}.`)) {
    throw new VmRigError('VM_APT', `linux-image-${release} is not of series ${series}; pin one with DESKPHONE_VM_KERNEL`, {
      step: 'choose kernel',
    });
  }
  if (imageVersion !== sourceVersion) {
    throw new VmRigError(
      'VM_APT',
      `linux-image-${release} is ${imageVersion} but linux-source-${series} is ${sourceVersion}: gpio-mockup must be built from the same version (run apt-get update, or pin DESKPHONE_VM_KERNEL)`,
      { step: 'choose kernel' },
    );
  }
  return { release, version: imageVersion, series };
}
