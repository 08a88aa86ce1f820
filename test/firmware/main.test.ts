import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPhone, type RunningPhone } from '../../firmware/main.js';
import type { SimulatedSerialConsole } from '../../hal/serial/index.js';

// The composition root, in-process on the simulated board: what a user reaches
// through the serial maintenance console and the web server of a running phone.

let dir: string;
let phone: RunningPhone | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deskphone-main-'));
});
afterEach(async () => {
  await phone?.stop();
  phone = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('a running phone on the simulated board', () => {
  it('serves the maintenance console: login, status, config set written to the file, config get masked', async () => {
    const file = join(dir, 'phone.yaml');
    await writeFile(file, '# front desk phone\nadmin:\n  user: admin\n  password: open-sesame\naudio:\n  volumes:\n    handset: 70\n');
    phone = await startPhone({ announce: false, config: file, dataDir: join(dir, 'data'), sipPort: 0, httpPort: 0, logLevel: { level: 'warn', components: {} } });
    const serial = phone.board.serial as SimulatedSerialConsole;
    await until(() => /login:/.test(serial.output), 'the login prompt');
    serial.type('admin\r');
    await until(() => /assword:/.test(serial.output), 'the password prompt');
    serial.type('open-sesame\r');
    await until(() => /> $/.test(serial.output), 'the shell prompt');
    serial.takeOutput();

    serial.type('status\r');
    await until(() => /board/.test(serial.output) && /> $/.test(serial.output), 'status');
    expect(serial.takeOutput()).toMatch(/board\s*:?\s*sim/);

    serial.type('config set audio.volumes.handset 85\r');
    await until(() => /> $/.test(serial.output), 'config set');
    serial.takeOutput();
    expect(await readFile(file, 'utf8')).toMatch(/# front desk phone[\s\S]*handset: 85/);

    serial.type('config get admin.password\r');
    await until(() => /\*\*\*/.test(serial.output), 'config get');
    expect(serial.takeOutput()).not.toContain('open-sesame');

    serial.type('config set audio.ptime 25\r');
    await until(() => /> $/.test(serial.output) && /ptime/.test(serial.output), 'a refused config set');
    expect(serial.takeOutput()).toMatch(/audio\.ptime: expected one of 10, 20, 30, 40, 50, 60, found 25/);
  });

  it('refuses console logins while no admin password is set', async () => {
    phone = await startPhone({ announce: false, dataDir: join(dir, 'data'), sipPort: 0, httpPort: 0, logLevel: { level: 'warn', components: {} } });
    const serial = phone.board.serial as SimulatedSerialConsole;
    await until(() => /login:/.test(serial.output), 'the login prompt');
    serial.type('admin\r');
    await until(() => /assword:/.test(serial.output), 'the password prompt');
    serial.type('\r');
    await until(() => /incorrect|failed|denied/i.test(serial.output), 'the refusal');
  });

  it('serves its front panel over HTTP and stops cleanly', async () => {
    phone = await startPhone({ announce: false, dataDir: join(dir, 'data'), sipPort: 0, httpPort: 0, logLevel: { level: 'warn', components: {} } });
    const res = await fetch(`http://127.0.0.1:${phone.web.port}/api/panel`);
    expect(res.status).toBe(200);
    const p = phone;
    phone = undefined;
    await p.stop();
    await p.stopped;
    await expect(fetch(`http://127.0.0.1:${p.web.port}/api/panel`)).rejects.toThrow();
  });

  it('imports and exports contacts and lists the call log over the REST API', async () => {
    const file = join(dir, 'phone.yaml');
    await writeFile(file, 'admin:\n  password: open-sesame\n');
    phone = await startPhone({ announce: false, config: file, sipPort: 0, httpPort: 0, dataDir: join(dir, 'data'), logLevel: { level: 'warn', components: {} } });
    const base = `http://127.0.0.1:${phone.web.port}/api/v1`;
    const auth = { authorization: `Basic ${Buffer.from('admin:open-sesame').toString('base64')}` };
    const imported = await fetch(`${base}/contacts/import`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ format: 'csv', text: 'name,label,number,speed_dial\nReception,work,200,1\n' }),
    });
    expect(await imported.json()).toEqual({ ok: true, added: 1 });
    const vcard = await fetch(`${base}/contacts?format=vcard`, { headers: auth });
    expect(vcard.headers.get('content-type')).toMatch(/text\/vcard/);
    expect(await vcard.text()).toContain('FN:Reception');
    const bad = await fetch(`${base}/contacts/import`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ format: 'csv', text: 'name,number\n,300\n' }),
    });
    expect(bad.status).toBe(409);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/line 2: empty name/);
    const log = await fetch(`${base}/calllog?view=missed`, { headers: auth });
    expect(await log.json()).toEqual({ calls: [] });
    expect((await fetch(`${base}/calllog`)).status).toBe(401);
    // The contacts are the user's data: they are on disk, in the data dir.
    expect(await readFile(join(dir, 'data', 'contacts.json'), 'utf8')).toContain('Reception');
  });
});
