import { spawn } from 'node:child_process';
import { access, constants, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DEFAULT_SYSFS_GPIO_ROOT, GpioChipMap, OnoffGpioBackend } from '../gpio/index.js';
import type { LineRef } from '../gpio/index.js';
import { openI2cBus } from '../lcd/index.js';
import type { I2cBusOpener } from '../lcd/index.js';
import type { DoctorProbes } from './doctor.js';

export interface SystemProbeOptions {
  sysfsRoot?: string;
  openBus?: I2cBusOpener;
  /** alsa-utils binaries (aplay opens a playback PCM, arecord a capture PCM). */
  aplayPath?: string;
  arecordPath?: string;
}

/**
 * The probes `deskphone doctor` runs on the device. Each opens the device the
 * way its driver will and lets go at once: a GPIO line is exported in its
 * board direction (outputs at their inactive level) and unexported, or only
 * reported when already exported (the running phone holds it),
 * the LCD is read once (a PCF8574 acks a read), an ALSA PCM plays or records
 * 20 ms, the UART is opened without becoming the controlling terminal.
 */
export function systemProbes(options: SystemProbeOptions = {}): DoctorProbes {
  const sysfsRoot = options.sysfsRoot ?? DEFAULT_SYSFS_GPIO_ROOT;
  const map = new GpioChipMap(sysfsRoot);
  const gpio = new OnoffGpioBackend({ sysfsRoot });
  const openBus = options.openBus ?? openI2cBus;
  return {
    async gpioLine(line: LineRef, direction) {
      const number = await map.gpioNumber(line);
      // Already exported: the running phone (or another program) holds it. Exporting it again
      // would reconfigure it and unexporting would pull it from under its owner, so only report.
      if (await exists(join(sysfsRoot, `gpio${number}`))) return `GPIO ${number} is exported already (in use, e.g. by the running phone)`;
      // Claim it as the board uses it, outputs at their inactive level (as config.txt leaves them), then give it back.
      const claimed = await gpio.request({ line: { ...line }, direction, initial: 0, consumer: 'deskphone doctor' });
      await claimed.release();
      return `GPIO ${number} exports`;
    },
    async i2cDevice(bus, address) {
      // i2c-bus opens the device file lazily, so look for it first to say the right thing.
      if (options.openBus === undefined) {
        await access(`/dev/i2c-${bus}`, constants.R_OK | constants.W_OK).catch((e: Error) => {
          throw new Error(`no /dev/i2c-${bus} (enable I2C with dtparam=i2c_arm=on and load i2c-dev): ${e.message}`);
        });
      }
      const handle = await openBus(bus);
      try {
        const value = await handle.receiveByte(address);
        return `acks (port reads 0x${value.toString(16).padStart(2, '0')})`;
      } catch (error) {
        throw new Error(`no ack at 0x${address.toString(16)} on /dev/i2c-${bus} (check the wiring and the backpack's address jumpers): ${(error as Error).message}`);
      } finally {
        await handle.close().catch(() => undefined);
      }
    },
    alsaPcm: (pcm, direction) => runAlsa(direction === 'playback' ? (options.aplayPath ?? 'aplay') : (options.arecordPath ?? 'arecord'), pcm, direction),
    async uart(path) {
      // O_NOCTTY: never become the console's controlling terminal; O_NONBLOCK: do not wait for carrier.
      const fd = await open(path, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
      await fd.close();
      return 'opens';
    },
    async environment() {
      // The chips and their bases, so a board naming the wrong chip label (or a kernel that moved the base) is plain to see.
      const chips = await map.list().catch(() => undefined);
      if (chips === undefined) return [`GPIO chips: none found in ${sysfsRoot}`];
      return [`GPIO chips in ${sysfsRoot}: ${chips.map((c) => `${c.label} (base ${c.base}, ${c.ngpio} lines)`).join(', ') || 'none'}`];
    },
    async file(path, mode) {
      if (mode === 'read') await access(path, constants.R_OK);
      else await access(dirname(path), constants.W_OK);
      return mode === 'read' ? 'readable' : 'folder writable';
    },
  };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Plays or records 160 frames (20 ms at 8 kHz) on the PCM; any ALSA error shows in stderr and the exit status. */
function runAlsa(binary: string, pcm: string, direction: 'capture' | 'playback'): Promise<string> {
  const args = ['-q', '-D', pcm, '-t', 'raw', '-f', 'S16_LE', '-r', '8000', '-c', '1', '-s', '160', direction === 'playback' ? '/dev/zero' : '/dev/null'];
  return new Promise((resolve, reject) => {
    let stderr = '';
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', (e) => reject(new Error(`cannot run ${binary}: ${e.message} (install alsa-utils)`)));
    child.on('close', (code) => {
      if (code === 0) resolve(`${direction === 'playback' ? 'plays' : 'records'} at 8 kHz`);
      // alsa-lib's detail comes first, aplay's summary ("audio open error: …") last: the summary reads better.
      else reject(new Error(stderr.trim().split('\n').filter((l) => l.trim() !== '').reverse().join(' — ') || `${binary} exited with ${code}`));
    });
  });
}
