import { afterEach, describe, expect, it } from 'vitest';
import { discoverGpioChips, GpioChipMap, resolveGpioNumber } from '../../../hal/gpio/index.js';
import { HardwareError } from '../../../hal/errors.js';
import { makeSysfsGpioTree } from '../support/sysfs-fixture.js';
import type { FixtureChip } from '../support/sysfs-fixture.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((f) => f()));
});

async function tree(chips: FixtureChip[]): Promise<string> {
  const t = await makeSysfsGpioTree(chips);
  cleanups.push(t.remove);
  return t.root;
}

// The kernels a Pi board may run (HAL-TESTING.md): the same BCM line lands on different sysfs numbers.
const kernels: { name: string; chips: FixtureChip[]; chip: string; bcm17: number }[] = [
  {
    name: 'Pi 4 on a kernel before 6.6 (base 0)',
    chips: [
      { label: 'pinctrl-bcm2711', base: 0, ngpio: 58 },
      { label: 'raspberrypi-exp-gpio', base: 504, ngpio: 8 },
    ],
    chip: 'pinctrl-bcm2711',
    bcm17: 17,
  },
  {
    name: 'Pi 4 on Pi OS 6.6+ (base 512)',
    chips: [
      { label: 'pinctrl-bcm2711', base: 512, ngpio: 58 },
      { label: 'raspberrypi-exp-gpio', base: 570, ngpio: 8 },
    ],
    chip: 'pinctrl-bcm2711',
    bcm17: 529,
  },
  {
    name: 'Pi 5 on Pi OS 6.6+ (base 571, RP1)',
    chips: [
      { label: 'gpio-brcmstb@107d508500', base: 512, ngpio: 32 },
      { label: 'gpio-brcmstb@107d517c00', base: 544, ngpio: 15 },
      { label: 'pinctrl-rp1', base: 571, ngpio: 54 },
    ],
    chip: 'pinctrl-rp1',
    bcm17: 588,
  },
];

describe('mapping (chip label, line) to the kernel GPIO number from sysfs', () => {
  for (const k of kernels) {
    it(`finds BCM 17 on ${k.name}`, async () => {
      const map = new GpioChipMap(await tree(k.chips));
      expect(await map.gpioNumber({ chip: k.chip, offset: 17 })).toBe(k.bcm17);
    });
  }

  it('reads label, base and ngpio of every chip', async () => {
    const chips = await discoverGpioChips(await tree(kernels[2]!.chips));
    expect(chips.map((c) => [c.label, c.base, c.ngpio])).toEqual([
      ['gpio-brcmstb@107d508500', 512, 32],
      ['gpio-brcmstb@107d517c00', 544, 15],
      ['pinctrl-rp1', 571, 54],
    ]);
  });

  it('refuses a chip label that is not there, listing the chips that are', () => {
    const err = catchError(() => resolveGpioNumber([{ name: 'gpiochip512', label: 'pinctrl-bcm2711', base: 512, ngpio: 58 }], { chip: 'pinctrl-rp1', offset: 4 }));
    expect(err).toBeInstanceOf(HardwareError);
    expect(err.code).toBe('HAL_GPIO_LINE_NOT_FOUND');
    expect(err.device).toBe('gpio:pinctrl-rp1:4');
    expect(err.message).toContain("'pinctrl-bcm2711' (base 512)");
  });

  it('refuses a line beyond the chip, rather than reaching into the next chip', () => {
    const chips = kernels[1]!.chips.map((c) => ({ ...c, name: `gpiochip${c.base}` }));
    const err = catchError(() => resolveGpioNumber(chips, { chip: 'pinctrl-bcm2711', offset: 58 }));
    expect(err.message).toContain('lines 0–57');
  });

  it('reports a sysfs root without GPIO support clearly', async () => {
    await expect(discoverGpioChips('/nonexistent/sys/class/gpio')).rejects.toThrow(/cannot list GPIO chips/);
  });
});

function catchError(fn: () => unknown): HardwareError {
  try {
    fn();
  } catch (e) {
    return e as HardwareError;
  }
  throw new Error('expected an error');
}
