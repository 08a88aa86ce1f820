import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRig, runInVm, GPIO_MOCKUP, I2C_STUB_ADDRESS, type Rig, type VmRunResult } from '../../../scripts/vm/index.js';
import { parseResults, type CheckResult } from '../../hal-vm-guest/report.js';
import { ABSENT_LCD_ADDRESS, CARD_RATE, CONSOLE_LOGIN, TONE_AMPLITUDE, LCD_SCREEN, LCD_TICK, SERIAL_BYTES, SERIAL_ECHO_TRANSFORM } from '../../hal-vm-guest/checks/index.js';
import { latchedBytes, type SmbusWrite } from '../../hal-vm-guest/smbus-trace.js';
import { Hd44780Model } from '../../../hal/sim/index.js';
import { bundleGuest } from './support/guest-bundle.js';
import { UartPeer } from './support/uart-peer.js';
import { vmRigSkipReason } from './support/skip.js';

/**
 * Tier A (issue 6): the real libraries and the project's HAL drivers on the
 * real kernel drivers — gpio-mockup at base 512, i2c-stub at the LCD's
 * address, snd-aloop, an 8250 UART — in a QEMU VM built from Debian's
 * packages by scripts/vm. One boot runs every guest check (test/hal-vm-guest)
 * and the tests below assert on what each reported.
 */
const skip = await vmRigSkipReason();
// The reporter folds a skipped suite into a count; say why in one line.
if (skip !== undefined) console.warn(`tier-A VM tests skipped: ${skip}`);

// TCG, 2 shared cores, node ~8× slower than on the host: generous, but bounded.
const BUILD_TIMEOUT_MS = 480_000;
const RUN_TIMEOUT_MS = 300_000;
/** Above the VM's own deadline, so a hung guest is reported by the runner (with its console), not by vitest. */
const TEST_TIMEOUT_MS = RUN_TIMEOUT_MS + 60_000;
const log = (line: string): void => void process.stderr.write(`[vm] ${line}\n`);
const PROMPT_TIMEOUT_MS = 30_000;

/**
 * The person at the maintenance terminal (the hal-console check): waits for
 * the login prompt after the raw serial check's bytes, logs in, runs
 * `status`, logs out. Returns what the screen showed.
 */
async function playTerminal(uart: UartPeer): Promise<{ transcript: string; status: string }> {
  const shellPrompt = `${CONSOLE_LOGIN.username}@deskphone> `;
  let at = await uart.waitForText('deskphone login: ', SERIAL_BYTES, RUN_TIMEOUT_MS);
  uart.write(`${CONSOLE_LOGIN.username}\r`);
  at = await uart.waitForText('Password: ', at, PROMPT_TIMEOUT_MS);
  uart.write(`${CONSOLE_LOGIN.password}\r`);
  at = await uart.waitForText(shellPrompt, at, PROMPT_TIMEOUT_MS);
  uart.write('status\r');
  const statusFrom = at;
  at = await uart.waitForText(shellPrompt, at, PROMPT_TIMEOUT_MS);
  const status = Buffer.from(uart.received.slice(statusFrom, at)).toString('utf8');
  uart.write('logout\r');
  await uart.waitForText('deskphone login: ', at, PROMPT_TIMEOUT_MS);
  return { transcript: uart.text(SERIAL_BYTES), status };
}

describe.skipIf(skip !== undefined)(`tier A: real kernel drivers in QEMU (${skip ?? 'rig prerequisites present'})`, () => {
  let rig: Rig;

  beforeAll(async () => {
    rig = await buildRig({ log });
  }, BUILD_TIMEOUT_MS);

  it('runs a command inside the VM and hands back its exit status and output', async () => {
    const run = await runInVm(rig, {
      command: ['sh', '-c', 'uname -r; echo "on stderr" >&2; test -w "$0" && echo "work folder writable"; exit 3', rig.workDir],
      timeoutMs: RUN_TIMEOUT_MS,
    });
    expect(run.exitCode).toBe(3);
    expect(run.output.replaceAll('\r', '').trim().split('\n')).toEqual([rig.kernel.release, 'on stderr', 'work folder writable']);
  }, TEST_TIMEOUT_MS);

  describe('the guest checks (one boot)', () => {
    let run: VmRunResult;
    let results: Map<string, CheckResult>;
    let uart: UartPeer;
    let terminal: { transcript: string; status: string } | Error;
    let main: string | undefined;

    beforeAll(async () => {
      main = await bundleGuest();
      // serial-uart: the first 256 bytes go back inverted; after them the host is a terminal.
      uart = await UartPeer.listen((chunk, peer) => {
        const before = peer.received.length - chunk.length;
        return Buffer.from([...chunk.subarray(0, Math.max(0, SERIAL_BYTES - before))].map(SERIAL_ECHO_TRANSFORM));
      });
      const session = playTerminal(uart).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
      run = await runInVm(rig, {
        command: ['node', main],
        serialSocket: uart.path,
        timeoutMs: RUN_TIMEOUT_MS,
      });
      results = parseResults(run.output);
      uart.hangUp(`the VM powered off (guest exit ${run.exitCode})`);
      terminal = await session;
      // Kept for a failing CI run: the whole console, boot included.
      await writeFile(join(rig.cacheRoot, 'last-guest-console.txt'), run.console.replaceAll('\r', ''));
      log(`guest checks: exit ${run.exitCode}, boot ${(run.bootMs / 1000).toFixed(1)} s, total ${(run.totalMs / 1000).toFixed(1)} s`);
    }, TEST_TIMEOUT_MS);

    afterAll(async () => {
      uart?.hangUp('the suite ended');
      await uart?.close();
      if (main !== undefined) await rm(main, { force: true });
    });

    /** The check's result, failing with its error or the console tail when it did not pass. */
    function passed(name: string): CheckResult {
      const result = results.get(name);
      if (result === undefined) throw new Error(`guest check ${name} reported nothing; VM output:\n${run.output.slice(-3000)}`);
      if (!result.ok) throw new Error(`guest check ${name} failed: ${result.error}`);
      return result;
    }

    it('onoff finds gpio-mockup by label at base 512, drives an output and gets each edge of an input as an interrupt', () => {
      const r = passed('gpio-onoff');
      expect(r['chip']).toEqual({ label: GPIO_MOCKUP.label, base: 512, ngpio: GPIO_MOCKUP.ngpio });
      expect(r['accessible']).toBe(true);
      expect([r['outHigh'], r['outLow']]).toEqual([1, 0]);
      expect(r['edgeLevels']).toEqual([1, 0, 1, 0, 1, 0, 1, 0, 1, 0]);
      expect(r['readBack']).toBe(0);
    });

    it('i2c-bus finds the stub at 0x27 with scan() and every byte it sends shows in the kernel smbus trace', () => {
      const r = passed('i2c-bus-stub');
      expect(r['found']).toEqual([I2C_STUB_ADDRESS]);
      expect(r['sentMatch']).toBe(true);
      expect(r['lastTransfer']).toEqual([0x12, 0x34]);
    });

    it('alsa-capture on hw:Loopback,1,0 receives bit-exact every frame aplay plays on hw:Loopback,0,0, 50 periods a second', () => {
      const r = passed('alsa-loopback');
      // Every 20 ms of the signal arrives unchanged and in order; on an idle host also without a gap
      // (r.matched === r.signalSamples), but a starved aplay may underrun and snd-aloop then inserts silence.
      const frames = r['frames'] as { intact: number; total: number; firstMissing: number };
      expect(frames.intact).toBe(frames.total);
      expect(frames.firstMissing).toBe(-1);
      // Every period is the size alsa-capture negotiated: 160 frames, or what it reported instead.
      const deviations = r['deviations'] as Record<string, string>;
      const periodFrames = Number(deviations['periodSizeDeviating'] ?? 160);
      expect(r['periodBytes']).toEqual([periodFrames * 2]);
      // Paced by the kernel's timer, not by how fast the guest can read.
      expect(r['periodsPerSecond']).toBeGreaterThan(40);
      expect(r['periodsPerSecond']).toBeLessThan(60);
    });

    it('serialport on the guest UART exchanges all 256 byte values with the host socket', () => {
      const r = passed('serial-uart');
      expect(uart.received.slice(0, SERIAL_BYTES)).toEqual(Array.from({ length: SERIAL_BYTES }, (_, i) => i));
      expect(r['received']).toBe(SERIAL_BYTES);
      expect(r['firstMismatch']).toBe(-1);
    });

    it('hal/gpio hook switch: a bouncing lift is one off-hook, a short press is a flash, a long one a hang-up', () => {
      const r = passed('hal-hook-switch');
      expect(r['initial']).toBe('on-hook');
      expect(r['eventsAfterBouncyLift']).toBe(1);
      expect(r['events']).toEqual(['off-hook', 'flash', 'on-hook']);
      expect(r['final']).toBe('on-hook');
    });

    it('hal/gpio keypad: presses on the mock lines come out as key events, a long hold as a long press, polling or asleep on interrupts', () => {
      const r = passed('hal-keypad');
      type Session = { rowDrivenWhileIdle: number; events: string[]; held: string[]; counters: { idleScans: number; edgeWaits: number } };
      for (const mode of ['poll', 'edge'] as const) {
        const s = r[mode] as Session;
        expect(s.rowDrivenWhileIdle, mode).toBe(1);
        expect(s.events, mode).toEqual(['down 2', 'up 2', 'down 1', 'up 1', 'down ok', 'long-press ok', 'up ok']);
        expect(s.held, mode).toEqual([]);
      }
      const poll = (r['poll'] as Session).counters;
      const edge = (r['edge'] as Session).counters;
      // Asleep between presses: it waited on interrupts and scanned far less while idle.
      expect(edge.edgeWaits).toBeGreaterThan(0);
      expect(edge.idleScans).toBeLessThan(poll.idleScans);
    });

    it('hal/lcd: the bytes the driver put on the I2C bus, replayed into the HD44780 model, read as the screen', () => {
      const r = passed('hal-lcd');
      expect(r['status']).toBe('ready');
      const writes: SmbusWrite[] = (r['writes'] as [number, number, string, number, ...number[]][]).map(([atMs, address, protocol, command, ...data]) => ({
        atMs,
        adapter: r['bus'] as number,
        address,
        protocol,
        command,
        data,
      }));
      // The kernel's timestamps drive the model's clock, so it also checks the
      // driver waited out the controller's busy times (datasheet Figure 24).
      let now = Number.NEGATIVE_INFINITY; // powered on long before the phone started
      const glass = new Hd44780Model({ address: I2C_STUB_ADDRESS, rows: 2, columns: 16, now: () => now });
      for (const w of writes) {
        for (const byte of latchedBytes([w], I2C_STUB_ADDRESS)) {
          now = w.atMs;
          glass.receive(byte);
        }
      }
      const row1 = [...LCD_SCREEN[1]];
      row1.splice(LCD_TICK.column, LCD_TICK.text.length, ...LCD_TICK.text);
      const expected = [LCD_SCREEN[0].padEnd(16), row1.join('').padEnd(16)];
      expect(glass.glass()).toEqual(expected);
      expect(r['contents']).toEqual(expected);
      expect(glass.counters.lostWhileBusy).toBe(0);
      expect(glass.backlight).toBe(true);
      // Only what changed is rewritten: a one-character tick is an address and a character.
      expect(r['tickBytes']).toBeLessThanOrEqual(12);
    });

    it('hal/lcd: a display that does not answer on the real bus is reported missing, keeps its text and throws nothing', () => {
      const absent = passed('hal-lcd')['absent'] as { status: string; error: string; writeRejected: boolean; contents: string[] };
      expect(absent.status).toBe('missing');
      expect(absent.error).toMatch(/0x3f\) is not answering/);
      expect(absent.writeRejected).toBe(false);
      expect(absent.contents[0]).toBe('nobody home'.padEnd(16));
    });

    it('hal/audio: frames written to the ALSA device come back through snd-aloop unchanged, in order', () => {
      const r = passed('hal-audio');
      // At the stream's own rate nothing may touch the samples (see main.ts on alsa-capture's rate rounding).
      expect(r['resampling'], `the driver resampled: ${JSON.stringify(r['events'])}`).toBe(false);
      expect(r['intact']).toBe(r['signalFrames']);
      expect(r['firstMissing']).toBe(-1);
      expect(r['frameSamples']).toBe(160);
      expect(r['indexGaps']).toBe(0);
      expect((r['stats'] as { playbackDropped: number }).playbackDropped).toBe(0);
    });

    it('hal/audio on a 48 kHz card: the driver resamples both ways and a 1 kHz tone comes back at its level, clean', () => {
      const r = passed('hal-audio-resampled');
      expect(r['events']).toEqual(expect.arrayContaining([`resampling capture ${CARD_RATE}→8000`, `resampling playback ${CARD_RATE}→8000`]));
      expect(r['frameSamples']).toBe(160);
      expect(r['amplitude'] as number).toBeGreaterThan(TONE_AMPLITUDE * 0.95);
      expect(r['amplitude'] as number).toBeLessThan(TONE_AMPLITUDE * 1.05);
      // Aliasing, imaging or a wrong rate would put energy outside 1 kHz.
      expect(r['residualDb'] as number).toBeLessThan(-40);
    });

    it('hal/serial maintenance console over the UART: login without echoing the password, status, logout', () => {
      const r = passed('hal-console');
      if (terminal instanceof Error) throw terminal;
      expect(r['asked']).toEqual(['status']);
      expect(terminal.transcript).toContain(`Logged in as ${CONSOLE_LOGIN.username}.`);
      expect(terminal.transcript).not.toContain(CONSOLE_LOGIN.password);
      expect(terminal.status).toMatch(/firmware:\s+0\.1\.0-vm\r\n/);
      expect(terminal.status).toMatch(/board:\s+qemu-tier-a\r\n/);
      expect(terminal.transcript).toMatch(/Bye\.\r\n(\r\n)?deskphone login: $/);
    });

    it('doctor passes every device of a board file for the VM and names the one LCD that does not answer', () => {
      const r = passed('board-doctor');
      const results = r['results'] as { setting: string; check: string; ok: boolean; detail: string }[];
      expect(results.filter((x) => !x.ok), String(r['report'])).toEqual([]);
      expect(results.map((x) => x.setting)).toEqual(
        expect.arrayContaining(['keypad.rows[0]', 'hookSwitch.line', 'display.address', 'ringer.line', 'audio.routes.handset.captureDevice', 'audio.routes.handset.playbackDevice', 'serial.path']),
      );
      // The chip is found by label: offset 17 on the chip at base 512 is kernel GPIO 529.
      expect(results.find((x) => x.setting === 'hookSwitch.line')?.detail).toContain('GPIO 529');
      expect(r['missing']).toEqual([{ setting: 'display.address', check: `I2C bus ${String(r['bus'])} address 0x${ABSENT_LCD_ADDRESS.toString(16)}` }]);
    });

    it('the board starts from its file on the VM devices and gives every GPIO line back when closed', () => {
      const r = passed('board-build');
      expect(r['displayStatus']).toBe('ready');
      expect(r['displayContents']).toEqual(['board qemu-tier-', ' '.repeat(16)]);
      expect(r['ledLineWhenOn']).toBe(1);
      expect(r['exportedWhileRunning']).toEqual([true, true, true]);
      expect(r['leftExported']).toEqual([]);
      expect(r['hook']).toBe('on-hook');
    });

    it('the guest program itself exited cleanly', () => {
      expect(run.exitCode).toBe(0);
    });
  });
});
