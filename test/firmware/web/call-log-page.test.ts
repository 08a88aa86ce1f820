import { afterEach, describe, expect, it } from 'vitest';
import { call, phoneData, type PhoneData } from './phone-data.js';
import { webFixture, type WebFixture } from './web-fixture.js';

let f: WebFixture;
let data: PhoneData;
afterEach(async () => {
  await f?.close();
  await data?.close();
});

function form(fields: Record<string, string>, cookie: string): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: new URLSearchParams(fields).toString() };
}

/** Rows of the calls table as text, one string per row, cells joined by `|`. */
function rows(page: string): string[] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(page)?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) =>
    [...m[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)]
      .map((c) => c[1]!.replace(/<br>/g, ' ').replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim())
      .join('|'),
  );
}

async function withLog(timeZone = 'Europe/Berlin') {
  data = await phoneData();
  f = await webFixture({ withPassword: true, phone: data.phone, configText: `timeZone: ${timeZone}\n` });
  // Oldest first: the log keeps the newest at the top.
  await data.callLog.add(call('1', { direction: 'outgoing', outcome: 'answered', number: '301', remoteName: 'Carol', startedAt: '2026-11-24T08:00:00Z', durationS: 187 }));
  await data.callLog.add(call('2', { direction: 'incoming', outcome: 'answered', number: '202', startedAt: '2026-11-25T09:30:00Z', durationS: 3725 }));
  await data.callLog.add(call('3', { direction: 'incoming', outcome: 'missed', number: '203', remoteName: 'Bob', startedAt: '2026-11-25T14:05:00Z' }));
  await data.callLog.add(call('4', { direction: 'outgoing', outcome: 'failed', number: '404', reason: 'Busy', startedAt: '2026-11-25T14:06:00Z' }));
  return f.login();
}

describe('call log page', () => {
  it('lists the calls newest first: kind, who, time in the phone\'s time zone, talk time', async () => {
    const { cookie } = await withLog();
    const res = await f.request('/admin/calllog', { headers: { cookie } });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('When (Europe/Berlin)');
    expect(rows(page)).toEqual([
      'Dialled (Busy)|404|Wed, 25 Nov 2026, 15:06|—|Call back',
      'Missed|Bob 203|Wed, 25 Nov 2026, 15:05|—|Call back',
      'Received|202|Wed, 25 Nov 2026, 10:30|1:02:05|Call back',
      'Dialled|Carol 301|Tue, 24 Nov 2026, 09:00|3:07|Call back',
    ]);
  });

  it('shows the same calls in another time zone at their local time there', async () => {
    const { cookie } = await withLog('America/New_York');
    const page = await (await f.request('/admin/calllog', { headers: { cookie } })).text();
    expect(rows(page)[1]).toBe('Missed|Bob 203|Wed, 25 Nov 2026, 09:05|—|Call back');
  });

  it('names a caller from the contacts before the display name the call carried, as the phone\'s screen does', async () => {
    const { cookie } = await withLog();
    await data.contacts.add({ name: 'Bob Baker', numbers: [{ label: 'work', value: '2 03' }] });
    const page = await (await f.request('/admin/calllog?view=missed', { headers: { cookie } })).text();
    expect(rows(page)).toEqual(['Missed|Bob Baker 203|Wed, 25 Nov 2026, 15:05|—|Call back']);
  });

  it('filters by kind: missed, received, dialled', async () => {
    const { cookie } = await withLog();
    const kinds = async (view: string) => rows(await (await f.request(`/admin/calllog?view=${view}`, { headers: { cookie } })).text()).map((r) => r.split('|')[0]);
    expect(await kinds('missed')).toEqual(['Missed']);
    expect(await kinds('received')).toEqual(['Received']);
    expect(await kinds('dialed')).toEqual(['Dialled (Busy)', 'Dialled']);
  });

  it('puts the missed-call indicator out when the missed calls are viewed, as on the phone, and not for the dialled list', async () => {
    const { cookie } = await withLog();
    expect(data.callLog.unseenMissed).toBe(1);
    await f.request('/admin/calllog?view=dialed', { headers: { cookie } });
    expect(data.callLog.unseenMissed).toBe(1);
    await f.request('/admin/calllog?view=missed', { headers: { cookie } });
    expect(data.callLog.unseenMissed).toBe(0);
  });

  it('calls back through the phone\'s dial path: the number, or the URI of a direct-IP caller', async () => {
    const { cookie, csrfToken } = await withLog();
    await data.callLog.add({ ...call('5', { direction: 'incoming', outcome: 'missed', number: 'phone', startedAt: '2026-11-25T15:00:00Z' }), remoteUri: 'sip:phone@192.0.2.44:5062' });
    const res = await f.request('/admin/calllog/dial', form({ _csrf: csrfToken, id: '3' }, cookie));
    expect(res.status).toBe(202);
    expect(await res.text()).toContain('Calling Bob (203)…');
    await f.request('/admin/calllog/dial', form({ _csrf: csrfToken, id: '5' }, cookie));
    expect(data.dialled).toEqual(['203', 'sip:phone@192.0.2.44:5062']);
  });

  it('refuses a call back without the CSRF token, and dials nothing', async () => {
    const { cookie } = await withLog();
    const res = await f.request('/admin/calllog/dial', form({ id: '3' }, cookie));
    expect(res.status).toBe(403);
    expect(data.dialled).toEqual([]);
  });

  it('clears the log only when the admin ticks the confirmation', async () => {
    const { cookie, csrfToken } = await withLog();
    const unconfirmed = await f.request('/admin/calllog/clear', form({ _csrf: csrfToken }, cookie));
    expect(unconfirmed.status).toBe(400);
    expect(await unconfirmed.text()).toContain('Nothing was deleted');
    expect(data.callLog.list()).toHaveLength(4);
    const res = await f.request('/admin/calllog/clear', form({ _csrf: csrfToken, confirm: 'yes' }, cookie));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('No calls.');
    expect(data.callLog.list()).toHaveLength(0);
  });

  it('sends a visitor without a session to the login page', async () => {
    await withLog();
    const res = await f.request('/admin/calllog');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Fadmin%2Fcalllog');
  });

  it('escapes a caller\'s display name: a name is text, never markup', async () => {
    const { cookie } = await withLog();
    await data.callLog.add(call('6', { direction: 'incoming', outcome: 'missed', number: '666', remoteName: '<script>alert(1)</script>', startedAt: '2026-11-25T16:00:00Z' }));
    const page = await (await f.request('/admin/calllog', { headers: { cookie } })).text();
    expect(page).not.toContain('<script>alert(1)');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('DELETE /api/v1/calllog', () => {
  it('empties the call log', async () => {
    await withLog();
    const res = await f.request('/api/v1/calllog', { method: 'DELETE', headers: f.basic() });
    expect(res.status).toBe(200);
    expect(data.callLog.list()).toEqual([]);
  });
});
