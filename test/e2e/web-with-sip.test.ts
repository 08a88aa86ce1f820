import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBoard, loadBoard, type BoardDevices } from '../../board/index.js';
import { silentLog } from '../../hal/index.js';
import { SystemClock } from '../../firmware/clock/index.js';
import { loadConfigFile } from '../../firmware/config/index.js';
import { Logging } from '../../firmware/log/index.js';
import { sipConfig } from '../../firmware/main.js';
import { SipStack } from '../../firmware/sip/index.js';
import { ConfigAccess, hashPassword, startWebServer, type RunningWebServer } from '../../firmware/web/index.js';
import { startKamailio, type Kamailio } from '../interop/support/kamailio.js';
import { missingPeers } from '../interop/support/peers.js';
import { launchChromium, missingChromium, type Browser } from './support/chromium.js';

// The web wired as main.ts wires it: the sim board's panel, the real SIP stack
// registering with Kamailio, the config from a file. What the admin sees in
// Chromium follows the registration as it happens.

const skip = missingChromium() ?? missingPeers('kamailio', 'kamcmd');

describe.skipIf(skip !== undefined)(`web admin with the real SIP stack and Kamailio (${skip ?? 'chromium and kamailio installed'})`, () => {
  let kamailio: Kamailio;
  let dir: string;
  let board: BoardDevices;
  let sip: SipStack;
  let server: RunningWebServer;
  let browser: Browser;

  beforeAll(async () => {
    kamailio = await startKamailio({ users: [{ user: 'alice', password: 'alice-pw' }] });
    dir = await mkdtemp(join(tmpdir(), 'deskphone-web-sip-'));
    const file = join(dir, 'phone.yaml');
    await writeFile(
      file,
      [
        'accounts:',
        '  - user: alice',
        `    domain: ${kamailio.domain}`,
        '    displayName: Alice',
        '    password: alice-pw',
        `    outboundProxy: 127.0.0.1:${kamailio.ports.udp}`,
        '    registerExpires: 300',
        'admin:',
        `  password: "${await hashPassword('front desk 42', { N: 1024, r: 8, p: 1 })}"`,
        '',
      ].join('\n'),
    );
    const clock = new SystemClock();
    const config = new ConfigAccess(await loadConfigFile(file));
    board = await buildBoard(loadBoard('sim'), { clock, log: silentLog });
    sip = await SipStack.create({ ...sipConfig(config.config, { sipPort: 0 }), bindAddress: '127.0.0.1', transports: ['udp'] }, { clock });
    server = await startWebServer({ port: 0, clock, log: new Logging({ level: 'silent' }).for('web'), config, version: '0.1.0', board: board.name, ...(board.panel ? { panel: board.panel } : {}), sip });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await sip?.stop().catch(() => undefined);
    await board?.close();
    await kamailio?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows the account unregistered, then registered once the stack starts, on the status page and in /api/status', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}login?next=/admin`);
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill('front desk 42');
    await page.getByRole('button', { name: 'Log in' }).click();
    const state = page.locator('tr[data-account="account1"] td').nth(2);
    expect(await state.textContent()).toBe('unregistered');

    sip.start();
    // Registration is a digest round trip with Kamailio; allow for a loaded CI machine.
    await expect.poll(() => state.textContent(), { timeout: 30_000 }).toBe('registered');
    const row = await page.locator('tr[data-account="account1"]').textContent();
    expect(row).toContain('sip:alice@lab.test');

    const status = (await (await fetch(`${server.url}api/status`, { headers: { authorization: `Basic ${Buffer.from('admin:front desk 42').toString('base64')}` } })).json()) as {
      accounts: Array<{ id: string; state: string; expires?: number }>;
      sip: { transports: Array<{ protocol: string; port: number }> };
      lcd: string[];
    };
    expect(status.accounts[0]).toMatchObject({ id: 'account1', state: 'registered' });
    expect(status.sip.transports[0]!.port).toBe(sip.localTransports[0]!.port);
    expect(status.lcd).toHaveLength(4);
    await page.close();
  });
});
