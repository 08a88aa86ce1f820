import { spawn } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { VmRigError } from './errors.js';
import { MARK_BEGIN, MARK_EXIT, MARK_FAIL } from './initramfs.js';
import type { Rig } from './rig-build.js';

export interface VmRunOptions {
  /** argv of the command to run inside the VM (no shell unless you pass one). */
  readonly command: readonly string[];
  /** Working directory in the guest; the host's path (the guest sees the host's tree). Defaults to the repo root. */
  readonly cwd?: string;
  /** Extra environment for the command. */
  readonly env?: Readonly<Record<string, string>>;
  /** Wall-clock budget for boot + command; QEMU is killed past it. TCG is ~8× slower than the host. */
  readonly timeoutMs?: number;
  /**
   * A unix socket the host is already listening on: QEMU connects to it and
   * wires it to the guest's second UART (/dev/ttyS1), so bytes the guest
   * writes there arrive on the host's socket and back.
   */
  readonly serialSocket?: string;
  /** Kernel messages on the console (loglevel 7 instead of 1), for debugging a boot. */
  readonly verboseKernel?: boolean;
  /** Every chunk of console output as it arrives. */
  readonly onConsole?: (text: string) => void;
  readonly memoryMb?: number;
  readonly cpus?: number;
}

export interface VmRunResult {
  /** The command's exit status inside the VM. */
  readonly exitCode: number;
  /** What the command printed (stdout and stderr interleaved, as on a terminal). */
  readonly output: string;
  /** The whole serial console, boot messages included. */
  readonly console: string;
  /** Milliseconds from starting QEMU until the command started. */
  readonly bootMs: number;
  /** Milliseconds from starting QEMU until it exited. */
  readonly totalMs: number;
}

export const DEFAULT_TIMEOUT_MS = 240_000;
/** How much earlier than the host's timeout the guest kills an overrunning command (exit 137), so its output still comes back. */
const GUEST_DEADLINE_MARGIN_MS = 10_000;

function sh(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** QEMU's option syntax separates on commas; a comma inside a value is written twice. */
function qemuValue(value: string): string {
  return value.replaceAll(',', ',,');
}

/** The script the guest's init runs chrooted into the host's tree. */
export function runScript(command: readonly string[], cwd: string, env: Readonly<Record<string, string>>): string {
  const base: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: '/tmp',
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    DESKPHONE_VM: '1',
  };
  const lines = Object.entries({ ...base, ...env }).map(([k, v]) => `export ${k}=${sh(v)}`);
  // 125: the command could not even be started (cd failed); 126/127 come from exec itself.
  return `${lines.join('\n')}\ncd ${sh(cwd)} || exit 125\nexec ${command.map(sh).join(' ')}\n`;
}

/** Splits the console on the init's markers. Exported for tests of the parsing. */
export function parseConsole(consoleText: string): { exitCode?: number; output?: string; failure?: string } {
  const text = consoleText.replaceAll('\r', '');
  const fail = new RegExp(`${MARK_FAIL} (.*)@@`).exec(text);
  if (fail) return { failure: fail[1] ?? '' };
  const begin = text.indexOf(`${MARK_BEGIN}\n`);
  const exit = new RegExp(`\\n?${MARK_EXIT} (\\d+)@@`).exec(text);
  if (begin < 0 || !exit) return {};
  const output = text.slice(begin + MARK_BEGIN.length + 1, exit.index);
  return { exitCode: Number(exit[1]), output };
}

/**
 * Boots the rig's kernel under QEMU (TCG: /dev/kvm is unusable here, see
 * HAL-TESTING.md), runs one command inside and returns its exit status and
 * output. No network (`-nic none`); the host's / is shared read-only and the
 * work folder read-write over virtio-9p.
 */
export async function runInVm(rig: Rig, options: VmRunOptions): Promise<VmRunResult> {
  const cwd = options.cwd ?? rig.workDir;
  for (const [what, path] of [['work folder', rig.workDir], ['cwd', cwd]] as const) {
    // The kernel command line is split on spaces, and the init reads paths from it.
    if (/\s/.test(path)) throw new VmRigError('VM_BOOT', `the ${what} path must not contain spaces: ${path}`, { step: 'run' });
  }
  const runDir = join(rig.cacheRoot, 'runs', `${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(runDir, { recursive: true });
  const script = join(runDir, 'run.sh');
  await writeFile(script, runScript(options.command, cwd, options.env ?? {}));

  const append = [
    'console=ttyS0',
    `loglevel=${options.verboseKernel ? 7 : 1}`,
    'panic=-1', // a failed init reboots at once, and -no-reboot turns that into QEMU exiting
    'mitigations=off', // speculative-execution fixes only slow TCG down; nothing untrusted runs here
    'rdinit=/init',
    `deskphone.script=${script}`,
    `deskphone.work=${rig.workDir}`,
    // The guest's own deadline for the command, inside the host's: boot takes some of the budget.
    `deskphone.timeout=${Math.max(1, Math.floor(((options.timeoutMs ?? DEFAULT_TIMEOUT_MS) - GUEST_DEADLINE_MARGIN_MS) / 1000))}`,
  ].join(' ');
  const args = [
    '-accel', 'tcg,thread=multi',
    '-cpu', 'max',
    '-m', String(options.memoryMb ?? 1024),
    '-smp', String(options.cpus ?? 2),
    '-nic', 'none',
    '-display', 'none',
    '-monitor', 'none',
    '-no-reboot',
    '-kernel', rig.vmlinuz,
    '-initrd', rig.initramfs,
    '-append', append,
    '-fsdev', 'local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap',
    '-device', 'virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot',
    '-fsdev', `local,id=work,path=${qemuValue(rig.workDir)},security_model=none,multidevs=remap`,
    '-device', 'virtio-9p-pci,fsdev=work,mount_tag=work',
    '-serial', 'stdio',
    ...(options.serialSocket
      ? ['-chardev', `socket,id=uart1,path=${qemuValue(options.serialSocket)}`, '-serial', 'chardev:uart1']
      : ['-serial', 'null']),
  ];

  const started = performance.now();
  let bootMs = -1;
  let consoleText = '';
  let stderr = '';
  let timedOut = false;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    const status = await new Promise<number | null>((resolve, reject) => {
      const qemu = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      // A test runner that exits (or is interrupted) takes its VM with it.
      const killOnExit = (): void => void qemu.kill('SIGKILL');
      process.once('exit', killOnExit);
      const timer = setTimeout(() => {
        timedOut = true;
        qemu.kill('SIGKILL');
      }, timeoutMs);
      qemu.stdout.setEncoding('utf8').on('data', (s: string) => {
        consoleText += s;
        if (bootMs < 0 && consoleText.includes(MARK_BEGIN)) bootMs = performance.now() - started;
        options.onConsole?.(s);
      });
      qemu.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
      qemu.on('error', (cause) => {
        clearTimeout(timer);
        process.removeListener('exit', killOnExit);
        reject(new VmRigError('VM_BOOT', `cannot start qemu-system-x86_64: ${cause.message}`, { step: 'qemu' }, { cause }));
      });
      qemu.on('close', (code) => {
        clearTimeout(timer);
        process.removeListener('exit', killOnExit);
        resolve(code);
      });
    });
    const totalMs = performance.now() - started;
    const parsed = parseConsole(consoleText);
    const tailText = `${consoleText}\n${stderr}`.replaceAll('\r', '').trimEnd().split('\n').slice(-40).join('\n');
    if (timedOut) {
      throw new VmRigError('VM_TIMEOUT', `VM still running after ${timeoutMs} ms; console tail:\n${tailText}`, {
        step: 'run',
        output: tailText,
      });
    }
    if (parsed.failure !== undefined) {
      throw new VmRigError('VM_BOOT', `VM init failed: ${parsed.failure}\n${tailText}`, { step: 'init', output: tailText });
    }
    if (parsed.exitCode === undefined || parsed.output === undefined) {
      throw new VmRigError('VM_BOOT', `QEMU exited (${status}) without the command's exit status; console tail:\n${tailText}`, {
        step: 'boot',
        output: tailText,
      });
    }
    return { exitCode: parsed.exitCode, output: parsed.output, console: consoleText, bootMs, totalMs };
  } finally {
    await rm(runDir, { recursive: true, force: true });
  }
}
