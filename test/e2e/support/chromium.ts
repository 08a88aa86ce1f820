import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/**
 * Browser tests drive Debian's Chromium through playwright-core (no browser
 * download). Without the package a test skips with a reason, unless
 * DESKPHONE_REQUIRE_INTEROP=1 (CI), where a missing browser is a failure.
 */
export const CHROMIUM_PATH = process.env.DESKPHONE_CHROMIUM ?? '/usr/bin/chromium';

export function missingChromium(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  const reason = `needs Chromium at ${CHROMIUM_PATH} (apt-get install -y --no-install-recommends chromium)`;
  if (process.env.DESKPHONE_REQUIRE_INTEROP === '1') throw new Error(`DESKPHONE_REQUIRE_INTEROP=1 but ${reason}`);
  return reason;
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile that talks to nothing but the page under test. */
export async function launchChromium(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'deskphone-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      viewport: { width: 1400, height: 820 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    return {
      context,
      async close() {
        await context.close().catch(() => undefined);
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(profile, { recursive: true, force: true });
    throw err;
  }
}
