import { afterEach, describe, expect, it } from 'vitest';
import { SimPanel } from '../../../hal/sim/index.js';
import { parseConfigText } from '../../../firmware/config/index.js';
import { Logging } from '../../../firmware/log/index.js';
import { startWebServer, type RunningWebServer } from '../../../firmware/web/index.js';
import { FakeClock } from '../../support/fake-clock.js';

// The app on a real socket (127.0.0.1, port 0): what main.ts starts.

let server: RunningWebServer | undefined;
let panel: SimPanel | undefined;
afterEach(async () => {
  await server?.close();
  await panel?.close();
  server = panel = undefined;
});

async function start(): Promise<RunningWebServer> {
  const clock = new FakeClock();
  panel = new SimPanel({ clock, rows: 2, columns: 16 });
  server = await startWebServer({ port: 0, clock, log: new Logging({ level: 'silent' }).for('web'), config: parseConfigText(''), version: '1.0.0', panel });
  return server;
}

describe('startWebServer', () => {
  it('listens on loopback on a free port and serves the panel to this machine', async () => {
    const s = await start();
    expect(s.host).toBe('127.0.0.1');
    expect(s.port).toBeGreaterThan(0);
    expect(s.url).toBe(`http://127.0.0.1:${s.port}/`);
    const res = await fetch(`${s.url}api/panel`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { columns: number }).columns).toBe(16);
  });

  it('closes promptly with a browser still subscribed to the event stream, ending the stream', async () => {
    const s = await start();
    const res = await fetch(`${s.url}api/events`);
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toMatch(/^event: panel\n/);
    await s.close();
    server = undefined;
    const rest = await reader.read().catch(() => ({ done: true }));
    expect(rest.done).toBe(true);
  });
});
