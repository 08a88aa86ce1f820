import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HardwareError, HardwareErrorCode } from '../errors.js';
import type { LineRef } from './line.js';

/** The sysfs class folder the kernel exposes (configurable so tests use fixture trees). */
export const DEFAULT_SYSFS_GPIO_ROOT = '/sys/class/gpio';

export interface GpioChipInfo {
  /** The folder name, e.g. 'gpiochip512'. */
  name: string;
  label: string;
  /** The kernel GPIO number of the chip's line 0. */
  base: number;
  ngpio: number;
}

/**
 * Reads every gpiochip under the sysfs root. The base is read, never assumed:
 * Raspberry Pi OS kernels before 6.6 put the SoC's chip at 0, 6.6+ at 512 on
 * Pi 0–4 and 571 on Pi 5 (HAL-TESTING.md; onoff issues #199/#200), and the
 * legacy numbers then fail with EINVAL.
 */
export async function discoverGpioChips(sysfsRoot = DEFAULT_SYSFS_GPIO_ROOT): Promise<GpioChipInfo[]> {
  let entries: string[];
  try {
    entries = await readdir(sysfsRoot);
  } catch (cause) {
    throw new HardwareError(HardwareErrorCode.GPIO_LINE_NOT_FOUND, 'gpio', `cannot list GPIO chips in ${sysfsRoot} (is the kernel built with GPIO_SYSFS?)`, { cause });
  }
  const chips: GpioChipInfo[] = [];
  for (const name of entries.filter((e) => /^gpiochip\d+$/.test(e)).sort()) {
    const dir = join(sysfsRoot, name);
    const [label, base, ngpio] = await Promise.all(['label', 'base', 'ngpio'].map((f) => readFile(join(dir, f), 'utf8').then((s) => s.trim())));
    const b = Number(base);
    const n = Number(ngpio);
    if (!Number.isInteger(b) || !Number.isInteger(n)) {
      throw new HardwareError(HardwareErrorCode.GPIO_LINE_NOT_FOUND, 'gpio', `${dir} has an unreadable base '${base}' or ngpio '${ngpio}'`);
    }
    chips.push({ name, label: label!, base: b, ngpio: n });
  }
  return chips;
}

/** Maps (chip label, line offset) to the kernel's global GPIO number, which sysfs and onoff speak. */
export function resolveGpioNumber(chips: readonly GpioChipInfo[], ref: LineRef): number {
  const chip = chips.find((c) => c.label === ref.chip);
  const device = `gpio:${ref.chip}:${ref.offset}`;
  if (chip === undefined) {
    const known = chips.map((c) => `'${c.label}' (base ${c.base})`).join(', ') || 'none';
    throw new HardwareError(HardwareErrorCode.GPIO_LINE_NOT_FOUND, device, `no GPIO chip labelled '${ref.chip}'; chips present: ${known}`);
  }
  if (!Number.isInteger(ref.offset) || ref.offset < 0 || ref.offset >= chip.ngpio) {
    throw new HardwareError(HardwareErrorCode.GPIO_LINE_NOT_FOUND, device, `line ${ref.offset} is outside chip '${chip.label}', which has lines 0–${chip.ngpio - 1}`);
  }
  return chip.base + ref.offset;
}

/** Caches the discovery so a board with twenty lines reads sysfs once. */
export class GpioChipMap {
  private chips: Promise<GpioChipInfo[]> | undefined;

  constructor(private readonly sysfsRoot = DEFAULT_SYSFS_GPIO_ROOT) {}

  list(): Promise<GpioChipInfo[]> {
    this.chips ??= discoverGpioChips(this.sysfsRoot);
    return this.chips;
  }

  async gpioNumber(ref: LineRef): Promise<number> {
    return resolveGpioNumber(await this.list(), ref);
  }
}
