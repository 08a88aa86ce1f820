import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimPanel } from '../../../hal/sim/index.js';
import { loadConfigFile, parseConfigText } from '../../../firmware/config/index.js';
import { Logging } from '../../../firmware/log/index.js';
import type { RegistrationStatus } from '../../../firmware/sip/index.js';
import { ConfigAccess, createWebApp, hashPassword, type PartStatus, type PhoneControl, type WebApp } from '../../../firmware/web/index.js';
import { FakeClock } from '../../support/fake-clock.js';
import { injectRequest } from '../../support/inject-request.js';

/** A cheap scrypt cost for tests; the stored hash carries its own cost, so verification is cheap too. */
export const TEST_COST = { N: 1024, r: 8, p: 1 };
export const ADMIN_PASSWORD = 'correct horse battery';

export type Peer = { incoming: { socket: { remoteAddress: string } } };
export const LOCAL: Peer = { incoming: { socket: { remoteAddress: '127.0.0.1' } } };
export const REMOTE: Peer = { incoming: { socket: { remoteAddress: '192.0.2.7' } } };

export interface FixtureOptions {
  /** YAML of the config; written to a temp file unless `inMemory`. */
  configText?: string;
  inMemory?: boolean;
  /** Sets admin.password to a hash of ADMIN_PASSWORD. */
  withPassword?: boolean;
  phone?: PhoneControl;
  apiToken?: string;
  setupCode?: string;
  registrations?: Record<string, RegistrationStatus>;
  parts?: () => PartStatus[];
}

export interface WebFixture {
  web: WebApp;
  clock: FakeClock;
  panel: SimPanel;
  config: ConfigAccess;
  file: string | undefined;
  /** Every log line the web wrote, as text: tests check that no secret ever lands here. */
  logText(): string;
  request(path: string, init?: RequestInit, peer?: Peer): Promise<Response>;
  basic(user?: string, password?: string): Record<string, string>;
  /** Logs in through the API; returns the cookie header and CSRF token for later requests. */
  login(): Promise<{ cookie: string; csrfToken: string }>;
  close(): Promise<void>;
}

export async function webFixture(options: FixtureOptions = {}): Promise<WebFixture> {
  const clock = new FakeClock();
  const panel = new SimPanel({ clock, rows: 4, columns: 20 });
  let text = options.configText ?? '';
  if (options.withPassword) text += `\nadmin:\n  password: "${await hashPassword(ADMIN_PASSWORD, TEST_COST)}"\n`;
  let dir: string | undefined;
  let file: string | undefined;
  let loaded;
  if (options.inMemory) loaded = parseConfigText(text);
  else {
    dir = await mkdtemp(join(tmpdir(), 'deskphone-web-'));
    file = join(dir, 'phone.yaml');
    await writeFile(file, text);
    loaded = await loadConfigFile(file);
  }
  const config = new ConfigAccess(loaded);
  const lines: string[] = [];
  const logging = new Logging({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
  const registrations = options.registrations ?? {};
  const web = createWebApp({
    clock,
    log: logging.for('web'),
    config,
    version: '9.8.7',
    board: 'sim',
    panel,
    sip: { registrationStatus: () => registrations, localTransports: [{ protocol: 'UDP', address: '0.0.0.0', port: 5062 }] },
    addresses: () => ['192.0.2.10'],
    ...(options.phone ? { phone: options.phone } : {}),
    ...(options.parts ? { parts: options.parts } : {}),
    ...(options.apiToken ? { apiToken: options.apiToken } : {}),
    ...(options.setupCode ? { setupCode: options.setupCode } : {}),
    heartbeatMs: 15_000,
  });
  const request = async (path: string, init?: RequestInit, peer: Peer = LOCAL) => injectRequest(web.handle, `http://localhost${path}`, init, peer.incoming.socket.remoteAddress);
  const basic = (user = 'admin', password = ADMIN_PASSWORD) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
  return {
    web,
    clock,
    panel,
    config,
    file,
    logText: () => lines.join(''),
    request,
    basic,
    async login() {
      const res = await request('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'admin', password: ADMIN_PASSWORD }) });
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
      const { csrfToken } = (await res.json()) as { csrfToken: string };
      return { cookie: cookieOf(res), csrfToken };
    },
    async close() {
      web.close();
      await panel.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The `name=value` pairs a response set, ready to send back as a Cookie header. */
export function cookieOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .join('; ');
}

export function json(body: unknown, headers: Record<string, string> = {}): RequestInit & { headers: Record<string, string> } {
  return { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export async function errorOf(res: Response): Promise<{ code: string; message: string; [k: string]: unknown }> {
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}
