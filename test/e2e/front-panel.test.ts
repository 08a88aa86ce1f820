import { mkdir } from 'node:fs/promises';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Glyph, type KeyEvent } from '../../hal/index.js';
import { SimPanel } from '../../hal/sim/index.js';
import { SystemClock } from '../../firmware/clock/index.js';
import { loadConfigFile, parseConfigText } from '../../firmware/config/index.js';
import { Logging } from '../../firmware/log/index.js';
import type { RegistrationStatus } from '../../firmware/sip/index.js';
import { hashPassword, startWebServer, type RunningWebServer } from '../../firmware/web/index.js';
import { launchChromium, missingChromium, type Browser } from './support/chromium.js';

const ARTIFACTS = fileURLToPath(new URL('../../.tmp/e2e/', import.meta.url));
const skip = missingChromium();
const log = new Logging({ level: 'silent' }).for('web');
const sip = { registrationStatus: () => ({}), localTransports: [{ protocol: 'UDP', address: '0.0.0.0', port: 5070 }] };

describe.skipIf(skip !== undefined)(`virtual front panel in Chromium (${skip ?? 'chromium installed'})`, () => {
  let browser: Browser;
  let server: RunningWebServer;
  let panel: SimPanel;
  let page: Page;
  const keys: string[] = [];

  beforeAll(async () => {
    const clock = new SystemClock();
    panel = new SimPanel({ clock, rows: 4, columns: 20 });
    panel.keypad.onKey((e: KeyEvent) => keys.push(`${e.type} ${e.key}`));
    // A stand-in for the phone layer: the idle screen, and digits echoed to the glass as the dialer would.
    let dialled = '';
    await panel.display.writeLine(0, `${Glyph.registered} 201 Alice  ${Glyph.messageWaiting}2`);
    await panel.display.writeLine(1, 'Wed 25 Nov     14:05');
    await panel.display.writeLine(3, 'Redial  Dir   Menu');
    panel.keypad.onKey((e) => {
      if (e.type === 'down' && /^[0-9*#]$/.test(e.key)) void panel.display.writeLine(2, `Dial: ${(dialled += e.key)}`);
    });
    server = await startWebServer({ port: 0, clock, log, config: parseConfigText(''), version: '0.1.0', board: 'sim', panel, sip });
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.goto(server.url);
    await page.locator('html[data-ready="true"]').waitFor();
    await page.getByText('Live', { exact: true }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await panel?.close();
  });

  afterEach(() => {
    keys.length = 0;
  });

  // Each row carries its text (icons as their plain symbols) in data-text, for tests and screen readers.
  const glass = async () => Promise.all((await page.locator('.lcd-row').all()).map(async (row) => (await row.getAttribute('data-text')) ?? ''));

  it('shows the idle screen on the glass, icons drawn as LCD glyphs', async () => {
    expect((await glass())[0]!.trimEnd()).toBe('✓ 201 Alice  ✉2');
    await expect.poll(() => page.locator('#lcd svg.glyph').count()).toBe(2);
    expect(await page.locator('#lcd svg.glyph').first().getAttribute('aria-label')).toBe('registered');
    await expect.poll(() => page.locator('#direct-ip').textContent()).toContain('sip:phone@127.0.0.1:5070');
  });

  it('sends a clicked key to the simulated keypad, and the digit comes back on the glass', async () => {
    await page.getByRole('button', { name: '5', exact: true }).click();
    await expect.poll(() => keys).toEqual(['down 5', 'up 5']);
    await expect.poll(async () => (await glass())[2]!.trimEnd()).toBe('Dial: 5');
  });

  it('takes the computer keyboard: digits, Enter as OK, Escape as cancel, Space for the handset', async () => {
    // Nothing focused: keys go to the page's shortcuts, not to a button.
    await page.evaluate('document.activeElement && document.activeElement.blur()');
    await page.keyboard.press('7');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await expect.poll(() => keys).toEqual(['down 7', 'up 7', 'down ok', 'up ok', 'down cancel', 'up cancel']);
    await page.keyboard.press('Space');
    await expect.poll(() => panel.hook.state).toBe('off-hook');
    await page.keyboard.press('Space');
    await expect.poll(() => panel.hook.state).toBe('on-hook');
  });

  it('redraws the glass, lamps and ringer when the phone changes them', async () => {
    await panel.display.writeLine(1, 'Calling 203...');
    panel.leds['message']!.set('on');
    panel.ringer.ring();
    await expect.poll(async () => (await glass())[1]!.trimEnd()).toBe('Calling 203...');
    await expect.poll(() => page.locator('[data-led="message"]').getAttribute('class')).toContain('lit');
    await expect.poll(() => page.locator('#ringer-state').textContent()).toMatch(/^Ringing/);
    panel.ringer.stop();
  });

  it('lifts the handset and flashes the hook', async () => {
    const hooks: string[] = [];
    panel.hook.onHook((e) => hooks.push(e.type));
    await page.getByRole('button', { name: /Lift handset/ }).click();
    await expect.poll(() => panel.hook.state).toBe('off-hook');
    await expect.poll(() => page.locator('#hook-state').textContent()).toBe('Handset lifted');
    await page.getByRole('button', { name: 'Hook flash' }).click();
    await expect.poll(() => hooks).toEqual(['off-hook', 'flash']);
    await page.getByRole('button', { name: /Hang up/ }).click();
    await expect.poll(() => panel.hook.state).toBe('on-hook');
  });

  it('looks like a phone (screenshot in .tmp/e2e/front-panel.png)', async () => {
    await panel.display.writeLine(1, 'Wed 25 Nov     14:05');
    await panel.display.writeLine(2, 'Dial: 5');
    await expect.poll(async () => (await glass())[2]!.trimEnd()).toBe('Dial: 5');
    await mkdir(ARTIFACTS, { recursive: true });
    const png = await page.screenshot({ path: join(ARTIFACTS, 'front-panel.png'), animations: 'disabled' });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });
});

describe.skipIf(skip !== undefined)(`admin pages in Chromium (${skip ?? 'chromium installed'})`, () => {
  // A SIP stack stand-in whose account registers when the test says so.
  const registrations: Record<string, RegistrationStatus> = { account1: { state: 'registering', consecutiveFailures: 0 } };
  const registrationListeners = new Set<(e: { accountId: string; status: RegistrationStatus }) => void>();
  const liveSip = {
    registrationStatus: () => registrations,
    localTransports: sip.localTransports,
    onRegistration: (l: (e: { accountId: string; status: RegistrationStatus }) => void) => {
      registrationListeners.add(l);
      return () => registrationListeners.delete(l);
    },
  };
  let browser: Browser;
  let server: RunningWebServer;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deskphone-e2e-'));
    file = join(dir, 'phone.yaml');
    await writeFile(file, `accounts:\n  - user: "201"\n    domain: lab.test\nadmin:\n  password: "${await hashPassword('front desk 42', { N: 1024, r: 8, p: 1 })}"\n`);
    server = await startWebServer({ port: 0, clock: new SystemClock(), log, config: await loadConfigFile(file), version: '0.1.0', board: 'sim', sip: liveSip });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('rejects a wrong password, accepts the right one, and shows schema errors without saving an invalid setting', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}admin/settings`);
    expect(new URL(page.url()).pathname).toBe('/login');

    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill('front desk 41');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('wrong user name or password');

    await page.getByLabel('Password').fill('front desk 42');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();

    const before = await readFile(file, 'utf8');
    await page.getByLabel('Handset volume (0–100)').fill('loud');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('.field-error').first().textContent()).toBe('audio.volumes.handset: expected a number, found "loud"');
    expect(await readFile(file, 'utf8')).toBe(before);

    await page.getByLabel('Handset volume (0–100)').fill('40');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/^Saved to/).waitFor();
    expect(await readFile(file, 'utf8')).toContain('handset: 40');
    await page.close();
  });

  it('shows a registration change on the status page as it happens', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}admin`);
    const state = page.locator('tr[data-account="account1"] td').nth(2);
    expect(await state.textContent()).toBe('registering');
    await expect.poll(() => registrationListeners.size).toBeGreaterThan(0);
    registrations['account1'] = { state: 'registered', expires: 3600, status: 200, consecutiveFailures: 0 };
    for (const l of registrationListeners) l({ accountId: 'account1', status: registrations['account1'] });
    await expect.poll(() => state.textContent()).toBe('registered');
    await page.close();
  });
});
