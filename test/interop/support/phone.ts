import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kamailio } from './kamailio.js';
import { startProcess, tempDir, waitFor, type PeerProcess } from './processes.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** The phone itself, started as a user starts it (`deskphone start`), headless, with its own config and data dir. */
export interface PhoneProcess {
  readonly peer: PeerProcess;
  readonly sipPorts: { udp?: number; tcp?: number; tls?: number };
  /** The web front panel, admin pages and REST API. */
  readonly httpPort: number;
  /** Every JSON log line the phone has written so far. */
  logLines(): Array<Record<string, unknown>>;
  waitForLog(what: string, match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export async function startPhoneProcess(options: { config: string; args?: string[] }): Promise<PhoneProcess> {
  const dir = await tempDir('phone');
  const configFile = join(dir.path, 'phone.yaml');
  await writeFile(configFile, options.config);
  const peer = startProcess(
    'deskphone',
    process.execPath,
    ['scripts/deskphone.js', 'start', '--config', configFile, '--data-dir', join(dir.path, 'data'), '--sip-port', '0', '--http-port', '0', '--log-level', 'debug', ...(options.args ?? [])],
    { cwd: root },
  );
  const logLines = () =>
    peer
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  const waitForLog: PhoneProcess['waitForLog'] = (what, match, timeoutMs = 15_000) =>
    waitFor(what, () => logLines().find(match), { peer, timeoutMs });
  const listening = await waitForLog('the phone to listen', (l) => l.event === 'listening', 30_000).catch(async (err: unknown) => {
    await peer.stop();
    await dir.remove();
    throw err;
  });
  return {
    peer,
    sipPorts: listening.sip as PhoneProcess['sipPorts'],
    httpPort: listening.http as number,
    logLines,
    waitForLog,
    async stop() {
      await peer.stop();
      await dir.remove();
    },
  };
}

/** The admin password the phone tests put in their configs. */
export const TEST_ADMIN_PASSWORD = 'desk-admin';

/** A running phone's REST API as a person's scripts drive it: authenticated JSON posts, the panel's glass. */
export function phoneApi(phone: PhoneProcess, password = TEST_ADMIN_PASSWORD) {
  const base = `http://127.0.0.1:${phone.httpPort}`;
  const auth = { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` };
  const get = async <T>(path: string): Promise<T> => (await (await fetch(`${base}${path}`, { headers: auth })).json()) as T;
  return {
    base,
    auth,
    get,
    async post(path: string, body: unknown): Promise<void> {
      const r = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify(body) });
      if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    },
    /** What the LCD shows, one line per row. */
    glass: async (): Promise<string> => (await get<{ text: string[] }>('/api/panel')).text.join('\n'),
    calls: async () => (await get<{ calls: Array<{ id: string; state: string; direction: string }> }>('/api/v1/calls')).calls,
  };
}

/**
 * The phone as `deskphone start` runs it, its one account 201 (password pw-201)
 * registering at `kamailio` over UDP; resolves once Kamailio holds the binding.
 * `extraConfig` is more top-level YAML (e.g. `phone:\n  acceptDirectCalls: true\n`).
 */
export async function startRegisteredPhone(kamailio: Kamailio, extraConfig = ''): Promise<PhoneProcess> {
  const phone = await startPhoneProcess({
    config: `admin:\n  password: desk-admin\n${extraConfig}accounts:\n  - user: "201"\n    password: pw-201\n    domain: ${kamailio.domain}\n    outboundProxy: 127.0.0.1:${kamailio.ports.udp}\n`,
  });
  await waitFor('registered', async () => ((await kamailio.registrations()).length > 0 ? true : undefined), { timeoutMs: 15_000 });
  return phone;
}
