import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeCpioNewc, type CpioEntry } from './cpio-newc.js';
import { BOOT_MODULES, DEVICE_MODULES, GPIO_MOCKUP_PARAMS, type GuestModule } from './guest-devices.js';
import { loadOrder, moduleName, parseModulesDep } from './module-order.js';

/** Lines the init prints on the console; the runner splits the output on them. */
export const MARK_BEGIN = '@@DESKPHONE-VM-BEGIN@@';
export const MARK_EXIT = '@@DESKPHONE-VM-EXIT';
export const MARK_FAIL = '@@DESKPHONE-VM-FAIL';

/** The host's static busybox (busybox-static) is the whole initramfs userland. */
export const BUSYBOX = '/bin/busybox';

export interface InitramfsInputs {
  readonly modulesDir: string;
  readonly gpioMockupKo: string;
}

function sh(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * PID 1 of the VM. It mounts the host's / read-only over virtio-9p (tag
 * `hostroot`) and the work folder read-write (tag `work`) at the same path,
 * loads the device modules, runs the script named on the kernel command line
 * chrooted into the host's tree (so the guest uses the host's node,
 * node_modules and aplay), prints its exit status and powers off.
 */
export function initScript(bootModules: readonly string[], deviceModules: readonly { file: string; params: readonly string[] }[]): string {
  const insmod = (file: string, params: readonly string[]): string =>
    `insmod /lib/modules/${file} ${params.map(sh).join(' ')} || fail ${sh(`insmod ${file}`)}`;
  return `#!/bin/busybox sh
/bin/busybox mkdir -p /bin /sbin
/bin/busybox --install -s /bin
export PATH=/bin
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
fail() { echo; echo "${MARK_FAIL} $*@@"; sync; poweroff -f; }
arg() { sed -n "s/.*deskphone\\.$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }
script=$(arg script)
work=$(arg work)
limit=$(arg timeout)
[ -n "$script" ] && [ -n "$work" ] || fail 'kernel command line lacks deskphone.script / deskphone.work'

${bootModules.map((f) => insmod(f, [])).join('\n')}
# msize: larger 9p messages make node's many small reads of node_modules cheaper.
# cache=loose: the VM lives for one command and the host does not change the
# files it reads meanwhile, so the guest may cache pages and lookups.
opts=trans=virtio,version=9p2000.L,msize=262144,cache=loose
mount -t 9p -o "$opts,ro" hostroot /newroot || fail 'mount host root'
mount -t proc proc /newroot/proc
mount -t sysfs sysfs /newroot/sys
mount -t devtmpfs devtmpfs /newroot/dev
mkdir -p /newroot/dev/pts /newroot/dev/shm
mount -t devpts devpts /newroot/dev/pts
mount -t tmpfs tmpfs /newroot/dev/shm
mount -t tmpfs tmpfs /newroot/tmp
mount -t tmpfs tmpfs /newroot/run
# After the tmpfs mounts, so a work folder under /tmp (a CI clone) is not hidden by them.
mkdir -p "/newroot$work" 2>/dev/null
mount -t 9p -o "$opts,rw" work "/newroot$work" || fail 'mount work folder'
mount -t debugfs debugfs /newroot/sys/kernel/debug
mount -t tracefs tracefs /newroot/sys/kernel/tracing

${deviceModules.map((m) => insmod(m.file, m.params)).join('\n')}

echo "${MARK_BEGIN}"
# The VM powers itself off when the command overruns, even if the host's runner died meanwhile.
timeout -s KILL "\${limit:-600}" chroot /newroot /bin/sh "$script"
rc=$?
echo
echo "${MARK_EXIT} $rc@@"
sync
poweroff -f
`;
}

/**
 * Builds the initramfs: busybox, /init, /dev/console (the kernel opens it for
 * PID 1 before devtmpfs exists) and every module to insmod, flattened into
 * /lib/modules in load order (dependencies resolved from modules.dep).
 */
export async function buildInitramfs(inputs: InitramfsInputs): Promise<Buffer> {
  const modules = parseModulesDep(await readFile(join(inputs.modulesDir, 'modules.dep'), 'utf8'));
  const names = (list: readonly GuestModule[]): string[] => list.map((m) => m.name);
  const boot = loadOrder(modules, names(BOOT_MODULES));
  const bootPaths = new Set(boot.map((m) => m.path));
  const devices = loadOrder(modules, names(DEVICE_MODULES)).filter((m) => !bootPaths.has(m.path));
  const paramsOf = (path: string): readonly string[] =>
    DEVICE_MODULES.find((m) => moduleName(m.name) === moduleName(path))?.params ?? [];

  const entries: CpioEntry[] = [
    { kind: 'dir', path: 'bin' },
    { kind: 'dir', path: 'dev' },
    { kind: 'char', path: 'dev/console', major: 5, minor: 1 },
    { kind: 'dir', path: 'proc' },
    { kind: 'dir', path: 'sys' },
    { kind: 'dir', path: 'newroot' },
    { kind: 'dir', path: 'lib' },
    { kind: 'dir', path: 'lib/modules' },
    { kind: 'file', path: 'bin/busybox', data: await readFile(BUSYBOX), mode: 0o755 },
  ];
  const flat = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
  for (const m of [...boot, ...devices]) {
    entries.push({ kind: 'file', path: `lib/modules/${flat(m.path)}`, data: await readFile(join(inputs.modulesDir, m.path)) });
  }
  entries.push({ kind: 'file', path: 'lib/modules/gpio-mockup.ko', data: await readFile(inputs.gpioMockupKo) });
  const init = initScript(
    boot.map((m) => flat(m.path)),
    [
      ...devices.map((m) => ({ file: flat(m.path), params: paramsOf(m.path) })),
      { file: 'gpio-mockup.ko', params: GPIO_MOCKUP_PARAMS },
    ],
  );
  entries.push({ kind: 'file', path: 'init', data: Buffer.from(init, 'utf8'), mode: 0o755 });
  return writeCpioNewc(entries);
}
