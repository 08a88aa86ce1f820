import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../../firmware/clock/index.js';
import { loadConfigFile } from '../../firmware/config/index.js';
import { Logging } from '../../firmware/log/index.js';
import type { CallQualityReport } from '../../firmware/phone/phone-ports.js';
import { hashPassword, startWebServer, type CallSummary, type RunningWebServer } from '../../firmware/web/index.js';
import { call, phoneData, type PhoneData } from '../firmware/web/phone-data.js';
import { launchChromium, missingChromium, type Browser } from './support/chromium.js';

const ARTIFACTS = fileURLToPath(new URL('../../.tmp/e2e/', import.meta.url));
const skip = missingChromium();
const log = new Logging({ level: 'silent' }).for('web');
const sip = { registrationStatus: () => ({}), localTransports: [{ protocol: 'UDP', address: '0.0.0.0', port: 5070 }] };
const PASSWORD = 'front desk 42';

describe.skipIf(skip !== undefined)(`call log, contacts and call quality pages in Chromium (${skip ?? 'chromium installed'})`, () => {
  let browser: Browser;
  let server: RunningWebServer;
  let data: PhoneData;
  let dir: string;
  let page: Page;
  // What the phone's calls and their media streams report; the test changes them as calls would.
  let calls: CallSummary[] = [];
  let quality: CallQualityReport[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deskphone-e2e-data-'));
    const file = join(dir, 'phone.yaml');
    await writeFile(file, `timeZone: Europe/Berlin\nadmin:\n  password: "${await hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 })}"\n`);
    data = await phoneData();
    await data.callLog.add(call('1', { direction: 'outgoing', outcome: 'answered', number: '301', remoteName: 'Carol', startedAt: '2026-11-24T08:00:00Z', durationS: 187 }));
    await data.callLog.add(call('2', { direction: 'incoming', outcome: 'missed', number: '203', remoteName: 'Bob', startedAt: '2026-11-25T14:05:00Z' }));
    await data.contacts.add({ name: 'Alice Archer', numbers: [{ label: 'work', value: '201' }], speedDial: 2 });
    server = await startWebServer({
      port: 0,
      clock: new SystemClock(),
      log,
      config: await loadConfigFile(file),
      version: '0.1.0',
      board: 'sim',
      sip,
      phone: { ...data.phone, calls: () => calls, callQuality: async () => quality },
      qualityMs: 200,
    });
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.goto(`${server.url}admin/calllog`);
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Call log' }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await data?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const rowTexts = async () => (await page.locator('tbody tr').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());

  it('lists the calls with times in the phone\'s time zone, and viewing them puts the missed-call indicator out', async () => {
    expect(await rowTexts()).toEqual(['Missed Bob 203 Wed, 25 Nov 2026, 15:05 — Call back', 'Dialled Carol 301 Tue, 24 Nov 2026, 09:00 3:07 Call back']);
    expect(data.callLog.unseenMissed).toBe(0);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'call-log.png'), fullPage: true });
  });

  it('filters by kind and calls back from a row', async () => {
    await page.getByRole('link', { name: 'Dialled', exact: true }).click();
    await expect.poll(rowTexts).toEqual(['Dialled Carol 301 Tue, 24 Nov 2026, 09:00 3:07 Call back']);
    await page.getByRole('button', { name: 'Call back Carol' }).click();
    await page.getByText('Calling Carol (301)…').waitFor();
    expect(data.dialled).toEqual(['301']);
  });

  it('clears the log once the box is ticked', async () => {
    await page.goto(`${server.url}admin/calllog`);
    await page.getByRole('button', { name: 'Clear the call log' }).click();
    // The browser will not send the form until the confirmation is ticked (required), and the server checks it too.
    expect(data.callLog.list()).toHaveLength(2);
    await page.getByLabel('Yes, delete every call in the log').check();
    await page.getByRole('button', { name: 'Clear the call log' }).click();
    await page.getByText('The call log is empty.').waitFor();
    expect(data.callLog.list()).toEqual([]);
  });

  it('adds a contact, showing a refused field beside it first', async () => {
    await page.getByRole('link', { name: 'Contacts', exact: true }).click();
    await page.getByRole('link', { name: 'Add a contact' }).click();
    await page.getByLabel('Name').fill('Bob Baker');
    await page.locator('#c-number0').fill('202');
    await page.getByLabel('Speed dial (1–99)').fill('2');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('#c-speedDial-error').textContent()).toBe('Speed dial 2 is already Alice Archer.');
    expect(await page.getByLabel('Speed dial (1–99)').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Name').inputValue()).toBe('Bob Baker');
    await page.getByLabel('Speed dial (1–99)').fill('3');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Added Bob Baker.').waitFor();
    expect(data.contacts.speedDial(3)?.name).toBe('Bob Baker');
    await expect.poll(rowTexts).toEqual(['Alice Archer work 201 2 Edit Delete', 'Bob Baker work 202 3 Edit Delete']);
  });

  it('edits and deletes a contact', async () => {
    await page.getByRole('link', { name: 'Edit Bob Baker' }).click();
    await page.locator('#c-number1').fill('+49 170 1234567');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved Bob Baker.').waitFor();
    expect(data.contacts.speedDial(3)?.numbers.map((n) => n.value)).toEqual(['202', '+49 170 1234567']);
    await page.getByRole('button', { name: 'Delete Bob Baker' }).click();
    await page.getByText('Deleted Bob Baker.').waitFor();
    expect(data.contacts.list().map((c) => c.name)).toEqual(['Alice Archer']);
  });

  it('refuses a bad import file beside the file field and changes nothing, then imports a good one', async () => {
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, 'name,label,number,speed_dial\nCarol,work,203,\nDan,work,,\n');
    await page.getByLabel('vCard (.vcf) or CSV file').setInputFiles(bad);
    await page.getByRole('button', { name: 'Import' }).click();
    await expect.poll(() => page.locator('#import-file-error').textContent()).toBe('Nothing was imported from bad.csv (CSV): line 3: no number for "Dan"');
    expect(data.contacts.list().map((c) => c.name)).toEqual(['Alice Archer']);

    const good = join(dir, 'good.vcf');
    await writeFile(good, 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Erin\r\nTEL;TYPE=work:205\r\nEND:VCARD\r\n');
    await page.getByLabel('vCard (.vcf) or CSV file').setInputFiles(good);
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByText('Imported 1 contact from good.vcf.').waitFor();
    expect(data.contacts.list().map((c) => c.name)).toEqual(['Alice Archer', 'Erin']);
    await page.screenshot({ path: join(ARTIFACTS, 'contacts.png'), fullPage: true });
  });

  it('exports the contacts as a CSV download', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('contacts.csv');
    const text = await readFile((await download.path())!, 'utf8');
    expect(text.split(/\r?\n/).filter(Boolean)).toEqual(['name,label,number,speed_dial', 'Alice Archer,work,201,2', 'Erin,work,205,']);
  });

  it('updates a call\'s quality figures on the status page as they change', async () => {
    calls = [{ id: 'out-1', state: 'connected', peer: 'Alice Archer', direction: 'outgoing' }];
    const figures = (fields: Partial<CallQualityReport>): CallQualityReport => ({
      callId: 'out-1', codec: 'PCMA', packetsSent: 50, packetsReceived: 49, lost: 1, lossPercent: 2, jitterMs: 1.5, playoutDelayMs: 40, concealedMs: 20, mos: 4.3, ...fields,
    });
    quality = [figures({})];
    await page.goto(`${server.url}admin`);
    const cell = (q: string) => page.locator(`tr[data-call="out-1"] td[data-q="${q}"]`);
    expect(await cell('codec').textContent()).toBe('PCMA');
    expect(await cell('packets').textContent()).toBe('49 / 50');
    quality = [figures({ packetsSent: 500, packetsReceived: 480, lost: 20, lossPercent: 4, rttMs: 35.2, mos: 3.95 })];
    await expect.poll(() => cell('packets').textContent(), { timeout: 10_000 }).toBe('480 / 500');
    expect(await cell('loss').textContent()).toBe('4.0 % (20)');
    expect(await cell('rtt').textContent()).toBe('35 ms');
    expect(await cell('mos').textContent()).toBe('3.95');
    // As a phone's browser shows it: the calls table scrolls sideways inside its card, the page does not.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(ARTIFACTS, 'status-call-quality-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1400, height: 820 });
    // The call ends: the page lists the calls afresh.
    calls = [];
    quality = [];
    await page.getByText('No calls.').waitFor({ timeout: 10_000 });
  });
});
