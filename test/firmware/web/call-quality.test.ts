import { afterEach, describe, expect, it } from 'vitest';
import type { CallQualityReport } from '../../../firmware/phone/phone-ports.js';
import type { CallSummary, PhoneControl } from '../../../firmware/web/index.js';
import { webFixture, type WebFixture } from './web-fixture.js';
import { sseReader } from './sse-reader.js';

let f: WebFixture;
afterEach(async () => f?.close());

const ALICE: CallSummary = { id: 'out-1', state: 'connected', peer: 'Alice', direction: 'outgoing' };
const BOB: CallSummary = { id: 'in-2', state: 'ringing', peer: '202', direction: 'incoming' };

function report(fields: Partial<CallQualityReport> = {}): CallQualityReport {
  return { callId: 'out-1', codec: 'PCMU', packetsSent: 1500, packetsReceived: 1490, lost: 10, lossPercent: 0.67, jitterMs: 3.25, rttMs: 41.6, playoutDelayMs: 62.4, concealedMs: 200, mos: 4.21, ...fields };
}

/** A phone with the given calls; `quality` answers what the media streams would report now. */
function phone(calls: CallSummary[], quality: () => CallQualityReport[]): PhoneControl {
  return { calls: () => calls, callQuality: async () => quality() };
}

describe('call quality in GET /api/v1/status', () => {
  it('gives each call with media its codec, packets, loss, jitter, RTT, playout delay, concealment and MOS', async () => {
    f = await webFixture({ withPassword: true, phone: phone([ALICE, BOB], () => [report()]) });
    const body = (await (await f.request('/api/v1/status', { headers: f.basic() })).json()) as { calls: Array<CallSummary & { quality?: unknown }> };
    expect(body.calls).toEqual([
      { ...ALICE, quality: { codec: 'PCMU', packetsSent: 1500, packetsReceived: 1490, lost: 10, lossPercent: 0.67, jitterMs: 3.25, rttMs: 41.6, playoutDelayMs: 62.4, concealedMs: 200, mos: 4.21 } },
      // Still ringing: no media yet, so no figures rather than zeros.
      BOB,
    ]);
  });

  it('still lists the calls when the media engine cannot answer', async () => {
    f = await webFixture({
      withPassword: true,
      phone: { calls: () => [ALICE], callQuality: () => Promise.reject(new Error('media worker gone')) },
    });
    const res = await f.request('/api/v1/status', { headers: f.basic() });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { calls: unknown[] }).calls).toEqual([ALICE]);
    expect(f.logText()).toContain('call quality not available');
  });
});

describe('call quality on the status page', () => {
  it('shows a row of figures per call, and a dash where there are none yet', async () => {
    f = await webFixture({ withPassword: true, phone: phone([ALICE, BOB], () => [report({ rttMs: undefined })]) });
    const { cookie } = await f.login();
    const page = await (await f.request('/admin', { headers: { cookie } })).text();
    const cells = (id: string) =>
      [...(new RegExp(`<tr data-call="${id}"[^>]*>([\\s\\S]*?)</tr>`).exec(page)?.[1] ?? '').matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
    expect(cells('out-1')).toEqual(['Alice', 'connected', 'PCMU', '1490 / 1500', '0.7 % (10)', '3.3 ms', '—', '62 ms', '200 ms', '4.21']);
    expect(cells('in-2')).toEqual(['202', 'ringing', '—', '—', '—', '—', '—', '—', '—', '—']);
    // The live update's script is one the page's CSP allows (its hash).
    const csp = (await f.request('/admin', { headers: { cookie } })).headers.get('content-security-policy')!;
    const { createHash } = await import('node:crypto');
    const scripts = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts.some((s) => s.includes("addEventListener('quality'"))).toBe(true);
    for (const script of scripts) expect(csp).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
  });

  it('says so when there is no call', async () => {
    f = await webFixture({ withPassword: true, phone: phone([], () => []) });
    const { cookie } = await f.login();
    expect(await (await f.request('/admin', { headers: { cookie } })).text()).toContain('<p id="no-calls">No calls.</p>');
  });
});

describe('call quality over server-sent events', () => {
  it('sends every call\'s figures each 2 s of the injected clock while calls are up, then one empty list', async () => {
    let reports = [report({ packetsReceived: 100 })];
    f = await webFixture({ withPassword: true, phone: phone([ALICE], () => reports) });
    const sse = sseReader(await f.request('/api/events', { headers: f.basic() }));
    expect((await sse.next()).event).toBe('panel');
    expect((await sse.next()).event).toBe('registrations');
    f.clock.advance(2000);
    expect(await sse.next()).toEqual({ event: 'quality', data: { calls: [report({ packetsReceived: 100 })] } });
    reports = [report({ packetsReceived: 200 })];
    await new Promise((r) => setImmediate(r));
    f.clock.advance(2000);
    expect(await sse.next()).toEqual({ event: 'quality', data: { calls: [report({ packetsReceived: 200 })] } });
    reports = [];
    await new Promise((r) => setImmediate(r));
    f.clock.advance(2000);
    expect(await sse.next()).toEqual({ event: 'quality', data: { calls: [] } });
    // Nothing more while the phone is idle: the next thing on the stream is the keep-alive.
    for (let t = 0; t < 5; t++) {
      await new Promise((r) => setImmediate(r));
      f.clock.advance(2000);
    }
    await new Promise((r) => setImmediate(r));
    f.clock.advance(5000);
    expect((await sse.next()).event).toBe('comment');
    await sse.cancel();
  });
});
