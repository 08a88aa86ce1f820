import { spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { registerDoctorCommand, runDoctorCommand } from '../../../firmware/cli/doctor-command.js';
import { systemProbes } from '../../../hal/doctor/index.js';
import type { DoctorProbes } from '../../../hal/doctor/index.js';
import type { LineRef } from '../../../hal/index.js';
import { SystemClock } from '../../../firmware/clock/index.js';
import { makeSysfsGpioTree } from '../support/sysfs-fixture.js';

/** Probes for a board where everything answers, except what a test breaks. */
function fakeProbes(broken: { lines?: number[]; i2c?: boolean; pcm?: string; uart?: boolean } = {}): DoctorProbes {
  return {
    gpioLine: async (line: LineRef) => {
      if (broken.lines?.includes(line.offset)) throw new Error('Device or resource busy');
      return `GPIO ${512 + line.offset} exports`;
    },
    i2cDevice: async (bus, address) => {
      if (broken.i2c) throw new Error(`no ack at 0x${address.toString(16)} on /dev/i2c-${bus}`);
      return 'acks';
    },
    alsaPcm: async (pcm) => {
      if (pcm === broken.pcm) throw new Error(`audio open error: No such file or directory`);
      return 'plays';
    },
    uart: async (path) => {
      if (broken.uart) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
      return 'opens';
    },
    file: async () => 'readable',
  };
}

async function doctor(board: string, probes: DoctorProbes, json = false): Promise<{ code: number; text: string }> {
  let text = '';
  const code = await runDoctorCommand({ board, json }, { probes, clock: new SystemClock(), out: (t) => (text += t), err: (t) => (text += t) });
  return { code, text };
}

describe('deskphone doctor', () => {
  it('prints a table of every device of the reference board and exits 0 when all answer', async () => {
    const { code, text } = await doctor('rpi-deskphone', fakeProbes());
    expect(code).toBe(0);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^SETTING\s+CHECK\s+RESULT\s+DETAIL$/);
    expect(text).toMatch(/keypad\.rows\[0\]\s+GPIO pinctrl-bcm2711:4 \(active low\) output\s+ok\s+GPIO 516 exports/);
    expect(text).toMatch(/display\.address\s+I2C bus 1 address 0x27\s+ok/);
    expect(text).toMatch(/serial\.path\s+serial \/dev\/serial0\s+ok/);
    expect(text).toContain('board rpi-deskphone: all 25 checks passed');
  });

  it('exits 1 and marks what is missing: an LCD that does not ack, a busy line, a sound card not plugged in', async () => {
    const { code, text } = await doctor('rpi-deskphone', fakeProbes({ i2c: true, lines: [16], pcm: 'plughw:CARD=Base,DEV=0' }));
    expect(code).toBe(1);
    expect(text).toMatch(/display\.address\s+I2C bus 1 address 0x27\s+MISSING\s+no ack at 0x27 on \/dev\/i2c-1/);
    expect(text).toMatch(/hookSwitch\.line\s+GPIO pinctrl-bcm2711:16 input\s+MISSING\s+Device or resource busy/);
    expect(text).toMatch(/audio\.routes\.speaker\.captureDevice\s+ALSA capture plughw:CARD=Base,DEV=0\s+MISSING/);
    expect(text).toContain('board rpi-deskphone: 4 of 25 checks failed');
  });

  it('gives up on a probe that hangs, and reports it', async () => {
    const probes = { ...fakeProbes(), uart: () => new Promise<string>(() => undefined) };
    let text = '';
    const code = await runDoctorCommand({ board: 'rpi-deskphone', timeoutMs: 50 }, { probes, clock: new SystemClock(), out: (t) => (text += t) });
    expect(code).toBe(1);
    expect(text).toMatch(/serial\.path\s+serial \/dev\/serial0\s+MISSING\s+no answer within 50 ms/);
  });

  it('prints JSON for scripts', async () => {
    const { code, text } = await doctor('sim', fakeProbes(), true);
    expect(code).toBe(0);
    const report = JSON.parse(text) as { board: string; ok: boolean; results: { setting: string; ok: boolean }[] };
    expect(report.board).toBe('sim');
    expect(report.ok).toBe(true);
    expect(report.results.map((r) => r.setting)).toContain('keypad');
  });

  it('exits 2 naming the known boards when the board does not exist', async () => {
    const { code, text } = await doctor('pi-zero-phone', fakeProbes());
    expect(code).toBe(2);
    expect(text).toContain("unknown board 'pi-zero-phone'; known boards: rpi-deskphone, sim");
  });

  it('registers as a commander subcommand', async () => {
    const program = new Command('deskphone').exitOverride();
    let text = '';
    registerDoctorCommand(program, { probes: fakeProbes({ uart: true }), clock: new SystemClock(), out: (t) => (text += t) });
    const before = process.exitCode;
    try {
      await program.parseAsync(['node', 'deskphone', 'doctor', '--board', 'rpi-deskphone']);
      expect(process.exitCode).toBe(1);
      expect(text).toContain('MISSING');
    } finally {
      process.exitCode = before;
    }
  });
});

describe('doctor system probes on this machine (no GPIO, I2C or serial hardware here)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((f) => f()));
  });

  it('reports a serial device that does not exist', async () => {
    await expect(systemProbes().uart('/dev/ttyNOPE9')).rejects.toThrow(/ENOENT/);
  });

  it('reports an I2C bus that does not exist (or i2c-bus missing), never crashing', async () => {
    await expect(systemProbes().i2cDevice(250, 0x27)).rejects.toThrow(/i2c-250|i2c-bus/);
  });

  it('reports a GPIO chip missing from the sysfs tree by its label', async () => {
    const t = await makeSysfsGpioTree([{ label: 'pinctrl-bcm2711', base: 512, ngpio: 58 }]);
    cleanups.push(t.remove);
    await expect(systemProbes({ sysfsRoot: t.root }).gpioLine({ chip: 'pinctrl-rp1', offset: 4 }, 'in')).rejects.toThrow(/no GPIO chip labelled 'pinctrl-rp1'/);
  });

  // alsa-utils is in the project's Debian image; elsewhere the check is skipped rather than failed.
  const hasAlsaUtils = spawnSync('aplay', ['--version']).status === 0 && spawnSync('arecord', ['--version']).status === 0;
  it.skipIf(!hasAlsaUtils)('opens an ALSA PCM with aplay/arecord, and reports one that does not exist', async () => {
    const p = systemProbes();
    await expect(p.alsaPcm('null', 'playback')).resolves.toContain('plays');
    await expect(p.alsaPcm('nosuchpcm', 'capture')).rejects.toThrow(/Unknown PCM nosuchpcm|audio open error/);
  });
});

describe('doctor GPIO probe and a running phone', () => {
  it('reports a line that is already exported as in use, without touching it', async () => {
    const t = await makeSysfsGpioTree([{ label: 'pinctrl-bcm2711', base: 512, ngpio: 58 }]);
    try {
      await mkdir(join(t.root, 'gpio529'));
      await expect(systemProbes({ sysfsRoot: t.root }).gpioLine({ chip: 'pinctrl-bcm2711', offset: 17 }, 'in')).resolves.toBe('GPIO 529 is exported already (in use, e.g. by the running phone)');
    } finally {
      await t.remove();
    }
  });
});

describe('doctor environment line', () => {
  it('lists the GPIO chips with their bases above the table', async () => {
    const t = await makeSysfsGpioTree([
      { label: 'pinctrl-bcm2711', base: 512, ngpio: 58 },
      { label: 'raspberrypi-exp-gpio', base: 570, ngpio: 8 },
    ]);
    try {
      expect(await systemProbes({ sysfsRoot: t.root }).environment!()).toEqual([`GPIO chips in ${t.root}: pinctrl-bcm2711 (base 512, 58 lines), raspberrypi-exp-gpio (base 570, 8 lines)`]);
      const probes = { ...fakeProbes(), environment: async () => ['GPIO chips: test'] };
      let text = '';
      await runDoctorCommand({ board: 'sim' }, { probes, clock: new SystemClock(), out: (s) => (text += s) });
      expect(text.split('\n').slice(0, 3)).toEqual(['GPIO chips: test', '', expect.stringMatching(/^SETTING/)]);
    } finally {
      await t.remove();
    }
  });
});
