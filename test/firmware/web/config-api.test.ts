import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT_COST } from '../../../firmware/config/index.js';
import { errorOf, webFixture, type WebFixture } from './web-fixture.js';

let f: WebFixture;
afterEach(async () => f?.close());

const CONFIG = `# office phone
accounts:
  - user: "201"
    domain: pbx.example.com
    password: s3cret-sip   # from the PBX admin
audio:
  volumes:
    handset: 70
`;

function patch(fx: WebFixture, path: unknown, value: unknown) {
  return fx.request('/api/config', { method: 'PATCH', headers: { 'content-type': 'application/json', ...fx.basic() }, body: JSON.stringify({ path, value }) });
}

describe('GET /api/config', () => {
  it('shows the config with every secret masked', async () => {
    f = await webFixture({ configText: CONFIG, withPassword: true });
    const res = await f.request('/api/config', { headers: f.basic() });
    const text = await res.text();
    expect(text).not.toContain('s3cret-sip');
    expect(text).not.toContain('scrypt$');
    const body = JSON.parse(text) as { file: string; config: { accounts: Array<{ password: string }>; admin: { password: string } } };
    expect(body.file).toBe(f.file);
    expect(body.config.accounts[0]!.password).toBe('********');
    expect(body.config.admin.password).toBe('********');
  });
});

describe('PATCH /api/config', () => {
  it('writes one key to the file, keeping the comments', async () => {
    f = await webFixture({ configText: CONFIG, withPassword: true });
    const res = await patch(f, 'audio.volumes.handset', 55);
    expect(res.status).toBe(200);
    const text = await readFile(f.file!, 'utf8');
    expect(text).toContain('handset: 55');
    expect(text).toContain('# from the PBX admin');
    expect(f.config.config.audio.volumes.handset).toBe(55);
  });

  it('takes a path as a list of keys and indexes', async () => {
    f = await webFixture({ configText: CONFIG, withPassword: true });
    expect((await patch(f, ['accounts', 0, 'displayName'], 'Reception')).status).toBe(200);
    expect(f.config.config.accounts[0]!.displayName).toBe('Reception');
  });

  it('refuses an invalid value with the key path, and leaves the file as it was', async () => {
    f = await webFixture({ configText: CONFIG, withPassword: true });
    const before = await readFile(f.file!, 'utf8');
    const res = await patch(f, 'audio.volumes.handset', 150);
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error['issues']).toEqual([{ path: 'audio.volumes.handset', message: 'expected a number ≤ 100, found 150' }]);
    expect(await readFile(f.file!, 'utf8')).toBe(before);
    expect(f.config.config.audio.volumes.handset).toBe(70);
  });

  it('refuses an unknown key with a suggestion', async () => {
    f = await webFixture({ configText: CONFIG, withPassword: true });
    const error = await errorOf(await patch(f, 'toneRegoin', 'de'));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('did you mean "toneRegion"');
  });

  it('refuses a key path it cannot read', async () => {
    f = await webFixture({ configText: CONFIG, withPassword: true });
    for (const path of ['audio..volumes', 'accounts[x]', '.audio', 'audio.']) {
      const res = await patch(f, path, 1);
      expect(res.status, path).toBe(400);
      expect((await errorOf(res)).code).toBe('BAD_KEY_PATH');
    }
  });

  it('sends admin password changes to the endpoint that hashes them', async () => {
    f = await webFixture({ configText: CONFIG, withPassword: true });
    const error = await errorOf(await patch(f, 'admin.password', 'plain'));
    expect(error.code).toBe('USE_PASSWORD_ENDPOINT');
  });

  it('changes a config held only in memory when the phone runs without a file', async () => {
    f = await webFixture({ inMemory: true, configText: 'admin:\n  password: "hand written"\n' });
    const res = await f.request('/api/config', {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', ...f.basic('admin', 'hand written') },
      body: JSON.stringify({ path: 'timeZone', value: 'Europe/Berlin' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { file: unknown }).file).toBeNull();
    expect(f.config.config.timeZone).toBe('Europe/Berlin');
  });
});

describe('POST /api/admin/password', () => {
  it('stores the new password as a scrypt hash and ends the old sessions', async () => {
    f = await webFixture({ configText: CONFIG, withPassword: true });
    const { cookie } = await f.login();
    const res = await f.request('/api/admin/password', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...f.basic() },
      body: JSON.stringify({ current: 'correct horse battery', password: 'a much better one' }),
    });
    expect(res.status).toBe(200);
    const text = await readFile(f.file!, 'utf8');
    const { N, r, p } = DEFAULT_SCRYPT_COST;
    expect(text).toContain(`password: "scrypt$${N}$${r}$${p}$`);
    expect(text).not.toContain('a much better one');
    expect((await f.request('/api/status', { headers: { cookie } })).status).toBe(401);
    expect((await f.request('/api/status', { headers: f.basic('admin', 'a much better one') })).status).toBe(200);
    // The old password was just accepted over Basic (and remembered): it no longer is.
    expect((await f.request('/api/status', { headers: f.basic() })).status).toBe(401);
  });

  it('refuses a short password or a wrong current one', async () => {
    f = await webFixture({ configText: CONFIG, withPassword: true });
    const post = (body: unknown) => f.request('/api/admin/password', { method: 'POST', headers: { 'content-type': 'application/json', ...f.basic() }, body: JSON.stringify(body) });
    expect((await errorOf(await post({ current: 'correct horse battery', password: 'short' }))).message).toContain('at least 8 characters');
    expect((await errorOf(await post({ current: 'wrong', password: 'long enough now' }))).code).toBe('BAD_CREDENTIALS');
  });
});
