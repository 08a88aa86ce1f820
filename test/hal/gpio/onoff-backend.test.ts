import { afterEach, describe, expect, it } from 'vitest';
import { OnoffGpioBackend } from '../../../hal/gpio/index.js';
import { HardwareError } from '../../../hal/index.js';
import { makeSysfsGpioTree } from '../support/sysfs-fixture.js';

/** A stand-in for onoff's Gpio class that records what the backend asks of it. */
function fakeOnoff() {
  const made: FakeGpio[] = [];
  class FakeGpio {
    static accessible = true;
    value: 0 | 1 = 0;
    watchers: ((err: Error | null | undefined, value: 0 | 1) => void)[] = [];
    unexported = false;
    constructor(
      readonly number: number,
      readonly direction: string,
      readonly edge?: string,
      readonly options: { activeLow?: boolean } = {},
    ) {
      if (number === 999) throw new Error('EINVAL: invalid argument, write');
      made.push(this);
    }
    async read(): Promise<0 | 1> {
      return this.value;
    }
    async write(v: 0 | 1): Promise<void> {
      this.value = v;
    }
    watch(cb: (err: Error | null | undefined, value: 0 | 1) => void): void {
      this.watchers.push(cb);
    }
    unwatchAll(): void {
      this.watchers = [];
    }
    unexport(): void {
      this.unexported = true;
    }
  }
  return { module: { Gpio: FakeGpio }, made };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((f) => f()));
});

async function backendOn(base: number) {
  const t = await makeSysfsGpioTree([{ label: 'pinctrl-bcm2711', base, ngpio: 58 }]);
  cleanups.push(t.remove);
  const onoff = fakeOnoff();
  let loads = 0;
  const backend = new OnoffGpioBackend({ sysfsRoot: t.root, loadOnoff: async () => (loads++, onoff.module) });
  return { backend, made: onoff.made, loads: () => loads };
}

describe('GPIO through onoff (sysfs)', () => {
  it('exports the kernel number base + offset, found from sysfs, and passes activeLow through', async () => {
    const { backend, made } = await backendOn(512);
    await backend.request({ line: { chip: 'pinctrl-bcm2711', offset: 17, activeLow: true }, direction: 'in', edge: 'both', consumer: 'test' });
    expect(made[0]).toMatchObject({ number: 529, direction: 'in', edge: 'both', options: { activeLow: true } });
  });

  it('claims an output at its initial level without a glitch, as the electrical level sysfs wants', async () => {
    const { backend, made } = await backendOn(0);
    await backend.request({ line: { chip: 'pinctrl-bcm2711', offset: 4, activeLow: true }, direction: 'out', initial: 1, consumer: 'row' });
    await backend.request({ line: { chip: 'pinctrl-bcm2711', offset: 5 }, direction: 'out', initial: 1, consumer: 'led' });
    await backend.request({ line: { chip: 'pinctrl-bcm2711', offset: 6 }, direction: 'out', consumer: 'led' });
    // Active-low and active: driven low. Active-high and active: high. Not given: inactive.
    expect(made.map((g) => [g.number, g.direction])).toEqual([
      [4, 'low'],
      [5, 'high'],
      [6, 'low'],
    ]);
  });

  it('loads onoff once, on the first request', async () => {
    const { backend, loads } = await backendOn(512);
    expect(loads()).toBe(0);
    await backend.request({ line: { chip: 'pinctrl-bcm2711', offset: 1 }, direction: 'in', consumer: 'a' });
    await backend.request({ line: { chip: 'pinctrl-bcm2711', offset: 2 }, direction: 'in', consumer: 'b' });
    expect(loads()).toBe(1);
  });

  it('reads, writes, forwards edges and unexports on release', async () => {
    const { backend, made } = await backendOn(512);
    const line = await backend.request({ line: { chip: 'pinctrl-bcm2711', offset: 3 }, direction: 'in', edge: 'both', consumer: 'hook' });
    const seen: number[] = [];
    line.onEdge((l) => seen.push(l));
    made[0]!.value = 1;
    expect(await line.read()).toBe(1);
    made[0]!.watchers.forEach((w) => w(null, 1));
    expect(seen).toEqual([1]);
    await line.release();
    expect(made[0]!.unexported).toBe(true);
    expect(made[0]!.watchers).toEqual([]);
  });

  it('names the line and the number when the kernel refuses the export', async () => {
    const t = await makeSysfsGpioTree([{ label: 'weird', base: 990, ngpio: 16 }]);
    cleanups.push(t.remove);
    const backend = new OnoffGpioBackend({ sysfsRoot: t.root, loadOnoff: async () => fakeOnoff().module });
    const err = await backend.request({ line: { chip: 'weird', offset: 9 }, direction: 'in', consumer: 'x' }).catch((e: unknown) => e as HardwareError);
    expect(err).toBeInstanceOf(HardwareError);
    expect(err).toMatchObject({ code: 'HAL_GPIO_IO', device: 'gpio:weird:9' });
    expect((err as Error).message).toContain('as GPIO 999 for x: EINVAL');
  });

  it('says how to fix it when onoff is not installed', async () => {
    const backend = new OnoffGpioBackend({
      loadOnoff: async () => {
        throw new Error("Cannot find package 'onoff'");
      },
    });
    await expect(backend.request({ line: { chip: 'pinctrl-bcm2711', offset: 1 }, direction: 'in', consumer: 'x' })).rejects.toMatchObject({ code: 'HAL_DRIVER_UNAVAILABLE' });
  });

  it('loads the real onoff package lazily (it is installed here; sysfs GPIO is not)', async () => {
    const t = await makeSysfsGpioTree([{ label: 'pinctrl-bcm2711', base: 512, ngpio: 58 }]);
    cleanups.push(t.remove);
    const backend = new OnoffGpioBackend({ sysfsRoot: t.root });
    // onoff itself writes to /sys/class/gpio/export, which this machine does not have: a clean HardwareError, not a crash.
    const err = await backend.request({ line: { chip: 'pinctrl-bcm2711', offset: 17 }, direction: 'in', consumer: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HardwareError);
    expect((err as HardwareError).code).toMatch(/HAL_GPIO_IO|HAL_DRIVER_UNAVAILABLE/);
  });
});
