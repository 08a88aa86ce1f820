import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phoneApi, startPhoneProcess, type PhoneProcess } from '../interop/support/phone.js';
import { waitFor } from '../interop/support/processes.js';

// Two phones as `deskphone start` runs them (sim board, direct-IP mode), wired by
// main.ts: one calls the other, and the caller's status API reports the call's
// quality from its media stream in the media worker. Then the restart asked
// for from the web ends the process with the code systemd starts it again on.

interface Quality {
  codec: string;
  packetsSent: number;
  packetsReceived: number;
  lossPercent: number;
  jitterMs: number;
  playoutDelayMs: number;
  concealedMs: number;
  mos: number;
}

describe('the web admin on a running phone', () => {
  let alice: PhoneProcess;
  let bob: PhoneProcess;

  beforeAll(async () => {
    const config = 'admin:\n  password: desk-admin\n';
    [alice, bob] = await Promise.all([startPhoneProcess({ config }), startPhoneProcess({ config })]);
  }, 60_000);

  afterAll(async () => {
    await alice?.stop();
    await bob?.stop();
  });

  it('shows the live quality of a call in GET /api/v1/status: codec, packets, loss, jitter, playout delay, MOS', async () => {
    const a = phoneApi(alice);
    const b = phoneApi(bob);
    await a.post('/api/v1/calls', { target: `sip:phone@127.0.0.1:${bob.sipPorts.udp}` });
    const [ringing] = await waitFor('bob to ring', async () => ((await b.calls()).length > 0 ? b.calls() : undefined), { timeoutMs: 15_000 });
    await b.post(`/api/v1/calls/${ringing!.id}/answer`, {});
    // 20 ms packets: 100 of them is two seconds of talk, enough for the figures to mean something.
    const quality = await waitFor(
      'alice to have received 100 packets',
      async () => {
        const status = await a.get<{ calls: Array<{ state: string; quality?: Quality }> }>('/api/v1/status');
        const q = status.calls[0]?.quality;
        return q && q.packetsReceived >= 100 ? q : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    expect(quality.codec).toBe('PCMU');
    expect(quality.packetsSent).toBeGreaterThanOrEqual(90);
    // Loopback on a loaded machine: no packet goes missing, though a late one may be concealed.
    expect(quality.lossPercent).toBe(0);
    expect(quality.jitterMs).toBeGreaterThanOrEqual(0);
    expect(quality.playoutDelayMs).toBeGreaterThan(0);
    expect(quality.mos).toBeGreaterThan(3.5);
    expect(quality.mos).toBeLessThanOrEqual(4.5);
    const calls = await a.calls();
    await a.post(`/api/v1/calls/${calls[0]!.id}/hangup`, {});
    await waitFor('the call to end', async () => ((await a.calls()).length === 0 ? true : undefined), { timeoutMs: 10_000 });
  }, 60_000);

  it('puts the missed-call indicator on the phone\'s glass out when the call log page is viewed', async () => {
    const a = phoneApi(alice);
    const b = phoneApi(bob);
    await a.post('/api/v1/calls', { target: `sip:phone@127.0.0.1:${bob.sipPorts.udp}` });
    await waitFor('bob to ring', async () => ((await b.calls()).length > 0 ? true : undefined), { timeoutMs: 15_000 });
    const [outgoing] = await a.calls();
    await a.post(`/api/v1/calls/${outgoing!.id}/hangup`, {});
    await waitFor('bob to show the missed call', async () => ((await b.glass()).includes('1 missed') ? true : undefined), { timeoutMs: 15_000 });
    const page = await fetch(`${b.base}/admin/calllog`, { headers: b.auth });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<td>Missed<\/td>/);
    await waitFor('the indicator to go out', async () => (!(await b.glass()).includes('missed') ? true : undefined), { timeoutMs: 10_000 });
  }, 60_000);

  it('restarts on request: answers 202, stops cleanly and exits with status 75 for systemd to start it again', async () => {
    const a = phoneApi(alice);
    const exited = once(alice.peer.child, 'exit');
    const res = await fetch(`${a.base}/api/v1/restart`, { method: 'POST', headers: { 'content-type': 'application/json', ...a.auth }, body: '{}' });
    expect(res.status).toBe(202);
    const [code] = (await exited) as [number | null];
    expect(code).toBe(75);
    expect(alice.logLines().some((l) => l.msg === 'stopped')).toBe(true);
  }, 30_000);

  it('refuses to reboot the simulated board, saying why', async () => {
    const b = phoneApi(bob);
    const res = await fetch(`${b.base}/api/v1/reboot`, { method: 'POST', headers: { 'content-type': 'application/json', ...b.auth }, body: '{}' });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('the simulated board cannot be rebooted');
  });
});
