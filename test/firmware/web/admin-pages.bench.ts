/**
 * What the admin pages over the phone's data cost to serve (issue 7 §6: "plain,
 * fast, usable on a phone browser"), in process (injected requests, no socket), with
 * the log and the book full: the call log at its 200 calls, the contacts at
 * 1000. Beside them the status page, the lightest admin page, as the baseline;
 * and the bytes a phone's browser downloads for each.
 *
 *   npm run bench -- admin-pages.bench
 */
import { performance } from 'node:perf_hooks';
import inject from 'light-my-request';
import { SimPanel } from '../../../hal/sim/index.js';
import { parseConfigText } from '../../../firmware/config/index.js';
import { Logging } from '../../../firmware/log/index.js';
import { CALL_LOG_LIMIT } from '../../../firmware/phone/call-log.js';
import { CONTACTS_LIMIT } from '../../../firmware/phone/contacts/index.js';
import { ConfigAccess, createWebApp, hashPassword } from '../../../firmware/web/index.js';
import { FakeClock } from '../../support/fake-clock.js';
import { percentile, printBench } from '../../support/bench-report.js';
import { call, phoneData } from './phone-data.js';
import { injectRequest } from '../../support/inject-request.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const clock = new FakeClock();
const data = await phoneData();
for (let i = 0; i < CALL_LOG_LIMIT; i++) {
  const kinds = [
    { direction: 'incoming', outcome: 'missed' },
    { direction: 'incoming', outcome: 'answered' },
    { direction: 'outgoing', outcome: 'answered' },
  ] as const;
  await data.callLog.add(call(String(i), { ...kinds[i % 3]!, number: String(200 + (i % 50)), remoteName: `Caller ${i}`, startedAt: new Date(Date.UTC(2026, 10, 1) + i * 3_600_000).toISOString(), durationS: i * 7 }));
}
const csv = ['name,label,number,speed_dial', ...Array.from({ length: CONTACTS_LIMIT }, (_, i) => `Contact ${String(i).padStart(4, '0')},work,+4930${1000000 + i},${i < 99 ? i + 1 : ''}`)].join('\n');
await data.contacts.import(csv, 'csv');

const config = new ConfigAccess(parseConfigText(`timeZone: Europe/Berlin\nadmin:\n  password: "${await hashPassword('bench password', { N: 1024, r: 8, p: 1 })}"\n`));
const web = createWebApp({
  clock,
  log: new Logging({ level: 'silent' }).for('web'),
  config,
  version: 'bench',
  board: 'sim',
  panel: new SimPanel({ clock, rows: 4, columns: 20 }),
  phone: { ...data.phone, recentLogs: () => [] },
});
const login = await injectRequest(web.handle, 'http://localhost/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'admin', password: 'bench password' }) });
const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');

async function measure(path: string): Promise<{ p50: number; p99: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < REQUESTS + 20; i++) {
    const start = performance.now();
    // light-my-request itself, not injectRequest's fetch Response on top: the figure is the page, not the harness.
    const res = await inject(web.handle, { url: path, headers: { cookie }, remoteAddress: '127.0.0.1' });
    const body = res.payload;
    if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode}`);
    if (i >= 20) times.push(performance.now() - start); // the first 20 warm the JIT
    bytes = Buffer.byteLength(body);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), bytes };
}

const pages: Array<[string, string]> = [
  ['status page', '/admin'],
  [`call log, ${CALL_LOG_LIMIT} calls`, '/admin/calllog?view=dialed'],
  [`contacts, ${CONTACTS_LIMIT}`, '/admin/contacts'],
];
const results = [];
for (const [name, path] of pages) results.push({ name, ...(await measure(path)) });
printBench(
  `admin pages served in process, p50 of ${REQUESTS} requests (full log and book)`,
  results.map((r) => ({ name: r.name, value: r.p50, unit: 'ms', note: `p99 ${r.p99.toFixed(2)} ms, ${(r.bytes / 1024).toFixed(0)} KB` })),
  'status page',
);
web.close();
await data.close();
