import { afterEach, describe, expect, it } from 'vitest';
import { Glyph } from '../../../hal/index.js';
import { parseConfigText } from '../../../firmware/config/index.js';
import { DeskphoneError } from '../../../firmware/errors.js';
import { Logging } from '../../../firmware/log/index.js';
import { ConfigAccess, createWebApp } from '../../../firmware/web/index.js';
import { FakeClock } from '../../support/fake-clock.js';
import { errorOf, json, webFixture, type WebFixture } from './web-fixture.js';
import { sseReader } from './sse-reader.js';
import { injectRequest } from '../../support/inject-request.js';

let f: WebFixture;
afterEach(async () => f?.close());

describe('GET /api/events', () => {
  it('sends the whole panel on connect, then the glass again when the phone writes to it', async () => {
    f = await webFixture();
    await f.panel.display.writeLine(0, 'Idle');
    const res = await f.request('/api/events');
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const sse = sseReader(res);
    const first = await sse.next();
    expect(first.event).toBe('panel');
    expect((first.data as { text: string[] }).text[0]!.trim()).toBe('Idle');
    expect(await sse.next()).toEqual({ event: 'registrations', data: {} });

    // Two writes in one burst reach the browser as one redraw showing both.
    void f.panel.display.writeLine(0, 'Calling');
    void f.panel.display.writeLine(1, 'sip:bob@lab.test');
    const update = await sse.next();
    expect(update.event).toBe('panel');
    expect((update.data as { text: string[] }).text.slice(0, 2).map((t) => t.trim())).toEqual(['Calling', 'sip:bob@lab.test']);
    await sse.cancel();
  });

  it("tells a page on connect every account's registration state, so a page rendered before a change it could not hear sees it is stale", async () => {
    f = await webFixture({
      configText: 'accounts:\n  - user: alice\n    domain: lab.test\n  - user: bob\n    domain: lab.test\n',
      registrations: { account1: { state: 'registered', status: 200, expires: 300, consecutiveFailures: 0 }, account2: { state: 'registering', consecutiveFailures: 0 } },
    });
    const sse = sseReader(await f.request('/api/events'));
    expect((await sse.next()).event).toBe('panel');
    expect(await sse.next()).toEqual({ event: 'registrations', data: { account1: 'registered', account2: 'registering' } });
    await sse.cancel();
  });

  it('forwards key and hook events as the HAL reports them', async () => {
    f = await webFixture();
    const sse = sseReader(await f.request('/api/events'));
    await sse.next(); // the panel on connect
    await sse.next(); // the accounts' states on connect
    f.panel.keypad.press('7');
    expect(await sse.next()).toEqual({ event: 'key', data: { type: 'down', key: '7', atMs: 0 } });
    expect(await sse.next()).toEqual({ event: 'key', data: { type: 'up', key: '7', atMs: 0 } });
    expect((await sse.next()).event).toBe('panel');
    f.panel.hook.lift();
    expect(await sse.next()).toEqual({ event: 'hook', data: { type: 'off-hook', atMs: 0 } });
    expect(((await sse.next()).data as { hook: string }).hook).toBe('off-hook');
    await sse.cancel();
  });

  it('keeps an idle stream alive with a comment every 15 s of the injected clock', async () => {
    f = await webFixture();
    const sse = sseReader(await f.request('/api/events'));
    await sse.next(); // the panel on connect
    await sse.next(); // the accounts' states on connect
    f.clock.advance(15_000);
    expect((await sse.next()).event).toBe('comment');
    await sse.cancel();
  });

  it('lets go of the panel and the timer when the browser goes away', async () => {
    f = await webFixture();
    const sse = sseReader(await f.request('/api/events'));
    await sse.next();
    expect(f.web.streams.size).toBe(1);
    await sse.cancel();
    await new Promise((r) => setImmediate(r));
    expect(f.web.streams.size).toBe(0);
    expect(f.clock.pendingTimers).toBe(0);
  });
});

describe('GET /api/status', () => {
  it('reports each account with its registration, the SIP ports, version, addresses and the glass', async () => {
    f = await webFixture({
      withPassword: true,
      configText: 'accounts:\n  - user: "201"\n    domain: lab.test\n    displayName: Alice\n  - user: "202"\n    domain: lab.test\n    enabled: false\n',
      registrations: { account1: { state: 'failed', status: 403, reason: 'Forbidden', consecutiveFailures: 1 } },
    });
    await f.panel.display.writeLine(0, 'Alice');
    const status = (await (await f.request('/api/status', { headers: f.basic() })).json()) as Record<string, unknown>;
    expect(status).toMatchObject({
      version: '9.8.7',
      board: 'sim',
      directIp: false,
      accounts: [
        { id: 'account1', aor: 'sip:201@lab.test', displayName: 'Alice', state: 'failed', status: 403, reason: 'Forbidden' },
        { id: 'account2', aor: 'sip:202@lab.test', state: 'disabled' },
      ],
      sip: { transports: [{ protocol: 'UDP', port: 5062 }] },
      network: { addresses: ['192.0.2.10'] },
      hook: 'on-hook',
      calls: [],
    });
    expect((status['lcd'] as string[])[0]!.trim()).toBe('Alice');
  });

  it('says how to call the phone directly when no account is enabled', async () => {
    f = await webFixture({ withPassword: true });
    const status = (await (await f.request('/api/status', { headers: f.basic() })).json()) as { directIp: boolean; directUris: string[] };
    expect(status.directIp).toBe(true);
    expect(status.directUris).toEqual(['sip:phone@127.0.0.1:5062', 'sip:phone@192.0.2.10:5062']);
  });
});

describe('POST /api/dial', () => {
  it('answers 503 with a clear message while the phone layer is absent', async () => {
    f = await webFixture({ withPassword: true });
    const res = await f.request('/api/dial', json({ target: 'sip:bob@lab.test' }, f.basic()));
    expect(res.status).toBe(503);
    expect(await errorOf(res)).toMatchObject({ code: 'PHONE_NOT_READY', message: expect.stringContaining('phone layer') });
  });

  it('hands a SIP URI, an IP address or a number to the phone', async () => {
    const dialled: string[] = [];
    f = await webFixture({ withPassword: true, phone: { dial: (t) => void dialled.push(t) } });
    for (const target of ['sip:bob@lab.test', '192.0.2.20', '[2001:db8::1]:5060', '201', ' 0049301234 ']) {
      const res = await f.request('/api/dial', json({ target }, f.basic()));
      expect(res.status, target).toBe(202);
    }
    expect((await f.request('/api/v1/calls', json({ target: 'bob@lab.test' }, f.basic()))).status).toBe(202);
    expect(dialled).toEqual(['sip:bob@lab.test', '192.0.2.20', '[2001:db8::1]:5060', '201', '0049301234', 'bob@lab.test']);
  });

  it('refuses what cannot be dialled, and passes the phone\'s refusal on as 409', async () => {
    f = await webFixture({
      withPassword: true,
      phone: {
        dial: () => {
          throw new DeskphoneError('NOT_REGISTERED', 'no account is registered');
        },
      },
    });
    const bad = await f.request('/api/dial', json({ target: 'bob smith' }, f.basic()));
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toContain('a SIP URI');
    const refused = await f.request('/api/dial', json({ target: '201' }, f.basic()));
    expect(refused.status).toBe(409);
    expect(await errorOf(refused)).toEqual({ code: 'NOT_REGISTERED', message: 'no account is registered' });
  });

  it('acts on a call through the phone, or says call control is not there yet', async () => {
    const actions: string[] = [];
    f = await webFixture({ withPassword: true, phone: { callAction: (id, action, target) => void actions.push(`${id} ${action}${target ? ` ${target}` : ''}`) } });
    expect((await f.request('/api/v1/calls/c1/hold', json({}, f.basic()))).status).toBe(200);
    expect((await f.request('/api/v1/calls/c1/transfer', json({ target: '203' }, f.basic()))).status).toBe(200);
    expect((await f.request('/api/v1/calls/c1/explode', json({}, f.basic()))).status).toBe(404);
    expect(actions).toEqual(['c1 hold', 'c1 transfer 203']);
  });
});

describe('unknown API routes', () => {
  it('answer 404 in JSON', async () => {
    f = await webFixture();
    const res = await f.request('/api/nothing');
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe('NOT_FOUND');
  });
});

describe('POST /api/restart', () => {
  it('answers first and restarts the phone afterwards', async () => {
    let restarts = 0;
    f = await webFixture({ withPassword: true, phone: { restart: () => void restarts++ } });
    const res = await f.request('/api/restart', json({}, f.basic()));
    expect(res.status).toBe(202);
    expect(restarts).toBe(0);
    f.clock.advance(0);
    await new Promise((r) => setImmediate(r));
    expect(restarts).toBe(1);
  });

  it('answers 503 while the phone layer is absent', async () => {
    f = await webFixture({ withPassword: true });
    expect((await errorOf(await f.request('/api/restart', json({}, f.basic())))).code).toBe('PHONE_NOT_READY');
  });
});

describe('GET /api/status on a board without the simulated panel', () => {
  it('reports the hook and the glass from the board\'s own devices', async () => {
    const web = createWebApp({
      clock: new FakeClock(),
      log: new Logging({ level: 'silent' }).for('web'),
      config: new ConfigAccess(parseConfigText('admin:\n  password: plain-pass\n')),
      version: '1',
      front: { hookSwitch: { state: 'off-hook' }, display: { contents: () => [`${Glyph.handset} 0:42`, 'Bob'] } },
    });
    const res = await injectRequest(web.handle, 'http://localhost/api/status', { headers: { authorization: `Basic ${Buffer.from('admin:plain-pass').toString('base64')}` } });
    expect(await res.json()).toMatchObject({ hook: 'off-hook', lcd: ['☎ 0:42', 'Bob'] });
    expect((await injectRequest(web.handle, 'http://localhost/api/panel', { headers: { authorization: `Basic ${Buffer.from('admin:plain-pass').toString('base64')}` } })).status).toBe(404);
  });
});
