import { GpioHookSwitch, OnoffGpioBackend } from '../../../hal/gpio/index.js';
import type { HookEvent } from '../../../hal/index.js';
import { SystemClock } from '../../../firmware/clock/index.js';
import { GPIO_MOCKUP } from '../../../scripts/vm/guest-devices.js';
import { driveLine, findChip } from '../sysfs-gpio.js';
import { sleep, waitFor } from '../sleep.js';
import type { CheckResult } from '../report.js';

const HOOK_OFFSET = 17;
/**
 * Wider windows than a board's defaults: TCG runs node ~8× slower and a
 * loaded host stalls the guest for tens of milliseconds (a stall inside the
 * bounce burst must not look like a second lift), and the check is about the
 * kernel path (sysfs edges → onoff → debounce → re-read), not the figures,
 * which the unit tests pin with a fake clock.
 */
const TIMING = { debounceMs: 100, flashMinMs: 200, flashMaxMs: 1500 };
const EVENT_TIMEOUT_MS = 5_000;

/**
 * hal/gpio's hook switch on the real kernel: the chip found by its label
 * through sysfs, edge interrupts from gpio-mockup. The "cradle" is the
 * mockup's debugfs line: a bouncing lift, a hook flash, then a hang-up.
 */
export async function halHookSwitch(): Promise<CheckResult> {
  const chip = await findChip(GPIO_MOCKUP.label);
  await driveLine(chip, HOOK_OFFSET, 0); // handset in the cradle before the driver starts
  const events: (HookEvent & { sinceDriveMs: number })[] = [];
  let lastDrive = performance.now();
  const hook = await GpioHookSwitch.open({
    gpio: new OnoffGpioBackend(),
    clock: new SystemClock(),
    line: { chip: GPIO_MOCKUP.label, offset: HOOK_OFFSET },
    timing: TIMING,
  });
  hook.onHook((e) => events.push({ ...e, sinceDriveMs: performance.now() - lastDrive }));
  const initial = hook.state;
  try {
    // Lift: the contact bounces a few times within ~10 ms before it settles closed.
    for (const level of [1, 0, 1, 0, 1] as const) await driveLine(chip, HOOK_OFFSET, level);
    lastDrive = performance.now();
    await waitFor(() => events.length >= 1, EVENT_TIMEOUT_MS, 'off-hook');
    await sleep(TIMING.debounceMs * 3); // no second event may follow from the bounces
    const afterLift = events.length;

    // Flash: down for ~600 ms (inside 200–1500 ms), then up again.
    await driveLine(chip, HOOK_OFFSET, 0);
    await sleep(600);
    await driveLine(chip, HOOK_OFFSET, 1);
    lastDrive = performance.now();
    await waitFor(() => events.length >= 2, EVENT_TIMEOUT_MS, 'flash');

    // Hang up: down and staying down past flashMaxMs.
    await driveLine(chip, HOOK_OFFSET, 0);
    lastDrive = performance.now();
    await waitFor(() => events.length >= 3, TIMING.flashMaxMs + EVENT_TIMEOUT_MS, 'on-hook');
    return {
      ok: true,
      initial,
      eventsAfterBouncyLift: afterLift,
      events: events.map((e) => e.type),
      final: hook.state,
      liftToEventMs: events[0]?.sinceDriveMs,
    };
  } finally {
    await hook.close();
  }
}
