import { afterEach, describe, expect, it } from 'vitest';
import type { PartStatus } from '../../../firmware/web/index.js';
import { webFixture, type WebFixture } from './web-fixture.js';

let f: WebFixture;
afterEach(async () => f?.close());

/** What the lifecycle supervisor reports after the LCD driver failed twice and came back. */
const PARTS: PartStatus[] = [
  { name: 'web', state: 'running', restarts: 0 },
  { name: 'lcd', state: 'running', restarts: 2, lastError: 'I2C write failed: EREMOTEIO' },
  { name: 'mwi', state: 'given-up', restarts: 5, lastError: 'SUBSCRIBE timed out' },
];

describe('the phone’s parts in the status', () => {
  it('lists each supervised part with its state, restarts and last error in GET /api/v1/status', async () => {
    f = await webFixture({ withPassword: true, parts: () => PARTS });
    const status = (await (await f.request('/api/v1/status', { headers: f.basic() })).json()) as { parts: PartStatus[] };
    expect(status.parts).toEqual(PARTS);
  });

  it('shows a restarted or given-up part on the status page, with what went wrong', async () => {
    f = await webFixture({ withPassword: true, parts: () => PARTS });
    const { cookie } = await f.login();
    const page = await (await f.request('/admin', { headers: { cookie } })).text();
    const rows = [...page.matchAll(/<tr><th>Part: (\w+)<\/th><td class="part-([\w-]+)">([^]*?)<\/td><\/tr>/g)].map((m) => `${m[1]} ${m[2]}: ${m[3]}`);
    expect(rows).toEqual(['web running: running', 'lcd running: running (restarted 2×; last error: I2C write failed: EREMOTEIO)', 'mwi given-up: given-up (restarted 5×; last error: SUBSCRIBE timed out)']);
  });

  it('leaves the parts out where the phone runs without a supervisor (the web alone)', async () => {
    f = await webFixture({ withPassword: true });
    const status = (await (await f.request('/api/v1/status', { headers: f.basic() })).json()) as Record<string, unknown>;
    expect(status).not.toHaveProperty('parts');
  });
});
