import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DeskphoneError } from '../errors.js';

/**
 * Where the phone asks for a reboot on the device. The service runs as an
 * unprivileged user, and `systemctl reboot` from it is up to polkit (absent on
 * lite images, and refusing a system user by default). Instead the unit's
 * runtime directory (RuntimeDirectory=deskphone) takes this file, and
 * deskphone-reboot.path — a root unit installed beside deskphone.service —
 * starts deskphone-reboot.service (`systemctl reboot`) when it appears. /run
 * is a tmpfs, so the request cannot outlive the reboot it asked for.
 */
export const REBOOT_REQUEST_FILE = '/run/deskphone/reboot-requested';

export interface RebootRequestOptions {
  file?: string;
  /** The fallback where the phone was not installed by the release (no runtime directory): systemctl itself. */
  systemctlReboot?: () => Promise<void>;
}

/** Asks for the board's reboot (the web admin's Reboot); the phone is stopped by systemd like at any shutdown. */
export async function requestReboot(options: RebootRequestOptions = {}): Promise<void> {
  const file = options.file ?? REBOOT_REQUEST_FILE;
  if (existsSync(dirname(file))) {
    await writeFile(file, `${new Date().toISOString()}\n`).catch((err: Error) => {
      throw new DeskphoneError('REBOOT_FAILED', `the reboot request could not be written to ${file}: ${err.message}`, { cause: err });
    });
    return;
  }
  await (options.systemctlReboot ?? systemctlReboot)();
}

function systemctlReboot(): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    execFile('systemctl', ['reboot'], { timeout: 10_000 }, (err, _stdout, stderr) => {
      if (err) reject(new DeskphoneError('REBOOT_FAILED', `systemctl reboot failed: ${String(stderr).trim() || err.message}`));
      else resolve();
    });
  });
}
