#!/usr/bin/env -S npx tsx
/**
 * The tier-A VM rig by hand:
 *   npx tsx scripts/vm/cli.ts check                   which Debian packages are missing
 *   npx tsx scripts/vm/cli.ts build                   build or refresh the cache under .tmp/vm/
 *   npx tsx scripts/vm/cli.ts run [opts] -- CMD ARGS  boot, run CMD inside, exit with its status
 */
import { Command, InvalidArgumentError } from 'commander';
import { buildRig, runInVm, checkPrerequisites, VmRigError } from './index.js';
import { MARK_BEGIN, MARK_EXIT } from './initramfs.js';

/**
 * Shows the command's output while it runs (a long test in the VM shows
 * progress): what the console carries between the init's markers, holding
 * back a tail that could be the start of the exit marker.
 */
class CommandOutputStream {
  private text = '';
  private shown = 0;

  constructor(private readonly write: (text: string) => void) {}

  push(chunk: string): void {
    this.text += chunk.replaceAll('\r', '');
    const begin = this.text.indexOf(`${MARK_BEGIN}\n`);
    if (begin < 0) return;
    const start = Math.max(this.shown, begin + MARK_BEGIN.length + 1);
    const exit = this.text.indexOf(`\n${MARK_EXIT}`, start);
    const end = exit >= 0 ? exit : Math.max(start, this.text.length - MARK_EXIT.length - 1);
    if (end > start) this.write(this.text.slice(start, end));
    this.shown = Math.max(this.shown, end);
  }

  /** Writes whatever of the final output was not shown yet. */
  end(output: string): void {
    const begin = this.text.indexOf(`${MARK_BEGIN}\n`);
    const shownOfOutput = begin < 0 ? 0 : Math.max(0, this.shown - (begin + MARK_BEGIN.length + 1));
    if (shownOfOutput < output.length) this.write(output.slice(shownOfOutput));
  }
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

const log = (line: string): void => void process.stderr.write(`[vm] ${line}\n`);

const program = new Command('deskphone-vm').description('QEMU rig for tier-A hardware tests (real kernel drivers)');

program
  .command('check')
  .description('name the Debian packages the rig still needs on this host')
  .action(async () => {
    await checkPrerequisites();
    log('all packages present');
  });

program
  .command('build')
  .description('download the kernel, build gpio-mockup and the initramfs (cached in .tmp/vm/)')
  .action(async () => {
    const t0 = performance.now();
    const rig = await buildRig({ log });
    log(`kernel ${rig.kernel.release} (${rig.kernel.version}) ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    log(`vmlinuz   ${rig.vmlinuz}`);
    log(`initramfs ${rig.initramfs}`);
  });

program
  .command('run')
  .description('boot the VM, run a command in it (cwd = this directory) and exit with its status')
  .option('--timeout <seconds>', 'time budget for boot and command', positiveInt, 240)
  .option('--serial-socket <path>', 'a listening unix socket to wire to the guest /dev/ttyS1')
  .option('--verbose-kernel', 'show kernel messages on the console')
  .argument('<command...>', 'the command and its arguments (put them after --)')
  .action(async (command: string[], opts: { timeout: number; serialSocket?: string; verboseKernel?: boolean }) => {
    const rig = await buildRig({ log });
    const stream = new CommandOutputStream((text) => process.stdout.write(text));
    const result = await runInVm(rig, {
      command,
      cwd: process.cwd(),
      timeoutMs: opts.timeout * 1000,
      ...(opts.serialSocket ? { serialSocket: opts.serialSocket } : {}),
      verboseKernel: opts.verboseKernel ?? false,
      onConsole: (chunk) => stream.push(chunk),
    });
    stream.end(result.output);
    log(`exit ${result.exitCode}; boot ${(result.bootMs / 1000).toFixed(1)} s, total ${(result.totalMs / 1000).toFixed(1)} s`);
    process.exitCode = result.exitCode;
  });

program.parseAsync().catch((err: unknown) => {
  if (err instanceof VmRigError) {
    log(`${err.code}: ${err.message}`);
    process.exitCode = err.code === 'VM_PREREQ_MISSING' ? 3 : 2;
    return;
  }
  throw err;
});
