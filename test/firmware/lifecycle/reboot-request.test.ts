import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { requestReboot } from '../../../firmware/lifecycle/reboot-request.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('asking the board to reboot', () => {
  it('writes the request file the root path unit watches, when the unit gave the phone its runtime directory', async () => {
    dir = await mkdtemp(join(tmpdir(), 'deskphone-run-'));
    let systemctl = 0;
    await requestReboot({ file: join(dir, 'reboot-requested'), systemctlReboot: async () => void systemctl++ });
    expect(await readFile(join(dir, 'reboot-requested'), 'utf8')).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(systemctl).toBe(0);
  });

  it('asks systemctl itself where the phone was not installed by the release (no runtime directory)', async () => {
    let systemctl = 0;
    await requestReboot({ file: '/nonexistent-deskphone-run/reboot-requested', systemctlReboot: async () => void systemctl++ });
    expect(systemctl).toBe(1);
  });

  it('says why when systemctl refuses, as the web admin shows it', async () => {
    const refused = requestReboot({
      file: '/nonexistent-deskphone-run/reboot-requested',
      systemctlReboot: () => Promise.reject(Object.assign(new Error('systemctl reboot failed: Access denied'), { code: 'REBOOT_FAILED' })),
    });
    await expect(refused).rejects.toThrow(/Access denied/);
  });
});
