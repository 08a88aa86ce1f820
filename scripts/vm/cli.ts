#!/usr/bin/env -S npx tsx
/**
 * The tier-A VM rig by hand:
 *   npx tsx scripts/vm/cli.ts check                   which Debian packages are missing
 *   npx tsx scripts/vm/cli.ts build                   build or refresh the cache under .tmp/vm/
 *   npx tsx scripts/vm/cli.ts run [opts] -- CMD ARGS  boot, run CMD inside, exit with its status
 */
import { Command, InvalidArgumentError } from 'commander';
import { buildRig, runInVm, checkPrerequisites, VmRigError } from './index.js';

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
    const result = await runInVm(rig, {
      command,
      cwd: process.cwd(),
      timeoutMs: opts.timeout * 1000,
      ...(opts.serialSocket ? { serialSocket: opts.serialSocket } : {}),
      verboseKernel: opts.verboseKernel ?? false,
    });
    process.stdout.write(result.output);
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
