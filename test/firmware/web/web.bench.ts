/**
 * Web figures (issue 7 §5–7):
 *  1. key press to glass through the web on loopback: a browser-like client
 *     POSTs a key, the phone (a stand-in echoing digits) writes the glass, and
 *     the `panel` event arrives on the client's event stream. Beside it the
 *     same round trip through a bare node:http server doing the same work: the
 *     floor on this machine, so the ratio is what the web layer (router, context) and the auth layer cost.
 *  2. what an authenticated API call costs: a session cookie, HTTP Basic once
 *     its check is remembered, and HTTP Basic checked with scrypt every time
 *     (what the remembered check saves a script that sends Basic on each call).
 *
 *   npm run bench -- web.bench
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { HalClock } from '../../../hal/index.js';
import { SimPanel } from '../../../hal/sim/index.js';
import { DEFAULT_SCRYPT_COST, parseConfigText } from '../../../firmware/config/index.js';
import { Logging } from '../../../firmware/log/index.js';
import { ConfigAccess, createWebApp, hashPassword, startWebServer, verifyPassword } from '../../../firmware/web/index.js';
import { panelState } from '../../../firmware/web/panel-view.js';
import { percentile, printBench } from '../../support/bench-report.js';
import { injectRequest } from '../../support/inject-request.js';

const PRESSES = Number(process.env.BENCH_PRESSES ?? 300);
const log = new Logging({ level: 'silent' }).for('web');
const clock: HalClock & { now(): number } = {
  now: () => performance.now(),
  setTimeout: (cb, ms) => setTimeout(cb, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** A SimPanel whose stand-in phone shows the number of digits pressed so far on row 1. */
function echoPanel(): SimPanel {
  const panel = new SimPanel({ clock, rows: 4, columns: 20 });
  let count = 0;
  panel.keypad.onKey((e) => {
    if (e.type === 'down') void panel.display.writeLine(1, `digits ${++count}`);
  });
  return panel;
}

/** Presses keys one after another and times each until the glass showing it arrives on the event stream. */
async function roundTrips(base: string): Promise<number[]> {
  const events = await fetch(`${base}api/events`);
  const reader = events.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const waitFor = async (text: string) => {
    for (;;) {
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (block.startsWith('event: panel') && block.includes(`"${text}`)) return;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('event stream ended');
      buffer += decoder.decode(value, { stream: true });
    }
  };
  const times: number[] = [];
  for (let i = 1; i <= PRESSES + 20; i++) {
    const t0 = performance.now();
    const res = await fetch(`${base}api/panel/key`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"key":"5"}' });
    await res.arrayBuffer();
    await waitFor(`digits ${i}`.padEnd(20));
    if (i > 20) times.push(performance.now() - t0); // the first presses warm up the JIT and the connection
  }
  await reader.cancel();
  return times.sort((a, b) => a - b);
}

/** The floor: the same work (JSON body, key press, coalesced panel event) on bare node:http. */
async function bareServer(panel: SimPanel): Promise<{ base: string; close(): Promise<void> }> {
  const streams = new Set<ServerResponse>();
  let pending = false;
  panel.onEvent(() => {
    if (pending) return;
    pending = true;
    queueMicrotask(() => {
      pending = false;
      const data = `event: panel\ndata: ${JSON.stringify(panelState(panel))}\n\n`;
      for (const s of streams) s.write(data);
    });
  });
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/api/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(`event: panel\ndata: ${JSON.stringify(panelState(panel))}\n\n`);
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      const { key } = JSON.parse(body) as { key: '5' };
      panel.keypad.press(key);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((r) => {
        for (const s of streams) s.end();
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

async function requestsPerSecond(run: () => Promise<unknown>, ms = 1000): Promise<number> {
  for (let i = 0; i < 50; i++) await run();
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < ms) {
    await run();
    n++;
  }
  return (n / (performance.now() - start)) * 1000;
}

// 1. Key press to glass.
const oursPanel = echoPanel();
const ours = await startWebServer({ port: 0, clock, log, config: parseConfigText(''), version: 'bench', panel: oursPanel });
const oursTimes = await roundTrips(ours.url);
await ours.close();
const floorPanel = echoPanel();
const floor = await bareServer(floorPanel);
const floorTimes = await roundTrips(floor.base);
await floor.close();
for (const p of [50, 99]) {
  printBench(
    `key press to glass through the web, loopback, p${p} of ${PRESSES} presses one at a time`,
    [
      { name: 'bare node:http', value: percentile(floorTimes, p), unit: 'ms', note: 'same work, no framework' },
      { name: 'deskphone web', value: percentile(oursTimes, p), unit: 'ms', note: 'fastify, access rule, zod' },
    ],
    'bare node:http',
  );
}

// 2. Authenticated API calls (in process, injected requests: no socket in the figure).
// The cost a password set on the phone gets (firmware/config/admin-password.ts).
const COST = DEFAULT_SCRYPT_COST;
const stored = await hashPassword('bench password', COST);
const config = new ConfigAccess(parseConfigText(`admin:\n  password: "${stored}"\n`));
const web = createWebApp({ clock, log, config, version: 'bench', panel: echoPanel() });
const peer = '127.0.0.1';
const login = await injectRequest(web.handle, 'http://localhost/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"user":"admin","password":"bench password"}' }, peer);
const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
const basic = { authorization: `Basic ${Buffer.from('admin:bench password').toString('base64')}` };
const sessionRate = await requestsPerSecond(async () => (await injectRequest(web.handle, 'http://localhost/api/panel', { headers: { cookie } }, peer)).arrayBuffer());
const basicRate = await requestsPerSecond(async () => (await injectRequest(web.handle, 'http://localhost/api/panel', { headers: basic }, peer)).arrayBuffer());
const scryptRate = await requestsPerSecond(async () => {
  if (!(await verifyPassword('bench password', stored))) throw new Error('scrypt check failed');
  await (await injectRequest(web.handle, 'http://localhost/api/panel', { headers: { cookie } }, peer)).arrayBuffer();
}, 2000);
printBench(
  'authenticated GET /api/panel, in process',
  [
    { name: 'session cookie', value: sessionRate, unit: 'req/s' },
    { name: 'Basic, check remembered', value: basicRate, unit: 'req/s' },
    { name: 'Basic, scrypt each call', value: scryptRate, unit: 'req/s', note: `N=${COST.N} r=${COST.r} p=${COST.p}: ${(1000 / scryptRate).toFixed(0)} ms a call` },
  ],
  'session cookie',
);
web.close();
