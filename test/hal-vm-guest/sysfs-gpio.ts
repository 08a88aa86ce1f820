import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A gpiochip as sysfs shows it (/sys/class/gpio/gpiochipN/{label,base,ngpio}). */
export interface SysfsChip {
  readonly label: string;
  readonly base: number;
  readonly ngpio: number;
  /** The gpio-mockup debugfs folder for this chip: one file per line offset. */
  readonly debugfsDir: string;
}

const CLASS_GPIO = '/sys/class/gpio';
const MOCKUP_DEBUGFS = '/sys/kernel/debug/gpio-mockup';

/**
 * Finds the chip by label, as a board would. gpio-mockup's debugfs folder is
 * named after the gpio device (gpiochip0, …), which sysfs lists under the
 * legacy chip's device/ folder.
 */
export async function findChip(label: string): Promise<SysfsChip> {
  for (const entry of await readdir(CLASS_GPIO)) {
    if (!entry.startsWith('gpiochip')) continue;
    const dir = join(CLASS_GPIO, entry);
    const read = async (f: string): Promise<string> => (await readFile(join(dir, f), 'utf8')).trim();
    if ((await read('label')) !== label) continue;
    const devices = (await readdir(join(dir, 'device'))).filter((d) => /^gpiochip\d+$/.test(d));
    const device = devices[0];
    if (!device) throw new Error(`${dir}/device has no gpiochipN entry`);
    return { label, base: Number(await read('base')), ngpio: Number(await read('ngpio')), debugfsDir: join(MOCKUP_DEBUGFS, device) };
  }
  throw new Error(`no gpiochip labelled ${label} under ${CLASS_GPIO}`);
}

/**
 * The "hardware" side: gpio-mockup's debugfs file for a line pulls an input
 * line up (1) or down (0), raising the same interrupt a real pin would.
 */
export async function driveLine(chip: SysfsChip, offset: number, level: 0 | 1): Promise<void> {
  await writeFile(join(chip.debugfsDir, String(offset)), String(level));
}

/** The level gpio-mockup holds for a line: what a consumer drove out, or the pull on an input. */
export async function lineLevel(chip: SysfsChip, offset: number): Promise<number> {
  return Number((await readFile(join(chip.debugfsDir, String(offset)), 'utf8')).trim());
}
