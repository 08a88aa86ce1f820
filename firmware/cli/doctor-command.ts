import type { Command } from 'commander';
import { boardChecks, BoardError, loadBoard } from '../../board/index.js';
import type { DoctorProbes, DoctorResult } from '../../hal/doctor/index.js';
import { formatDoctorReport, runDoctor, systemProbes } from '../../hal/doctor/index.js';
import type { HalClock } from '../../hal/index.js';
import { SystemClock } from '../clock/index.js';

export interface DoctorOptions {
  board: string;
  sysfsRoot?: string;
  json?: boolean;
  timeoutMs?: number;
}

export interface DoctorDeps {
  probes?: DoctorProbes;
  clock?: HalClock;
  out?: (text: string) => void;
  /** Where a usage error (an unknown board) goes; stderr by default. */
  err?: (text: string) => void;
}

/**
 * `deskphone doctor`: checks that every device of the board is present and
 * answering, prints a table, and returns the exit status (0 all present,
 * 1 something missing, 2 the board itself is wrong).
 */
export async function runDoctorCommand(options: DoctorOptions, deps: DoctorDeps = {}): Promise<number> {
  const out = deps.out ?? ((t: string) => void process.stdout.write(t));
  let board;
  try {
    board = loadBoard(options.board);
  } catch (error) {
    if (error instanceof BoardError) {
      (deps.err ?? ((t: string) => void process.stderr.write(t)))(`deskphone doctor: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const probes = deps.probes ?? systemProbes(options.sysfsRoot === undefined ? { sysfsRoot: board.sysfsRoot } : { sysfsRoot: options.sysfsRoot });
  const environment = (await probes.environment?.().catch((e: Error) => [`(could not describe the machine: ${e.message})`])) ?? [];
  const results: DoctorResult[] = await runDoctor(boardChecks(board), probes, deps.clock ?? new SystemClock(), options.timeoutMs ?? 5000);
  out(options.json ? `${JSON.stringify({ board: board.name, ok: results.every((r) => r.ok), environment, results }, null, 2)}\n` : formatDoctorReport(board.name, results, environment));
  return results.every((r) => r.ok) ? 0 : 1;
}

export function registerDoctorCommand(program: Command, deps: DoctorDeps = {}): Command {
  return program
    .command('doctor')
    .description("check that each device of the board is present and answering (GPIO lines, LCD, ALSA devices, UART); exits non-zero when something is missing")
    .option('-b, --board <name>', 'board to check', process.env['DESKPHONE_BOARD'] ?? 'rpi-deskphone')
    .option('--sysfs-root <path>', "where the kernel's GPIO class folder is (default: the board's, /sys/class/gpio)")
    .option('--json', 'print the results as JSON')
    .action(async (opts: { board: string; sysfsRoot?: string; json?: boolean }) => {
      process.exitCode = await runDoctorCommand(
        { board: opts.board, ...(opts.sysfsRoot === undefined ? {} : { sysfsRoot: opts.sysfsRoot }), ...(opts.json ? { json: true } : {}) },
        deps,
      );
    });
}
