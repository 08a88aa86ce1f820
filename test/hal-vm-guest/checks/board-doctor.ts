import { existsSync } from 'node:fs';
import { boardChecks, buildBoard, validateBoard } from '../../../board/index.js';
import { silentLog } from '../../../hal/index.js';
import { formatDoctorReport, runDoctor, systemProbes } from '../../../hal/doctor/index.js';
import { SystemClock } from '../../../firmware/clock/index.js';
import { GPIO_MOCKUP } from '../../../scripts/vm/guest-devices.js';
import { findChip, lineLevel } from '../sysfs-gpio.js';
import { findStubBus } from './i2c-bus-stub.js';
import { VM_BOARD_LINES, vmBoard } from '../vm-board.js';
import { waitFor } from '../sleep.js';
import type { CheckResult } from '../report.js';

const PROBE_TIMEOUT_MS = 20_000;
/** An address nothing answers at on the VM's bus: the LCD "unplugged". */
export const ABSENT_LCD_ADDRESS = 0x3f;

/**
 * `deskphone doctor`'s checks and probes (hal/doctor) on a board file for
 * the VM: every device present must pass; the same board with the LCD at an
 * address where nothing answers must fail that one check, naming it.
 */
export async function boardDoctor(): Promise<CheckResult> {
  const clock = new SystemClock();
  const bus = await findStubBus();
  const board = validateBoard(vmBoard(bus));
  const results = await runDoctor(boardChecks(board), systemProbes(), clock, PROBE_TIMEOUT_MS);
  const definition = vmBoard(bus);
  const unplugged = validateBoard({ ...definition, display: { ...definition.display, address: ABSENT_LCD_ADDRESS } });
  const missing = (await runDoctor(boardChecks(unplugged), systemProbes(), clock, PROBE_TIMEOUT_MS)).filter((r) => !r.ok);
  return {
    ok: true,
    bus,
    results: results.map((r) => ({ setting: r.setting, check: r.check, ok: r.ok, detail: r.detail })),
    missing: missing.map((r) => ({ setting: r.setting, check: r.check })),
    report: formatDoctorReport(board.name, results),
  };
}

/**
 * The whole board started from its file through the driver registry
 * (board/build.ts), as main.ts does on a phone: every device comes up on the
 * VM's kernel devices, an LED lights its line, and closing gives every GPIO
 * line back to the kernel.
 */
export async function boardBuild(): Promise<CheckResult> {
  const clock = new SystemClock();
  const bus = await findStubBus();
  const chip = await findChip(GPIO_MOCKUP.label);
  const board = validateBoard(vmBoard(bus));
  const devices = await buildBoard(board, { clock, log: silentLog });
  let closed = false;
  try {
    const display = devices.display;
    await waitFor(() => display.status.state !== 'starting', 20_000, 'the display to answer');
    await display.writeLine(0, 'board qemu-tier-a');
    devices.leds.message!.set('on');
    await waitFor(() => devices.leds.message!.lit, 5_000, 'the message lamp');
    const ledLine = await lineLevel(chip, VM_BOARD_LINES.ledMessage);
    devices.leds.message!.set('off');
    const exported = [VM_BOARD_LINES.hook, VM_BOARD_LINES.ledMessage, VM_BOARD_LINES.keypadRow].map((o) => existsSync(`/sys/class/gpio/gpio${chip.base + o}`));
    await devices.close();
    closed = true;
    const leftExported = [VM_BOARD_LINES.hook, VM_BOARD_LINES.ledMessage, VM_BOARD_LINES.keypadRow].filter((o) => existsSync(`/sys/class/gpio/gpio${chip.base + o}`));
    return {
      ok: true,
      displayStatus: display.status.state,
      displayContents: display.contents(),
      ledLineWhenOn: ledLine,
      exportedWhileRunning: exported,
      leftExported,
      hook: devices.hookSwitch.state,
      serialOpen: devices.serial?.isOpen ?? false,
    };
  } finally {
    if (!closed) await devices.close();
  }
}
