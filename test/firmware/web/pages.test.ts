import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { isPasswordHash } from '../../../firmware/web/index.js';
import { ADMIN_PASSWORD, cookieOf, REMOTE, webFixture, type Peer, type WebFixture } from './web-fixture.js';

let f: WebFixture;
afterEach(async () => f?.close());

function form(fields: Record<string, string>, headers: Record<string, string> = {}): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString() };
}

function hidden(page: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(page);
  if (!m) throw new Error(`no hidden field ${name}`);
  return m[1]!;
}

/** Opens a form page and returns its token field and cookie, as a browser would hold them. */
async function openForm(fx: WebFixture, path: string, field: string, cookie = '', peer?: Peer) {
  const res = await fx.request(path, { headers: cookie ? { cookie } : {} }, peer);
  const page = await res.text();
  return { token: hidden(page, field), cookie: [cookie, cookieOf(res)].filter(Boolean).join('; '), page };
}

async function browserLogin(fx: WebFixture) {
  const login = await openForm(fx, '/login', '_form');
  const res = await fx.request('/login', form({ _form: login.token, user: 'admin', password: ADMIN_PASSWORD, next: '/admin/settings' }, { cookie: login.cookie }));
  expect(res.status).toBe(303);
  return cookieOf(res);
}

describe('first visit: choosing the admin password', () => {
  it('asks for a password from any address, stores its scrypt hash and logs the admin in', async () => {
    f = await webFixture();
    const setup = await openForm(f, '/setup', '_form', '', REMOTE);
    expect(setup.page).toContain('Choose an admin password');
    const res = await f.request('/setup', form({ _form: setup.token, password: 'first password', confirm: 'first password' }, { cookie: setup.cookie }), REMOTE);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin');
    const stored = f.config.config.admin.password;
    expect(isPasswordHash(stored)).toBe(true);
    expect(await readFile(f.file!, 'utf8')).toContain(stored);
    const admin = await f.request('/admin', { headers: { cookie: cookieOf(res) } }, REMOTE);
    expect(admin.status).toBe(200);
    expect(await admin.text()).toContain('Registrations');
  });

  it('refuses a setup form posted without its cookie (from another site)', async () => {
    f = await webFixture();
    const setup = await openForm(f, '/setup', '_form');
    const res = await f.request('/setup', form({ _form: setup.token, password: 'first password', confirm: 'first password' }));
    expect(res.status).toBe(403);
    expect(f.config.config.admin.password).toBe('');
  });

  it('asks again when the two passwords differ or are too short', async () => {
    f = await webFixture();
    const setup = await openForm(f, '/setup', '_form');
    const res = await f.request('/setup', form({ _form: setup.token, password: 'first password', confirm: 'first passwort' }, { cookie: setup.cookie }));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('The two passwords differ.');
    expect(f.config.config.admin.password).toBe('');
  });

  it('asks another machine for the setup code the phone shows, and this machine not', async () => {
    f = await webFixture({ setupCode: '428913' });
    const local = await openForm(f, '/setup', '_form');
    expect(local.page).not.toContain('Setup code');
    const remote = await openForm(f, '/setup', '_form', '', REMOTE);
    expect(remote.page).toContain('Setup code');
    const post = (code: string) => f.request('/setup', form({ _form: remote.token, code, password: 'first password', confirm: 'first password' }, { cookie: remote.cookie }), REMOTE);
    const wrong = await post('123456');
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('The setup code is wrong');
    expect(f.config.config.admin.password).toBe('');
    expect((await post(' 428913 ')).status).toBe(303);
    expect(isPasswordHash(f.config.config.admin.password)).toBe(true);
  });

  it('locks out an address that guesses setup codes', async () => {
    f = await webFixture({ setupCode: '428913' });
    const remote = await openForm(f, '/setup', '_form', '', REMOTE);
    const post = (code: string) => f.request('/setup', form({ _form: remote.token, code, password: 'first password', confirm: 'first password' }, { cookie: remote.cookie }), REMOTE);
    for (let i = 0; i < 5; i++) expect((await post(`00000${i}`)).status).toBe(401);
    expect((await post('428913')).status).toBe(429);
    expect(f.config.config.admin.password).toBe('');
  });

  it('is closed once a password is set', async () => {
    f = await webFixture({ withPassword: true });
    expect((await f.request('/setup')).headers.get('location')).toBe('/admin');
  });
});

describe('login page', () => {
  it('rejects a wrong password with a message and accepts the right one', async () => {
    f = await webFixture({ withPassword: true });
    const login = await openForm(f, '/login?next=/admin/dial', '_form');
    const wrong = await f.request('/login', form({ _form: login.token, user: 'admin', password: 'nope', next: '/admin/dial' }, { cookie: login.cookie }));
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('wrong user name or password');
    const right = await f.request('/login', form({ _form: login.token, user: 'admin', password: ADMIN_PASSWORD, next: '/admin/dial' }, { cookie: login.cookie }));
    expect(right.status).toBe(303);
    expect(right.headers.get('location')).toBe('/admin/dial');
  });

  it('never redirects to another site after login', async () => {
    f = await webFixture({ withPassword: true });
    const login = await openForm(f, '/login', '_form');
    for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
      const res = await f.request('/login', form({ _form: login.token, user: 'admin', password: ADMIN_PASSWORD, next }, { cookie: login.cookie }));
      expect(res.headers.get('location'), next).toBe('/admin');
    }
  });
});

describe('settings page', () => {
  const CONFIG = 'accounts:\n  - user: "201"\n    domain: lab.test\n    password: sip-secret\naudio:\n  volumes:\n    handset: 70\n';

  async function settings(fx: WebFixture) {
    const cookie = await browserLogin(fx);
    const page = await (await fx.request('/admin/settings', { headers: { cookie } })).text();
    const fields: Record<string, string> = { _csrf: hidden(page, '_csrf') };
    // What the browser would send back untouched: every text input's value, the selected options, checked boxes.
    for (const m of page.matchAll(/<input type="text" id="[^"]*" name="([^"]+)"[^>]*? value="([^"]*)"/g)) fields[m[1]!] = m[2]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    for (const m of page.matchAll(/<select id="[^"]*" name="([^"]+)"[^>]*>(.*?)<\/select>/g)) fields[m[1]!] = /<option selected>([^<]*)</.exec(m[2]!)?.[1] ?? /<option>([^<]*)</.exec(m[2]!)![1]!;
    for (const m of page.matchAll(/<input type="checkbox" id="[^"]*" name="([^"]+)"[^>]*? checked>/g)) fields[m[1]!] = 'on';
    return { cookie, page, fields };
  }

  it('never shows a stored password, only whether one is set', async () => {
    f = await webFixture({ configText: CONFIG, withPassword: true });
    const { page } = await settings(f);
    expect(page).not.toContain('sip-secret');
    expect(page).not.toContain('scrypt$');
    expect(page).toContain('placeholder="(unchanged)"');
  });

  it('saves the changed fields in one atomic write and leaves the others alone', async () => {
    f = await webFixture({ configText: CONFIG, withPassword: true });
    const { cookie, fields } = await settings(f);
    const res = await f.request('/admin/settings', form({ ...fields, 'audio.volumes.handset': '45', toneRegion: 'de', 'accounts[0].displayName': 'Reception' }, { cookie }));
    expect(res.status).toBe(303);
    const text = await readFile(f.file!, 'utf8');
    expect(f.config.config).toMatchObject({ toneRegion: 'de', audio: { volumes: { handset: 45 } } });
    expect(f.config.config.accounts[0]).toMatchObject({ displayName: 'Reception', password: 'sip-secret', enabled: true });
    expect(text).toContain('password: sip-secret');
    expect(text).not.toContain('registrar');
  });

  it('shows every invalid field with its key path and saves nothing', async () => {
    f = await webFixture({ configText: CONFIG, withPassword: true });
    const { cookie, fields } = await settings(f);
    const before = await readFile(f.file!, 'utf8');
    const res = await f.request('/admin/settings', form({ ...fields, 'audio.volumes.handset': 'loud', 'accounts[0].registrar': 'not a host!', toneRegion: 'de' }, { cookie }));
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('Nothing was saved: 2 settings are not valid.');
    expect(page).toMatch(/<p class="field-error" id="f-audio-volumes-handset-error">audio.volumes.handset: expected a number, found &quot;loud&quot;<\/p>/);
    expect(page).toMatch(/id="f-accounts-0--registrar" name="accounts\[0\].registrar" aria-invalid="true"/);
    // What the admin typed stays in the form.
    expect(page).toContain('value="not a host!"');
    expect(await readFile(f.file!, 'utf8')).toBe(before);
    expect(f.config.config.toneRegion).toBe('us');
  });

  it('adds an account from the blank entry at the end', async () => {
    f = await webFixture({ configText: CONFIG, withPassword: true });
    const { cookie, fields } = await settings(f);
    const res = await f.request('/admin/settings', form({ ...fields, 'accounts[1].user': '301', 'accounts[1].domain': 'pbx.example.com', 'accounts[1].password': 'pw' }, { cookie }));
    expect(res.status).toBe(303);
    expect(f.config.config.accounts[1]).toMatchObject({ user: '301', domain: 'pbx.example.com', password: 'pw', transport: 'udp', enabled: true });
  });

  it('refuses a post without the session\'s CSRF token', async () => {
    f = await webFixture({ configText: CONFIG, withPassword: true });
    const { cookie, fields } = await settings(f);
    const res = await f.request('/admin/settings', form({ ...fields, _csrf: 'forged', toneRegion: 'de' }, { cookie }));
    expect(res.status).toBe(403);
    expect(f.config.config.toneRegion).toBe('us');
  });
});

describe('front panel page', () => {
  it('draws the board\'s glass and every key with a label, and says how to call the phone in direct-IP mode', async () => {
    f = await webFixture();
    await f.panel.display.writeLine(0, 'Ready');
    const page = await (await f.request('/')).text();
    expect(page.match(/class="lcd-row"/g)).toHaveLength(4);
    expect(page.match(/<span class="cell">/g)).toHaveLength(80);
    for (const key of ['0', '9', '*', '#', 'ok', 'cancel', 'soft1', 'hold', 'transfer', 'conference', 'redial', 'mute', 'speaker', 'headset', 'volume-up', 'message']) {
      expect(page).toMatch(new RegExp(`data-key="${key.replace('*', '\\*')}" aria-label="[^"]+"`));
    }
    expect(page).toContain('sip:phone@127.0.0.1:5062');
    expect(page).toContain('Ready');
  });

  it('needs a login once a password is set, and then sends key presses with the session\'s CSRF token', async () => {
    f = await webFixture({ withPassword: true });
    expect((await f.request('/')).headers.get('location')).toBe('/login?next=%2F');
    const cookie = await browserLogin(f);
    const page = await (await f.request('/', { headers: { cookie } })).text();
    const config = JSON.parse(/<script type="application\/json" id="panel-config">(.*?)<\/script>/.exec(page)![1]!) as { csrfToken: string };
    const press = (headers: Record<string, string>) =>
      f.request('/api/panel/key', { method: 'POST', headers: { 'content-type': 'application/json', cookie, ...headers }, body: JSON.stringify({ key: '5' }) });
    expect((await press({})).status).toBe(403);
    expect((await press({ 'x-csrf-token': config.csrfToken })).status).toBe(200);
  });

  it('serves its style sheets as written (not HTML-escaped, which would void the selectors)', async () => {
    f = await webFixture();
    const page = await (await f.request('/')).text();
    const styles = [...page.matchAll(/<style>([^]*?)<\/style>/g)].map((m) => m[1]!);
    expect(styles).toHaveLength(2);
    for (const css of styles) expect(css).not.toMatch(/&(gt|lt|quot|amp|#39);/);
    expect(styles.join('')).toContain('.card>h2:first-child');
  });

  it('sends pages security headers that keep other sites from framing the keypad', async () => {
    f = await webFixture();
    const res = await f.request('/');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("frame-ancestors 'none'");
    // Scripts run only when they hash to the page's own (an injected inline script would not).
    expect(csp).toMatch(/script-src (?:'sha256-[A-Za-z0-9+/]{43}=' ?)+;/);
    expect(/script-src ([^;]*)/.exec(csp)![1]).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('dial page', () => {
  it('says dialling is not available while the phone layer is absent', async () => {
    f = await webFixture({ withPassword: true });
    const cookie = await browserLogin(f);
    const page = await (await f.request('/admin/dial', { headers: { cookie } })).text();
    const res = await f.request('/admin/dial', form({ _csrf: hidden(page, '_csrf'), target: 'sip:bob@lab.test' }, { cookie }));
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('the phone layer is not running');
  });

  it('dials through the phone', async () => {
    const dialled: string[] = [];
    f = await webFixture({ withPassword: true, phone: { dial: (t) => void dialled.push(t) } });
    const cookie = await browserLogin(f);
    const page = await (await f.request('/admin/dial', { headers: { cookie } })).text();
    const res = await f.request('/admin/dial', form({ _csrf: hidden(page, '_csrf'), target: '192.0.2.20' }, { cookie }));
    expect(res.status).toBe(202);
    expect(dialled).toEqual(['192.0.2.20']);
  });
});
