import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPhoneProcess, type PhoneProcess } from '../interop/support/phone.js';
import { tempDir, waitFor } from '../interop/support/processes.js';
import { launchChromium, missingChromium, type Browser } from './support/chromium.js';

// Issue 7 "Tests": lifting the handset in the browser's front panel gives dial tone. The real phone
// (`deskphone start`, sim board, direct-IP mode) with its speaker recorded to a WAV (--audio-out): the
// glass shows the dial screen, and the speaker plays the US dial tone (350 + 440 Hz, ITU-T E.180) from the
// lift until the handset goes back — the recording is silent before and after.

const ARTIFACTS = fileURLToPath(new URL('../../.tmp/e2e/', import.meta.url));
const skip = missingChromium();
const RATE = 8000;
const WAV_HEADER = 44;

/** Goertzel power of one frequency in a block of samples (normalised by its length). */
function power(samples: Int16Array, hz: number): number {
  const k = (2 * Math.PI * hz) / RATE;
  const coeff = 2 * Math.cos(k);
  let s1 = 0;
  let s2 = 0;
  for (const x of samples) {
    const s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (s1 * s1 + s2 * s2 - coeff * s1 * s2) / (samples.length * samples.length);
}

function rms(samples: Int16Array): number {
  let sum = 0;
  for (const x of samples) sum += x * x;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

describe.skipIf(skip !== undefined)(`dial tone from the front panel in Chromium (${skip ?? 'chromium installed'})`, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let phone: PhoneProcess;
  let browser: Browser;
  let page: Page;
  let speaker: string;

  /** The samples the speaker has played so far (the WAV's data as written; its header is refreshed each second). */
  const played = async (): Promise<Int16Array> => {
    const bytes = await readFile(speaker);
    const data = bytes.subarray(WAV_HEADER, WAV_HEADER + ((bytes.length - WAV_HEADER) & ~1));
    return new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
  };
  /** Waits until the recording holds at least `count` samples. */
  const playedAtLeast = (count: number) =>
    waitFor(`${count} samples in the speaker recording`, async () => ((await stat(speaker)).size >= WAV_HEADER + count * 2 ? true : undefined), {
      peer: phone.peer,
      timeoutMs: 20_000,
    });
  const glass = async () => Promise.all((await page.locator('.lcd-row').all()).map(async (row) => ((await row.getAttribute('data-text')) ?? '').trimEnd()));

  beforeAll(async () => {
    dir = await tempDir('dial-tone');
    speaker = join(dir.path, 'speaker.wav');
    phone = await startPhoneProcess({ config: '', args: ['--audio-out', speaker] });
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.goto(`http://127.0.0.1:${phone.httpPort}/`);
    await page.locator('html[data-ready="true"]').waitFor();
    await page.getByText('Live', { exact: true }).waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await phone?.stop();
    await dir?.remove();
  });

  it('shows the dial screen and plays dial tone while the handset is up, and stops when it goes back', async () => {
    // Idle: the direct-IP screen, and a silent speaker.
    await expect.poll(async () => (await glass()).join('\n'), { timeout: 15_000 }).not.toMatch(/^Dial/);
    await playedAtLeast(RATE / 2);
    const liftedAt = (await played()).length;

    await page.locator('#hook').click();
    await expect.poll(() => page.locator('#hook').getAttribute('aria-pressed'), { timeout: 10_000 }).toBe('true');
    await expect.poll(async () => (await glass())[0] ?? '', { timeout: 10_000 }).toMatch(/^Dial\s+☎$/);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'panel-dial-tone.png') });

    // The tone starts when the click has reached the phone (however loaded the machine); then one second of it.
    const onset = await waitFor(
      'dial tone in the speaker recording',
      async () => {
        const samples = await played();
        for (let at = liftedAt; at + 160 <= samples.length; at += 160) if (rms(samples.subarray(at, at + 160)) > 500) return at;
        return undefined;
      },
      { peer: phone.peer, timeoutMs: 20_000 },
    );
    await playedAtLeast(onset + RATE * 1.1);
    const after = (await played()).subarray(onset + 160, onset + 160 + RATE);
    const before = (await played()).subarray(Math.max(0, liftedAt - RATE / 2), liftedAt);
    expect(rms(before)).toBeLessThan(50);
    expect(rms(after)).toBeGreaterThan(500);
    // Dial tone is the two components, well above any other frequency (a 1 kHz or 425 Hz tone would not be).
    const p350 = power(after, 350);
    const p440 = power(after, 440);
    for (const other of [425, 480, 620, 1000]) {
      expect(p350).toBeGreaterThan(20 * power(after, other));
      expect(p440).toBeGreaterThan(20 * power(after, other));
    }

    await page.locator('#hook').click();
    await expect.poll(() => page.locator('#hook').getAttribute('aria-pressed'), { timeout: 10_000 }).toBe('false');
    await expect.poll(async () => (await glass())[0] ?? '', { timeout: 10_000 }).not.toMatch(/^Dial/);
    const hungAt = (await played()).length;
    await playedAtLeast(hungAt + RATE);
    expect(rms((await played()).subarray(hungAt + RATE * 0.5, hungAt + RATE))).toBeLessThan(50);
  }, 60_000);
});
