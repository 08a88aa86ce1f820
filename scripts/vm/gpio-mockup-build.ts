import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { exec } from './exec.js';
import { VmRigError } from './errors.js';
import type { KernelTree } from './kernel-fetch.js';

/**
 * Debian's kernel has neither GPIO_MOCKUP nor GPIO_SIM nor IRQ_SIM, so the
 * rig builds gpio-mockup out of tree with the interrupt simulator linked into
 * the same module.
 *
 * irq_sim.c, built into the kernel, calls handle_simple_irq(irq_to_desc(n));
 * irq_to_desc is not exported to modules, so the module uses the exported
 * generic_handle_irq(n), which looks the descriptor up and runs the same
 * handler (kernel/irq/irqdesc.c).
 */
const IRQ_SIM_CALL = 'handle_simple_irq(irq_to_desc(irqnum));';
const IRQ_SIM_REPLACEMENT = 'generic_handle_irq(irqnum);';

// The module is named gpio-mockup (so its parameters keep their names); a
// multi-object module cannot share its name with one of its sources.
const KBUILD = 'obj-m := gpio-mockup.o\ngpio-mockup-y := gpio-mockup-main.o irq_sim.o\n';

export async function buildGpioMockup(cacheDir: string, tree: KernelTree, log: (line: string) => void): Promise<string> {
  const dir = join(cacheDir, 'gpio-mockup');
  const ko = join(dir, 'gpio-mockup.ko');
  if (existsSync(ko)) return ko;
  log('building gpio-mockup.ko out of tree');
  await mkdir(dir, { recursive: true });
  await copyFile(join(tree.sourceDir, 'drivers/gpio/gpio-mockup.c'), join(dir, 'gpio-mockup-main.c'));
  await copyFile(join(tree.sourceDir, 'drivers/gpio/gpiolib.h'), join(dir, 'gpiolib.h'));
  const irqSim = await readFile(join(tree.sourceDir, 'kernel/irq/irq_sim.c'), 'utf8');
  if (irqSim.split(IRQ_SIM_CALL).length !== 2) {
    throw new VmRigError('VM_BUILD', `irq_sim.c no longer has exactly one "${IRQ_SIM_CALL}"; revisit the patch`, {
      step: 'patch irq_sim.c',
    });
  }
  await writeFile(join(dir, 'irq_sim.c'), irqSim.replace(IRQ_SIM_CALL, IRQ_SIM_REPLACEMENT));
  await writeFile(join(dir, 'Kbuild'), KBUILD);
  await exec('make', ['-C', tree.headersDir, `M=${dir}`, 'modules'], 'make gpio-mockup');
  if (!existsSync(ko)) throw new VmRigError('VM_BUILD', 'make finished without gpio-mockup.ko', { step: 'make gpio-mockup' });
  return ko;
}
