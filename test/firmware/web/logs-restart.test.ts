import { afterEach, describe, expect, it } from 'vitest';
import { DeskphoneError } from '../../../firmware/errors.js';
import { Logging } from '../../../firmware/log/index.js';
import type { PhoneControl } from '../../../firmware/web/index.js';
import { errorOf, json, webFixture, type WebFixture } from './web-fixture.js';

let f: WebFixture;
afterEach(async () => f?.close());

let session: { cookie: string; csrfToken: string };

async function setUp(phone: PhoneControl) {
  f = await webFixture({ withPassword: true, phone });
  session = await f.login();
}

function post(path: string, fields: Record<string, string>): Promise<Response> {
  return f.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
    body: new URLSearchParams({ _csrf: session.csrfToken, ...fields }).toString(),
  });
}

/** The phone's own logging, writing into its ring of recent lines as in main.ts. */
function phoneLog() {
  const logging = new Logging({ level: 'debug', destination: { write: () => undefined } });
  logging.for('sip').debug({ callId: 'abc' }, 'INVITE sent');
  logging.for('sip').info('registered');
  logging.for('media').warn({ call: 'in-1', lossPercent: 12 }, 'media: heavy loss');
  logging.for('hal').error({ err: 'EIO' }, 'LCD write failed');
  return logging;
}

describe('logs page', () => {
  it('shows the recent lines newest first, every level by default', async () => {
    const logging = phoneLog();
    await setUp({ recentLogs: (n) => logging.recent.tail(n) });
    const page = await (await f.request('/admin/logs', { headers: { cookie: session.cookie } })).text();
    const messages = [...page.matchAll(/<td class="lvl-(\w+)">\w+<\/td><td>(\w+)<\/td><td>([^<]*)/g)].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
    expect(messages).toEqual(['error hal LCD write failed', 'warn media media: heavy loss', 'info sip registered', 'debug sip INVITE sent']);
    expect(page).toContain('{&quot;call&quot;:&quot;in-1&quot;,&quot;lossPercent&quot;:12}');
  });

  it('links the download of the recent traffic as a pcap', async () => {
    await setUp({});
    const page = await (await f.request('/admin/logs', { headers: { cookie: session.cookie } })).text();
    expect(page).toContain('href="/api/capture.pcap"');
  });

  it('filters by level: warn shows warnings and errors only', async () => {
    const logging = phoneLog();
    await setUp({ recentLogs: (n) => logging.recent.tail(n) });
    const page = await (await f.request('/admin/logs?level=warn', { headers: { cookie: session.cookie } })).text();
    expect(page).toContain('LCD write failed');
    expect(page).toContain('heavy loss');
    expect(page).not.toContain('<td>registered');
    expect(page).not.toContain('INVITE sent');
    expect(page).toMatch(/<option value="warn" selected>/);
  });

  it('downloads the lines as text, one per line, oldest first', async () => {
    const logging = phoneLog();
    await setUp({ recentLogs: (n) => logging.recent.tail(n) });
    const res = await f.request('/admin/logs.txt?level=info', { headers: { cookie: session.cookie } });
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="deskphone-log.txt"');
    const lines = (await res.text()).trimEnd().split('\n');
    expect(lines.map((l) => l.replace(/^\S+ /, ''))).toEqual(['INFO  sip: registered', 'WARN  media: media: heavy loss {"call":"in-1","lossPercent":12}', 'ERROR hal: LCD write failed {"err":"EIO"}']);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
  });

  it('refuses an unknown level with the valid ones', async () => {
    const logging = phoneLog();
    await setUp({ recentLogs: (n) => logging.recent.tail(n) });
    const res = await f.request('/api/v1/logs?level=loud', { headers: f.basic() });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toBe('level must be one of trace, debug, info, warn, error, fatal, not "loud"');
    const ok = (await (await f.request('/api/v1/logs?level=error', { headers: f.basic() })).json()) as { lines: Array<{ msg: string }> };
    expect(ok.lines.map((l) => l.msg)).toEqual(['LCD write failed']);
  });

  it('needs a login', async () => {
    const logging = phoneLog();
    await setUp({ recentLogs: (n) => logging.recent.tail(n) });
    expect((await f.request('/admin/logs.txt')).status).toBe(303);
    expect((await f.request('/api/v1/logs')).status).toBe(401);
  });
});

describe('restart and reboot', () => {
  it('restarts the phone only after the confirmation box is ticked, and after answering', async () => {
    let restarts = 0;
    await setUp({ restart: () => void restarts++ });
    const unconfirmed = await post('/admin/restart', {});
    expect(unconfirmed.status).toBe(400);
    expect(await unconfirmed.text()).toContain('Tick the box to confirm: restarting ends every call.');
    f.clock.advance(10);
    expect(restarts).toBe(0);
    const res = await post('/admin/restart', { confirm: 'yes' });
    expect(res.status).toBe(202);
    expect(await res.text()).toContain('The phone is restarting.');
    expect(restarts).toBe(0);
    f.clock.advance(0);
    await new Promise((r) => setImmediate(r));
    expect(restarts).toBe(1);
  });

  it('refuses a restart without the CSRF token', async () => {
    let restarts = 0;
    await setUp({ restart: () => void restarts++ });
    expect((await post('/admin/restart', { confirm: 'yes', _csrf: 'forged' })).status).toBe(403);
    f.clock.advance(10);
    expect(restarts).toBe(0);
  });

  it('reboots the board through the injected function, after the confirmation', async () => {
    let reboots = 0;
    await setUp({ reboot: () => void reboots++ });
    expect((await post('/admin/reboot', {})).status).toBe(400);
    expect(reboots).toBe(0);
    const res = await post('/admin/reboot', { confirm: 'yes' });
    expect(res.status).toBe(202);
    expect(await res.text()).toContain('The board is rebooting.');
    expect(reboots).toBe(1);
  });

  it('says why the simulated board cannot reboot, on the page and in the API', async () => {
    await setUp({});
    const page = await (await f.request('/admin/system', { headers: { cookie: session.cookie } })).text();
    expect(page).toContain('The sim board cannot be rebooted from here');
    expect(page).toMatch(/<button type="submit" class="danger" disabled>Reboot<\/button>/);
    const res = await post('/admin/reboot', { confirm: 'yes' });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('the simulated board cannot be rebooted');
    const api = await f.request('/api/v1/reboot', json({}, f.basic()));
    expect(api.status).toBe(409);
    expect(await errorOf(api)).toMatchObject({ code: 'REBOOT_UNSUPPORTED' });
  });

  it('shows a reboot that failed (systemctl refused) beside the reboot form', async () => {
    await setUp({
      reboot: () => {
        throw new DeskphoneError('REBOOT_FAILED', 'systemctl reboot failed: Access denied');
      },
    });
    const res = await post('/admin/reboot', { confirm: 'yes' });
    expect(res.status).toBe(500);
    expect(await res.text()).toContain('The board did not reboot: systemctl reboot failed: Access denied');
  });
});
