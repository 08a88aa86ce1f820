import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FixtureChip {
  label: string;
  base: number;
  ngpio: number;
}

/** Writes a /sys/class/gpio-shaped tree (gpiochipN/{label,base,ngpio} plus export files) into a temp folder. */
export async function makeSysfsGpioTree(chips: FixtureChip[]): Promise<{ root: string; remove: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'deskphone-sysfs-'));
  await writeFile(join(root, 'export'), '');
  await writeFile(join(root, 'unexport'), '');
  for (const chip of chips) {
    const dir = join(root, `gpiochip${chip.base}`);
    await mkdir(dir);
    // sysfs attribute files end with a newline, as the kernel prints them.
    await writeFile(join(dir, 'label'), `${chip.label}\n`);
    await writeFile(join(dir, 'base'), `${chip.base}\n`);
    await writeFile(join(dir, 'ngpio'), `${chip.ngpio}\n`);
  }
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}
