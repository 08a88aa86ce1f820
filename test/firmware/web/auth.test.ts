import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, errorOf, json, LOCAL, REMOTE, webFixture, type WebFixture } from './web-fixture.js';
import { injectRequest } from '../../support/inject-request.js';

let f: WebFixture;
afterEach(async () => f?.close());

describe('with no admin password set', () => {
  it('opens the front panel to this machine', async () => {
    f = await webFixture();
    expect((await f.request('/api/panel')).status).toBe(200);
    expect((await f.request('/', {}, LOCAL)).status).toBe(200);
  });

  it('keeps the panel closed to other machines and asks for a password first', async () => {
    f = await webFixture();
    const res = await f.request('/api/panel', {}, REMOTE);
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe('ADMIN_PASSWORD_NOT_SET');
    const page = await f.request('/', {}, REMOTE);
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/setup');
  });

  it('refuses a local request addressed by another host name (DNS rebinding)', async () => {
    f = await webFixture();
    const res = await injectRequest(f.web.handle, 'http://evil.example:8080/api/panel', {}, LOCAL.incoming.socket.remoteAddress);
    expect(res.status).toBe(403);
  });

  it('answers nothing but the panel, even locally', async () => {
    f = await webFixture();
    for (const path of ['/api/status', '/api/config']) {
      const res = await f.request(path);
      expect(res.status, path).toBe(403);
      expect((await errorOf(res)).code).toBe('ADMIN_PASSWORD_NOT_SET');
    }
    expect((await f.request('/admin')).headers.get('location')).toBe('/setup');
  });

  it('does not take Basic credentials (an empty password is no password)', async () => {
    f = await webFixture();
    const res = await f.request('/api/status', { headers: f.basic('admin', '') });
    expect(res.status).toBe(403);
  });
});

describe('with an admin password set', () => {
  it('asks every API caller to authenticate, the panel included', async () => {
    f = await webFixture({ withPassword: true });
    for (const path of ['/api/status', '/api/panel', '/api/config', '/api/events']) {
      const res = await f.request(path);
      expect(res.status, path).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="deskphone"/);
      expect((await errorOf(res)).code).toBe('AUTH_REQUIRED');
    }
  });

  it('sends pages to the login form', async () => {
    f = await webFixture({ withPassword: true });
    const res = await f.request('/admin/settings');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Fadmin%2Fsettings');
  });

  it('accepts HTTP Basic with the right password and refuses a wrong one or a wrong user', async () => {
    f = await webFixture({ withPassword: true });
    expect((await f.request('/api/status', { headers: f.basic() })).status).toBe(200);
    const wrong = await f.request('/api/status', { headers: f.basic('admin', 'guess') });
    expect(wrong.status).toBe(401);
    expect((await errorOf(wrong)).code).toBe('BAD_CREDENTIALS');
    expect((await f.request('/api/status', { headers: f.basic('root', ADMIN_PASSWORD) })).status).toBe(401);
  });

  it('accepts a plain-text password written into the config by hand', async () => {
    f = await webFixture({ configText: 'admin:\n  password: "hand written"\n' });
    expect((await f.request('/api/status', { headers: f.basic('admin', 'hand written') })).status).toBe(200);
    expect((await f.request('/api/status', { headers: f.basic('admin', 'hand writte') })).status).toBe(401);
  });

  it('accepts the API bearer token, and only that one', async () => {
    f = await webFixture({ withPassword: true, apiToken: 'tok-123456' });
    expect((await f.request('/api/status', { headers: { authorization: 'Bearer tok-123456' } })).status).toBe(200);
    const res = await f.request('/api/status', { headers: { authorization: 'Bearer tok-654321' } });
    expect(res.status).toBe(401);
    expect((await errorOf(res)).code).toBe('BAD_TOKEN');
  });

  it('locks an address out after five wrong passwords, longer each time, and lets it back in after the wait', async () => {
    f = await webFixture({ withPassword: true });
    for (let i = 0; i < 5; i++) expect((await f.request('/api/status', { headers: f.basic('admin', `guess${i}`) })).status).toBe(401);
    const locked = await f.request('/api/status', { headers: f.basic() });
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('30');
    expect((await errorOf(locked)).code).toBe('LOCKED_OUT');
    // Another address is not affected.
    expect((await f.request('/api/status', { headers: f.basic() }, REMOTE)).status).toBe(200);

    f.clock.advance(30_000);
    for (let i = 0; i < 5; i++) await f.request('/api/status', { headers: f.basic('admin', `again${i}`) });
    f.clock.advance(30_000);
    expect((await f.request('/api/status', { headers: f.basic() })).status).toBe(429);
    f.clock.advance(30_000);
    expect((await f.request('/api/status', { headers: f.basic() })).status).toBe(200);
  });

  it('logs a session in, and ends it on logout or after 30 idle minutes', async () => {
    f = await webFixture({ withPassword: true });
    const { cookie } = await f.login();
    expect(cookie).toMatch(/^deskphone_session=/);
    expect((await f.request('/api/status', { headers: { cookie } })).status).toBe(200);
    f.clock.advance(29 * 60_000);
    expect((await f.request('/api/status', { headers: { cookie } })).status).toBe(200);
    f.clock.advance(30 * 60_000);
    expect((await f.request('/api/status', { headers: { cookie } })).status).toBe(401);
  });

  it('sets the session cookie HttpOnly and SameSite=Strict', async () => {
    f = await webFixture({ withPassword: true });
    const res = await f.request('/api/session', json({ user: 'admin', password: ADMIN_PASSWORD }));
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly/);
    expect(res.headers.get('set-cookie')).toMatch(/SameSite=Strict/);
  });

  it('needs the CSRF token for a change made with a session cookie', async () => {
    f = await webFixture({ withPassword: true });
    const { cookie, csrfToken } = await f.login();
    const patch = (headers: Record<string, string>) =>
      f.request('/api/config', { method: 'PATCH', headers: { 'content-type': 'application/json', cookie, ...headers }, body: JSON.stringify({ path: 'toneRegion', value: 'de' }) });
    const refused = await patch({});
    expect(refused.status).toBe(403);
    expect((await errorOf(refused)).code).toBe('CSRF_TOKEN');
    expect(f.config.config.toneRegion).toBe('us');
    expect((await patch({ 'x-csrf-token': csrfToken })).status).toBe(200);
    expect(f.config.config.toneRegion).toBe('de');
  });

  it('never writes the password or the Authorization header into the log', async () => {
    f = await webFixture({ withPassword: true });
    await f.login();
    await f.request('/api/status', { headers: f.basic('admin', 'a wrong secret') });
    const log = f.logText();
    expect(log).toContain('admin logged in');
    expect(log).not.toContain(ADMIN_PASSWORD);
    expect(log).not.toContain('a wrong secret');
    expect(log).not.toContain(f.basic().authorization.slice(6));
  });
});

describe('changes from other sites', () => {
  it('refuses a key press whose Origin is another site, and presses nothing', async () => {
    f = await webFixture();
    const pressed: string[] = [];
    f.panel.keypad.onKey((e) => pressed.push(e.key));
    const res = await f.request('/api/panel/key', json({ key: '5' }, { origin: 'https://evil.example' }));
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe('CROSS_SITE');
    expect(pressed).toEqual([]);
  });

  it('refuses a body that is not JSON (what a cross-site form would send)', async () => {
    f = await webFixture();
    const res = await f.request('/api/panel/key', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"key":"5"}' });
    expect(res.status).toBe(415);
    expect((await errorOf(res)).code).toBe('JSON_REQUIRED');
  });

  it('accepts a change from its own origin', async () => {
    f = await webFixture();
    const res = await f.request('/api/panel/key', json({ key: '5' }, { origin: 'http://localhost' }));
    expect(res.status).toBe(200);
  });
});
