import { describe, expect, it } from 'vitest';
import type { SipRequest, SipResponse } from '../../../../firmware/sip/message/index.js';
import { CallTransfer, type IncomingTransfer, type OutgoingTransfer, type Replacement } from '../../../../firmware/sip/refer/index.js';
import { ACCOUNT, flush, harness, peerRequest, reply, sdpBody, type Harness } from '../session/harness.js';

function lastResponse(t: Harness, status: number, method?: string): SipResponse {
  const list = t.responses(status).filter((r) => method === undefined || r.cseq.method === method);
  const r = list[list.length - 1];
  if (!r) throw new Error(`no ${status} sent; sent: ${t.summary().join(', ')}`);
  return r;
}

/** A harness with CallTransfer attached and one answered incoming call from Bob (Call-ID peer-call-1). */
async function inCall(options: { hangupOnSuccess?: boolean } = {}) {
  const t = harness({ accountFor: () => ACCOUNT });
  const transfer = new CallTransfer(t.manager, { clock: t.clock, ...options });
  t.receive(peerRequest('INVITE', { body: sdpBody() }));
  await flush();
  const call = t.incoming[0]!;
  call.answer();
  await flush();
  const ourTag = lastResponse(t, 200, 'INVITE').to.tag!;
  t.receive(peerRequest('ACK', { toTag: ourTag, cseq: 1 }));
  await flush();
  t.newlySent();
  let peerCseq = 1;
  /** A request from Bob inside the call's dialog. */
  const inDialog = (method: string, opts: { body?: string; contentType?: string; headers?: string[] } = {}) => {
    t.receive(peerRequest(method, { toTag: ourTag, cseq: ++peerCseq, ...opts }));
    return flush();
  };
  return { t, transfer, call, ourTag, inDialog };
}

const notify = (status: string, state: string, id?: number) => ({
  body: `SIP/2.0 ${status}\r\n`,
  contentType: 'message/sipfrag',
  headers: [`Event: refer${id === undefined ? '' : `;id=${id}`}`, `Subscription-State: ${state}`],
});

function track(transfer: OutgoingTransfer): string[] {
  const log: string[] = [];
  transfer.on('accepted', (a) => log.push(`accepted ${a.status}`));
  transfer.on('progress', (p) => log.push(`progress ${p.status} ${p.words}${p.final ? ' final' : ''}`));
  transfer.on('done', (d) => log.push(`done ${d.succeeded ? 'ok' : 'failed'} ${d.words}`));
  return log;
}

describe('blind transfer, we are the transferor (RFC 3515, RFC 5589 §6)', () => {
  it('sends REFER in the call dialog and reports each NOTIFY sipfrag, then hangs up on 200', async () => {
    const { t, transfer, call, ourTag, inDialog } = await inCall();
    const out = transfer.blind(call, '201');
    const log = track(out);
    await flush();
    const refer = t.last('REFER');
    expect(refer.callId).toBe('peer-call-1');
    expect(refer.from.tag).toBe(ourTag);
    expect(refer.headers.get('refer-to')).toBe('<sip:201@lab.test>');
    expect(refer.headers.get('referred-by')).toBe('<sip:alice@lab.test>');
    t.receive(reply(refer, 202, { toTag: 'bobtag' }));
    await flush();
    const id = refer.cseq.seq;
    await inDialog('NOTIFY', notify('100 Trying', 'active;expires=60', id));
    await inDialog('NOTIFY', notify('180 Ringing', 'active;expires=60', id));
    expect(call.state).toBe('active');
    await inDialog('NOTIFY', notify('200 OK', 'terminated;reason=noresource', id));
    expect(t.responses(200).filter((r) => r.cseq.method === 'NOTIFY')).toHaveLength(3);
    expect(log).toEqual(['accepted 202', 'progress 100 Transferring', 'progress 180 Ringing', 'progress 200 Transferred final', 'done ok Transferred']);
    expect(t.last('BYE').callId).toBe('peer-call-1');
    expect(call.state).toBe('ended');
  });

  it('keeps the call when the target is busy, and says so', async () => {
    const { t, transfer, call, inDialog } = await inCall();
    const out = transfer.blind(call, 'carol@lab.test');
    const log = track(out);
    await flush();
    const refer = t.last('REFER');
    expect(refer.headers.get('refer-to')).toBe('<sip:carol@lab.test>');
    t.receive(reply(refer, 202, { toTag: 'bobtag' }));
    await flush();
    await inDialog('NOTIFY', notify('486 Busy Here', 'terminated;reason=noresource', refer.cseq.seq));
    expect(log.at(-1)).toMatch(/^done failed Transfer failed \(/);
    expect(out.outcome).toMatchObject({ succeeded: false, status: 486 });
    expect(t.requests('BYE')).toHaveLength(0);
    expect(call.state).toBe('active');
  });

  it('reports a refused REFER and allows another attempt', async () => {
    const { t, transfer, call } = await inCall();
    const out = transfer.blind(call, '201');
    expect(() => transfer.blind(call, '202')).toThrow(/already under way/);
    await flush();
    t.receive(reply(t.last('REFER'), 603, { toTag: 'bobtag' }));
    await flush();
    expect(out.outcome).toMatchObject({ succeeded: false, status: 603 });
    expect(call.state).toBe('active');
    transfer.blind(call, '202');
    await flush();
    expect(t.requests('REFER')).toHaveLength(2);
  });

  it('answers NOTIFYs of other packages 489 and of unknown refer ids 481', async () => {
    const { t, transfer, call, inDialog } = await inCall();
    transfer.blind(call, '201');
    await flush();
    const refer = t.last('REFER');
    t.receive(reply(refer, 202, { toTag: 'bobtag' }));
    await flush();
    await inDialog('NOTIFY', { ...notify('100 Trying', 'active'), headers: ['Event: dialog', 'Subscription-State: active'] });
    expect(lastResponse(t, 489, 'NOTIFY')).toBeDefined();
    await inDialog('NOTIFY', notify('100 Trying', 'active', refer.cseq.seq + 50));
    expect(lastResponse(t, 481, 'NOTIFY')).toBeDefined();
    await inDialog('NOTIFY', { ...notify('100 Trying', 'active', refer.cseq.seq), body: 'hello' });
    expect(lastResponse(t, 400, 'NOTIFY')).toBeDefined();
  });

  it('gives up waiting for a final NOTIFY after the subscription time, leaving the call up', async () => {
    const { t, transfer, call } = await inCall();
    const out = transfer.blind(call, '201');
    await flush();
    t.receive(reply(t.last('REFER'), 202, { toTag: 'bobtag' }));
    await flush();
    t.clock.advance(59_000);
    expect(out.outcome).toBeUndefined();
    t.clock.advance(1_000);
    expect(out.outcome).toMatchObject({ succeeded: false, words: 'Transfer outcome unknown (no report)' });
    expect(call.state).toBe('active');
  });
});

describe('attended transfer, we are the transferor (RFC 5589 §7, RFC 3891)', () => {
  it('puts the consultation dialog into Refer-To as Replaces, tags seen from the target', async () => {
    const { t, transfer, call } = await inCall();
    const consult = t.manager.call('carol', call.account);
    await flush();
    const invite = t.last('INVITE');
    t.receive(reply(invite, 200, { toTag: 'caroltag', body: sdpBody({ port: 7002 }), contact: '<sip:carol@127.0.0.1:5070>' }));
    await flush();
    expect(consult.state).toBe('active');
    transfer.attended(call, consult);
    await flush();
    const refer = t.last('REFER');
    expect(refer.callId).toBe('peer-call-1');
    const referTo = refer.headers.get('refer-to')!;
    expect(referTo.startsWith('<sip:carol@127.0.0.1:5070?Replaces=')).toBe(true);
    const escaped = `${encodeURIComponent(consult.callId)}%3Bto-tag%3Dcaroltag%3Bfrom-tag%3D${invite.from.tag}`;
    expect(decodeURIComponent(referTo)).toBe(decodeURIComponent(`<sip:carol@127.0.0.1:5070?Replaces=${escaped}>`));
  });

  it('refuses to refer to a consultation call that is not connected', async () => {
    const { t, transfer, call } = await inCall();
    const consult = t.manager.call('carol', call.account);
    expect(() => transfer.attended(call, consult)).toThrow(/not connected/);
  });
});

describe('being transferred, we are the transferee (RFC 3515 §2.4.2–§2.4.5)', () => {
  async function referred(referTo: string, extra: string[] = []) {
    const s = await inCall();
    const events: IncomingTransfer[] = [];
    s.transfer.on('referred', (e) => events.push(e));
    await s.inDialog('REFER', { headers: [`Refer-To: ${referTo}`, 'Referred-By: <sip:bob@lab.test>', ...extra] });
    return { ...s, events };
  }
  const notifies = (t: Harness): SipRequest[] => t.requests('NOTIFY');

  it('accepts with 202, says 100 Trying, calls the target and reports 180 and 200, then ends the old call', async () => {
    const { t, call, events } = await referred('<sip:carol@lab.test>');
    expect(lastResponse(t, 202, 'REFER').cseq.seq).toBe(2);
    const invite = t.last('INVITE');
    expect(invite.uri.toString()).toBe('sip:carol@lab.test');
    expect(invite.callId).not.toBe('peer-call-1');
    expect(invite.headers.get('referred-by')).toBe('<sip:bob@lab.test>');
    expect(invite.headers.get('replaces')).toBeUndefined();
    expect(events).toHaveLength(1);
    expect(events[0]!.newCall.callId).toBe(invite.callId);
    const first = notifies(t)[0]!;
    expect(first.callId).toBe('peer-call-1');
    expect(first.headers.get('event')).toBe('refer;id=2');
    expect(first.headers.get('subscription-state')).toBe('active;expires=60');
    expect(first.contentType).toBe('message/sipfrag');
    expect(first.bodyText).toBe('SIP/2.0 100 Trying\r\n');
    t.receive(reply(first, 200, { toTag: 'bobtag' }));
    t.receive(reply(invite, 180, { toTag: 'caroltag' }));
    await flush();
    expect(notifies(t).at(-1)!.bodyText).toBe('SIP/2.0 180 Ringing\r\n');
    t.receive(reply(notifies(t).at(-1)!, 200, { toTag: 'bobtag' }));
    t.receive(reply(invite, 200, { toTag: 'caroltag', body: sdpBody({ port: 7002 }) }));
    await flush();
    expect(events[0]!.newCall.state).toBe('active');
    const last = notifies(t).at(-1)!;
    expect(last.bodyText).toBe('SIP/2.0 200 OK\r\n');
    expect(last.headers.get('subscription-state')).toBe('terminated;reason=noresource');
    // The old call ends only once the transferor has the 200: a BYE first would make its NOTIFY transaction fail.
    expect(t.requests('BYE')).toHaveLength(0);
    t.receive(reply(last, 200, { toTag: 'bobtag' }));
    await flush();
    expect(t.last('BYE').callId).toBe('peer-call-1');
    expect(call.state).toBe('ended');
  });

  it('reports a busy target in the final NOTIFY and keeps the old call', async () => {
    const { t, call } = await referred('<sip:carol@lab.test>');
    const invite = t.last('INVITE');
    t.receive(reply(invite, 486, { toTag: 'caroltag', reason: 'Busy Here' }));
    await flush();
    const last = notifies(t).at(-1)!;
    expect(last.bodyText).toBe('SIP/2.0 486 Busy Here\r\n');
    expect(last.headers.get('subscription-state')).toBe('terminated;reason=noresource');
    t.receive(reply(last, 200, { toTag: 'bobtag' }));
    await flush();
    expect(t.requests('BYE')).toHaveLength(0);
    expect(call.state).toBe('active');
  });

  it('carries the Replaces of an attended transfer into the INVITE', async () => {
    const { t } = await referred('<sip:carol@lab.test?Replaces=c9%40host%3Bto-tag%3Dct%3Bfrom-tag%3Dbt>');
    const invite = t.last('INVITE');
    expect(invite.uri.toString()).toBe('sip:carol@lab.test');
    expect(invite.headers.get('replaces')).toBe('c9@host;to-tag=ct;from-tag=bt');
  });

  it('refuses a REFER without one readable Refer-To (400) or with a scheme it cannot call (403)', async () => {
    const s = await inCall();
    await s.inDialog('REFER', { headers: [] });
    expect(lastResponse(s.t, 400, 'REFER').reason).toBe('Missing Refer-To');
    await s.inDialog('REFER', { headers: ['Refer-To: <sip:a@x>', 'Refer-To: <sip:b@x>'] });
    expect(lastResponse(s.t, 400, 'REFER').reason).toBe('More than one Refer-To');
    await s.inDialog('REFER', { headers: ['Refer-To: <http://example.com/>'] });
    expect(lastResponse(s.t, 403, 'REFER')).toBeDefined();
    expect(s.t.requests('INVITE')).toHaveLength(0);
  });

  it('declines with 603 when the phone does not want to be transferred', async () => {
    const t = harness();
    new CallTransfer(t.manager, { clock: t.clock, acceptRefer: () => false });
    t.receive(peerRequest('INVITE', { body: sdpBody() }));
    await flush();
    t.incoming[0]!.answer();
    await flush();
    const toTag = lastResponse(t, 200, 'INVITE').to.tag!;
    t.receive(peerRequest('ACK', { toTag, cseq: 1 }));
    t.receive(peerRequest('REFER', { toTag, cseq: 2, headers: ['Refer-To: <sip:carol@lab.test>'] }));
    await flush();
    expect(lastResponse(t, 603, 'REFER')).toBeDefined();
    expect(t.requests('INVITE')).toHaveLength(0);
  });

  it('keeps calling the target when the transferor hangs up right after the 202, and sends no more NOTIFYs', async () => {
    const { t, call, events, inDialog } = await referred('<sip:carol@lab.test>');
    await inDialog('BYE');
    expect(call.state).toBe('ended');
    const before = notifies(t).length;
    const invite = t.last('INVITE');
    t.receive(reply(invite, 180, { toTag: 'caroltag' }));
    t.receive(reply(invite, 200, { toTag: 'caroltag', body: sdpBody({ port: 7002 }) }));
    await flush();
    expect(events[0]!.newCall.state).toBe('active');
    expect(notifies(t)).toHaveLength(before);
  });

  it('answers REFER outside any dialog 481, and without CallTransfer a call still answers REFER 405', async () => {
    const { t } = await inCall();
    t.receive(peerRequest('REFER', { callId: 'elsewhere', headers: ['Refer-To: <sip:carol@lab.test>'] }));
    await flush();
    expect(lastResponse(t, 481, 'REFER').callId).toBe('elsewhere');
    const plain = harness();
    plain.receive(peerRequest('INVITE', { body: sdpBody() }));
    await flush();
    plain.incoming[0]!.answer();
    await flush();
    const toTag = lastResponse(plain, 200, 'INVITE').to.tag!;
    plain.receive(peerRequest('ACK', { toTag, cseq: 1 }));
    plain.receive(peerRequest('REFER', { toTag, cseq: 2, headers: ['Refer-To: <sip:carol@lab.test>'] }));
    await flush();
    expect(lastResponse(plain, 405, 'REFER').headers.get('allow')).not.toMatch(/REFER/);
  });

  it('lists REFER and NOTIFY in Allow and replaces in Supported', async () => {
    const { t } = await inCall();
    const ok = lastResponse(t, 200, 'INVITE');
    expect(ok.headers.get('allow')).toMatch(/REFER, NOTIFY/);
    expect(ok.headers.get('supported')).toMatch(/replaces/);
  });
});

describe('an INVITE with Replaces (RFC 3891 §3)', () => {
  async function replacing(replaces: string) {
    const s = await inCall();
    const events: Replacement[] = [];
    s.transfer.on('replaced', (e) => events.push(e));
    s.t.receive(peerRequest('INVITE', { callId: 'new-call-2', fromTag: 'daveTag', body: sdpBody({ port: 7004 }), headers: [`Replaces: ${replaces}`] }));
    await flush();
    return { ...s, events };
  }

  it('refuses a Replaces without its tags with 400 and leaves the call alone', async () => {
    const { t, call, events } = await replacing('peer-call-1;to-tag=x');
    expect(lastResponse(t, 400, 'INVITE').reason).toBe('Bad Replaces');
    expect(events).toHaveLength(0);
    expect(call.state).toBe('active');
  });

  it('replaces the matching confirmed call: 200 to the new INVITE, BYE to the old, no ringing announced', async () => {
    const s = await inCall();
    const events: Replacement[] = [];
    s.transfer.on('replaced', (e) => events.push(e));
    s.t.receive(peerRequest('INVITE', { callId: 'new-call-2', fromTag: 'daveTag', body: sdpBody({ port: 7004 }), headers: [`Replaces: peer-call-1;to-tag=${s.ourTag};from-tag=bobtag`] }));
    await flush();
    const ok = lastResponse(s.t, 200, 'INVITE');
    expect(ok.callId).toBe('new-call-2');
    expect(s.t.last('BYE').callId).toBe('peer-call-1');
    expect(s.call.state).toBe('ended');
    expect(events).toHaveLength(1);
    expect(events[0]!.replaced).toBe(s.call);
    expect(events[0]!.call.state).toBe('active');
    expect(events[0]!.call.media?.remotePort).toBe(7004);
    expect(s.t.incoming).toHaveLength(1);
  });

  it('answers 481 when no dialog matches (tags swapped count as no match)', async () => {
    const s = await replacing('peer-call-1;to-tag=bobtag;from-tag=whatever');
    expect(lastResponse(s.t, 481, 'INVITE').callId).toBe('new-call-2');
    expect(s.call.state).toBe('active');
    expect(s.t.incoming).toHaveLength(1);
  });

  it('answers 486 when early-only names a confirmed call', async () => {
    const s = await inCall();
    s.t.receive(peerRequest('INVITE', { callId: 'new-call-2', fromTag: 'daveTag', body: sdpBody(), headers: [`Replaces: peer-call-1;to-tag=${s.ourTag};from-tag=bobtag;early-only`] }));
    await flush();
    expect(lastResponse(s.t, 486, 'INVITE').callId).toBe('new-call-2');
    expect(s.call.state).toBe('active');
  });

  it('replaces our own outgoing call while it rings, cancelling it', async () => {
    const t = harness();
    const transfer = new CallTransfer(t.manager, { clock: t.clock });
    const events: Replacement[] = [];
    transfer.on('replaced', (e) => events.push(e));
    const out = t.manager.call('carol', { user: 'alice', domain: 'lab.test' });
    await flush();
    const invite = t.last('INVITE');
    t.receive(reply(invite, 180, { toTag: 'caroltag' }));
    await flush();
    t.receive(peerRequest('INVITE', { callId: 'new-call-3', fromTag: 'daveTag', body: sdpBody(), headers: [`Replaces: ${out.callId};to-tag=${invite.from.tag};from-tag=caroltag`] }));
    await flush();
    expect(events).toHaveLength(1);
    expect(lastResponse(t, 200, 'INVITE').callId).toBe('new-call-3');
    expect(t.last('CANCEL').callId).toBe(out.callId);
  });

  /** An INVITE from Dave whose Request-URI carries the Replaces (no header field), as baresip 1.0.0 sends it. */
  function inviteWithUriHeaders(uriHeaders: string, headers: string[] = []): string {
    return peerRequest('INVITE', { callId: 'new-call-2', fromTag: 'daveTag', body: sdpBody({ port: 7004 }), headers }).replace(
      'INVITE sip:alice@127.0.0.1:5062 SIP/2.0',
      `INVITE sip:alice@127.0.0.1:5062?${uriHeaders} SIP/2.0`,
    );
  }

  it('takes a Replaces that came as a Request-URI header (escaped, RFC 3261 §19.1.1) when the INVITE has no Replaces header', async () => {
    const s = await inCall();
    const events: Replacement[] = [];
    s.transfer.on('replaced', (e) => events.push(e));
    s.t.receive(inviteWithUriHeaders(`Replaces=peer-call-1%3Bto-tag%3D${s.ourTag}%3Bfrom-tag%3Dbobtag`));
    await flush();
    expect(lastResponse(s.t, 200, 'INVITE').callId).toBe('new-call-2');
    expect(s.t.last('BYE').callId).toBe('peer-call-1');
    expect(events).toHaveLength(1);
    expect(s.t.incoming).toHaveLength(1);
  });

  it("takes baresip 1.0.0's Request-URI Replaces with ? for ; and =, as seen on the wire", async () => {
    const s = await inCall();
    const events: Replacement[] = [];
    s.transfer.on('replaced', (e) => events.push(e));
    s.t.receive(inviteWithUriHeaders(`Replaces=peer-call-1?to-tag?${s.ourTag}?from-tag?bobtag`));
    await flush();
    expect(lastResponse(s.t, 200, 'INVITE').callId).toBe('new-call-2');
    expect(events[0]!.replaced).toBe(s.call);
    expect(s.call.state).toBe('ended');
  });

  it('still answers 400 to other Request-URI headers, and lets a Replaces header field win over the URI copy', async () => {
    const s = await inCall();
    s.t.receive(inviteWithUriHeaders('Subject=hi'));
    await flush();
    expect(lastResponse(s.t, 400, 'INVITE').reason).toBe('Headers not allowed in Request-URI');
    s.t.receive(inviteWithUriHeaders(`Replaces=peer-call-1%3Bto-tag%3D${s.ourTag}%3Bfrom-tag%3Dbobtag`, [`Replaces: peer-call-1;to-tag=${s.ourTag};from-tag=bobtag`]));
    await flush();
    expect(s.t.responses(400)).toHaveLength(2);
    expect(s.call.state).toBe('active');
  });
});

describe('the refer subscription when a NOTIFY overtakes the 202 (RFC 6665 §4.1.2.4, RFC 3515 §2.4.4)', () => {
  it('takes the NOTIFYs that came first, reports the outcome, and ignores the late 202', async () => {
    const { t, transfer, call, inDialog } = await inCall();
    const out = transfer.blind(call, '201');
    const log = track(out);
    await flush();
    const refer = t.last('REFER');
    const id = refer.cseq.seq;
    await inDialog('NOTIFY', notify('100 Trying', 'active;expires=60', id));
    await inDialog('NOTIFY', notify('200 OK', 'terminated;reason=noresource', id));
    expect(t.responses(200).filter((r) => r.cseq.method === 'NOTIFY')).toHaveLength(2);
    expect(log).toEqual(['progress 100 Transferring', 'progress 200 Transferred final', 'done ok Transferred']);
    t.receive(reply(refer, 202, { toTag: 'bobtag' }));
    await flush();
    expect(log).toHaveLength(3);
    expect(call.state).toBe('ended');
  });
});
