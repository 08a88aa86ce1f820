/**
 * Tier B: the maintenance console on the real serialport binding, over a
 * socat pseudo-terminal pair (HAL-TESTING.md): the phone's side opens one pty
 * through SerialPortConsole, the test's "terminal" opens the other with
 * serialport too and types like a person.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createMaintenanceConsole, createSerialConsole } from '../../../hal/serial/index.js';
import type { MaintenanceConsole, SerialPortConsole } from '../../../hal/serial/index.js';
import { HostClock } from '../audio/host-clock.js';
import { fakeBackend } from './maintenance-backend-fake.js';
import { serialConsoleContract } from './serial-console-contract.js';

const required = process.env.DESKPHONE_REQUIRE_INTEROP === '1';
const hasSocat = spawnSync('socat', ['-V']).status === 0;
let serialportError: string | undefined;
try {
  await import('serialport');
} catch (e) {
  serialportError = (e as Error).message;
}
const missing = !hasSocat ? 'socat is not installed' : serialportError !== undefined ? `serialport cannot load: ${serialportError}` : undefined;
if (missing !== undefined && !required) console.warn(`skipping serial pty tests: ${missing}`);

/** Starts `socat -d -d pty,raw,echo=0 pty,raw,echo=0` and returns its two device paths once both exist. */
async function ptyPair(): Promise<{ socat: ChildProcess; a: string; b: string }> {
  const socat = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const paths: string[] = [];
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socat gave no ptys: ${log}`)), 5000);
    socat.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      for (const m of chunk.toString().matchAll(/PTY is (\/dev\/pts\/\d+)/g)) paths.push(m[1]!);
      if (/starting data transfer loop/.test(log) && paths.length === 2) {
        clearTimeout(timer);
        resolve();
      }
    });
    socat.on('exit', (code) => reject(new Error(`socat exited ${code}: ${log}`)));
  });
  return { socat, a: paths[0]!, b: paths[1]! };
}

/** A terminal on the far pty: what it has shown, and typing. */
async function terminal(path: string) {
  const { SerialPort } = await import('serialport');
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  let screen = '';
  port.on('data', (b: Buffer) => (screen += b.toString('utf8')));
  return {
    type: (text: string) => port.write(text),
    /** Waits until the screen shows `text`; returns the screen and clears it. */
    async waitFor(text: string, ms = 5000): Promise<string> {
      const end = Date.now() + ms;
      while (!screen.includes(text)) {
        if (Date.now() > end) throw new Error(`terminal never showed ${JSON.stringify(text)}; it shows ${JSON.stringify(screen)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      const s = screen;
      screen = '';
      return s;
    },
    close: () => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
}

describe.skipIf(missing !== undefined && !required)('maintenance console over serialport on a socat pty pair', () => {
  let socat: ChildProcess | undefined;
  let phone: SerialPortConsole | undefined;
  let shell: MaintenanceConsole | undefined;
  let term: Awaited<ReturnType<typeof terminal>> | undefined;
  afterEach(async () => {
    shell?.stop();
    await phone?.close();
    await term?.close();
    if (socat !== undefined) await stopSocat(socat);
    socat = phone = shell = term = undefined;
  });

  it('logs in without echoing the password, runs commands, and logs out', async () => {
    if (required && missing !== undefined) throw new Error(`DESKPHONE_REQUIRE_INTEROP=1 but ${missing}`);
    const pair = await ptyPair();
    socat = pair.socat;
    term = await terminal(pair.b); // open the terminal first: bytes sent to a pty nobody opened are lost
    phone = createSerialConsole({ path: pair.a, clock: new HostClock() });
    await phone.open();
    const backend = fakeBackend();
    shell = createMaintenanceConsole({
      console: phone,
      backend,
      clock: new HostClock(),
      verifyLogin: async (u, p) => u === 'admin' && p === 'pässword', // UTF-8 survives the line
    });
    shell.start();
    await term.waitFor('deskphone login: ');
    term.type('admin\r');
    expect(await term.waitFor('Password: ')).toBe('admin\r\nPassword: ');
    term.type('pässword\r');
    const afterLogin = await term.waitFor('admin@deskphone> ');
    expect(afterLogin).not.toContain('pässword');
    expect(afterLogin).toContain('Logged in as admin.');
    term.type('status\r');
    expect(await term.waitFor('admin@deskphone> ')).toContain('board:    rpi-deskphone\r\n');
    term.type('config set sip.display_name "Lobby phone"\r');
    expect(await term.waitFor('admin@deskphone> ')).toContain('sip.display_name set');
    expect(backend.settings.get('sip.display_name')).toBe('Lobby phone');
    term.type('logout\r');
    expect(await term.waitFor('deskphone login: ')).toContain('Bye.');
  });
});

async function stopSocat(socat: ChildProcess): Promise<void> {
  if (socat.pid === undefined || socat.exitCode !== null) return;
  const exited = new Promise((r) => socat.once('exit', r));
  process.kill(socat.pid, 'SIGTERM');
  await exited;
}

if (missing === undefined || required) {
  serialConsoleContract('serialport on a socat pty pair', async () => {
    if (missing !== undefined) throw new Error(`DESKPHONE_REQUIRE_INTEROP=1 but ${missing}`);
    const pair = await ptyPair();
    const term = await terminal(pair.b);
    let seen = '';
    return {
      console: createSerialConsole({ path: pair.a, clock: new HostClock() }),
      type: async (t) => {
        term.type(t);
        await new Promise((r) => setTimeout(r, 50));
      },
      shown: async (t) => {
        seen += await term.waitFor(t);
        return seen;
      },
      dispose: async () => {
        await term.close();
        await stopSocat(pair.socat);
      },
    };
  });
}
