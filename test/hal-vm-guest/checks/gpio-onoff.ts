import { GPIO_MOCKUP } from '../../../scripts/vm/guest-devices.js';
import { driveLine, findChip, lineLevel } from '../sysfs-gpio.js';
import type { CheckResult } from '../report.js';
import { importOptional } from '../../../hal/optional-module.js';

/** What this check uses of onoff (typed here: the package is optional and may be absent where the repo is typechecked). */
interface OnoffLine {
  writeSync(value: 0 | 1): void;
  readSync(): 0 | 1;
  watch(callback: (err: Error | null | undefined, value: 0 | 1) => void): void;
  unwatchAll(): void;
  unexport(): void;
}
interface Onoff {
  Gpio: { accessible: boolean; new (gpio: number, direction: 'in' | 'out', edge?: 'both'): OnoffLine };
}

/** Lines used by this check: one output, one input with interrupts. */
const OUT_OFFSET = 5;
const IN_OFFSET = 17;
const EDGES = 10;
const EDGE_TIMEOUT_MS = 5_000;

/**
 * onoff against the kernel's sysfs GPIO on gpio-mockup: the chip is found by
 * label (base 512, as Pi OS 6.6+ numbers a Pi 4's header), an output's level
 * reaches the "pin", and levels driven on an input's "pin" arrive as edge
 * interrupts — one at a time, since sysfs coalesces edges the callback has
 * not yet seen (HAL-TESTING.md).
 */
export async function gpioOnoff(): Promise<CheckResult> {
  // Loaded per check: importing every native package at start-up costs seconds over 9p under TCG.
  const { Gpio } = await importOptional<Onoff>('onoff');
  const chip = await findChip(GPIO_MOCKUP.label);
  const out = new Gpio(chip.base + OUT_OFFSET, 'out');
  const input = new Gpio(chip.base + IN_OFFSET, 'in', 'both');
  try {
    out.writeSync(1);
    const outHigh = await lineLevel(chip, OUT_OFFSET);
    out.writeSync(0);
    const outLow = await lineLevel(chip, OUT_OFFSET);

    const edges: { level: number; latencyMs: number }[] = [];
    let pending: ((level: number) => void) | undefined;
    input.watch((err, value) => {
      if (!err) pending?.(value);
    });
    for (let i = 0; i < EDGES; i++) {
      const level = i % 2 === 0 ? 1 : 0;
      const t0 = performance.now();
      const seen = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no interrupt ${EDGE_TIMEOUT_MS} ms after driving line ${IN_OFFSET} to ${level}`)), EDGE_TIMEOUT_MS);
        pending = (v) => {
          clearTimeout(timer);
          resolve(v);
        };
      });
      await driveLine(chip, IN_OFFSET, level);
      edges.push({ level: await seen, latencyMs: performance.now() - t0 });
      pending = undefined;
    }
    const readBack = input.readSync();
    const latencies = edges.map((e) => e.latencyMs).sort((a, b) => a - b);
    return {
      ok: true,
      chip: { label: chip.label, base: chip.base, ngpio: chip.ngpio },
      accessible: Gpio.accessible,
      outHigh,
      outLow,
      edgeLevels: edges.map((e) => e.level),
      readBack,
      edgeLatencyMs: { median: latencies[Math.floor(latencies.length / 2)], max: latencies.at(-1) },
    };
  } finally {
    input.unwatchAll();
    input.unexport();
    out.unexport();
  }
}
