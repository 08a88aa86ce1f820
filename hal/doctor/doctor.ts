import type { HalClock } from '../clock.js';
import { formatLine } from '../gpio/index.js';
import type { LineRef } from '../gpio/index.js';
import type { DeviceCheck } from './device-check.js';

/**
 * How `doctor` touches the hardware, one call per kind of check. Each resolves
 * with a short detail for the table ("GPIO 529", "acks") or rejects with the
 * reason it is missing. The system implementation is system-probes.ts; tests
 * pass their own.
 */
export interface DoctorProbes {
  gpioLine(line: LineRef, direction: 'in' | 'out'): Promise<string>;
  i2cDevice(bus: number, address: number): Promise<string>;
  alsaPcm(pcm: string, direction: 'capture' | 'playback'): Promise<string>;
  uart(path: string): Promise<string>;
  file(path: string, mode: 'read' | 'write'): Promise<string>;
  /** Facts about the machine printed above the table (the GPIO chips and their bases), when the probes know them. */
  environment?(): Promise<string[]>;
}

export interface DoctorResult {
  setting: string;
  /** What was checked, for people: 'GPIO pinctrl-bcm2711:17 (in)'. */
  check: string;
  ok: boolean;
  detail: string;
}

export function describeCheck(c: DeviceCheck): string {
  switch (c.kind) {
    case 'gpio-line':
      return `GPIO ${formatLine(c.line)} ${c.direction === 'in' ? 'input' : 'output'}`;
    case 'i2c-device':
      return `I2C bus ${c.bus} address 0x${c.address.toString(16).padStart(2, '0')}`;
    case 'alsa-pcm':
      return `ALSA ${c.direction} ${c.pcm}`;
    case 'uart':
      return `serial ${c.path}`;
    case 'file':
      return `file ${c.path} (${c.mode})`;
    case 'simulated':
      return 'simulated device';
  }
}

/** Runs every check, one at a time (two probes must not fight over one device), each bounded by timeoutMs. */
export async function runDoctor(checks: readonly DeviceCheck[], probes: DoctorProbes, clock: HalClock, timeoutMs = 5000): Promise<DoctorResult[]> {
  const results: DoctorResult[] = [];
  for (const c of checks) {
    const check = describeCheck(c);
    try {
      const detail = await withTimeout(probe(c, probes), clock, timeoutMs);
      results.push({ setting: c.setting, check, ok: true, detail });
    } catch (error) {
      results.push({ setting: c.setting, check, ok: false, detail: (error as Error).message });
    }
  }
  return results;
}

function probe(c: DeviceCheck, p: DoctorProbes): Promise<string> {
  switch (c.kind) {
    case 'gpio-line':
      return p.gpioLine(c.line, c.direction);
    case 'i2c-device':
      return p.i2cDevice(c.bus, c.address);
    case 'alsa-pcm':
      return p.alsaPcm(c.pcm, c.direction);
    case 'uart':
      return p.uart(c.path);
    case 'file':
      return p.file(c.path, c.mode);
    case 'simulated':
      return Promise.resolve('always present');
  }
}

function withTimeout<T>(p: Promise<T>, clock: HalClock, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = clock.setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clock.clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clock.clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** The table people read: one row per check, then a summary line. */
export function formatDoctorReport(board: string, results: readonly DoctorResult[], environment: readonly string[] = []): string {
  const head = ['SETTING', 'CHECK', 'RESULT', 'DETAIL'];
  const rows = results.map((r) => [r.setting, r.check, r.ok ? 'ok' : 'MISSING', oneLine(r.detail)]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]): string =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const failed = results.filter((r) => !r.ok).length;
  const summary = failed === 0 ? `board ${board}: all ${results.length} checks passed` : `board ${board}: ${failed} of ${results.length} checks failed`;
  return [...environment, ...(environment.length > 0 ? [''] : []), fmt(head), ...rows.map(fmt), '', summary, ''].join('\n');
}

function oneLine(s: string): string {
  const first = s.split('\n')[0]!.trim();
  return first.length > 100 ? `${first.slice(0, 97)}...` : first;
}
