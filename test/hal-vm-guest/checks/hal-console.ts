import { createMaintenanceConsole, createSerialConsole, type MaintenanceBackend } from '../../../hal/serial/index.js';
import { SystemClock } from '../../../firmware/clock/index.js';
import { GUEST_UART } from '../../../scripts/vm/guest-devices.js';
import { sleep, waitFor } from '../sleep.js';
import type { CheckResult } from '../report.js';

/** The account the host's terminal logs in with, and what `status` shows. */
export const CONSOLE_LOGIN = { username: 'admin', password: 'vm-secret-42' } as const;
export const CONSOLE_STATUS = { firmware: '0.1.0-vm', board: 'qemu-tier-a', registered: true } as const;
const SESSION_TIMEOUT_MS = 90_000;
const DRAIN_MS = 1_000;

/**
 * hal/serial's maintenance console on serialport on the guest's 8250 UART;
 * the person at the terminal is the host test on the other end of the
 * socket: it waits for the login prompt, logs in, runs `status` and logs out.
 * This side serves with a stand-in phone and reports what the phone was asked.
 */
export async function halConsole(): Promise<CheckResult> {
  const clock = new SystemClock();
  const asked: string[] = [];
  const backend: MaintenanceBackend = {
    status: async () => (asked.push('status'), { ...CONSOLE_STATUS }),
    registrations: async () => (asked.push('reg'), []),
    calls: async () => (asked.push('calls'), []),
    logTail: async () => (asked.push('log'), []),
    configGet: async (key) => (asked.push(`config get ${key}`), ''),
    configSet: async (key) => void asked.push(`config set ${key}`),
    reboot: async () => void asked.push('reboot'),
  };
  const serial = createSerialConsole({ path: GUEST_UART, baudRate: 115_200, clock });
  await serial.open();
  const shell = createMaintenanceConsole({
    console: serial,
    backend,
    clock,
    verifyLogin: async (u, p) => u === CONSOLE_LOGIN.username && p === CONSOLE_LOGIN.password,
  });
  const states: string[] = [];
  const track = setInterval(() => {
    if (states.at(-1) !== shell.stateName) states.push(shell.stateName);
  }, 5);
  try {
    shell.start();
    // The session is over when the shell was reached and the console is back at the login prompt.
    await waitFor(() => states.includes('shell') && shell.stateName === 'login', SESSION_TIMEOUT_MS, 'the host to log in and out');
    states.push(shell.stateName);
    // The SerialConsole interface has no drain: give "Bye." and the next prompt time to leave before closing.
    await sleep(DRAIN_MS);
    return { ok: true, asked, states };
  } finally {
    clearInterval(track);
    shell.stop();
    await serial.close();
  }
}
