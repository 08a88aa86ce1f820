import { parse } from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import { ACCOUNT, flush, harness, record, reply, sdpBody, type Harness } from './harness.js';

/** Places a call and returns it with the INVITE that went out. */
async function dial(t: Harness, target = '201') {
  const call = t.manager.call(target, ACCOUNT);
  const log = record(call);
  await flush();
  return { call, log, invite: t.last('INVITE') };
}

/** Places a call and has the far end answer it with 200 + SDP. */
async function established(t: Harness, headers: string[] = []) {
  const d = await dial(t);
  t.receive(reply(d.invite, 200, { body: sdpBody(), headers }));
  await flush();
  t.newlySent();
  return d;
}

describe('outgoing call set-up (RFC 3261 §13.2)', () => {
  it('sends an INVITE with an SDP offer, Contact, Supported 100rel/timer and Session-Expires', async () => {
    const t = harness();
    const { invite, call } = await dial(t, '201');
    expect(invite.uri.toString()).toBe('sip:201@lab.test');
    expect(invite.from.tag).toBeDefined();
    expect(invite.to.tag).toBeUndefined();
    expect(invite.contacts[0]!.uri.toString()).toBe('sip:alice@127.0.0.1:5062');
    expect(invite.headers.get('supported')).toBe('100rel, timer');
    expect(invite.headers.get('session-expires')).toBe('1800');
    expect(invite.contentType).toBe('application/sdp');
    expect(parse(invite.bodyText).media[0]!.payloads).toBe('0 8 101');
    expect(call.state).toBe('calling');
  });

  it('reports 180 as ringing, then on 200 sends the ACK to the Contact and opens the media', async () => {
    const t = harness();
    const { invite, call, log } = await dial(t);
    t.receive(reply(invite, 180));
    await flush();
    t.receive(reply(invite, 200, { body: sdpBody({ port: 7002 }), contact: '<sip:bob@127.0.0.1:5071>' }));
    await flush();
    const ack = t.last('ACK');
    expect(ack.uri.toString()).toBe('sip:bob@127.0.0.1:5071');
    expect(ack.cseq.seq).toBe(invite.cseq.seq);
    expect(ack.to.tag).toBe('bobtag');
    expect(call.state).toBe('active');
    expect(log).toEqual(['state early Ringing', 'progress 180', 'state active Connected', 'media PCMU 198.51.100.7:7002 sendrecv']);
  });

  it('recomputes the route set of an early dialog from the 2xx (§13.2.2.4) and keeps its CSeq', async () => {
    const t = harness();
    const { invite, call } = await dial(t);
    t.receive(reply(invite, 183, { headers: ['Require: 100rel', 'RSeq: 1', 'Record-Route: <sip:old.proxy.test;lr>'] }));
    await flush();
    const prack = t.last('PRACK');
    expect(prack.headers.get('route')).toBe('<sip:old.proxy.test;lr>');
    t.receive(reply(invite, 200, { body: sdpBody(), headers: ['Record-Route: <sip:new.proxy.test;lr>'] }));
    await flush();
    call.hangup();
    await flush();
    const bye = t.last('BYE');
    expect(bye.headers.get('route')).toBe('<sip:new.proxy.test;lr>');
    expect(bye.cseq.seq).toBe(prack.cseq.seq + 1);
  });

  it('ignores an 18x that arrives after the 2xx', async () => {
    const t = harness();
    const { invite, call, log } = await dial(t);
    t.receive(reply(invite, 200, { body: sdpBody() }));
    t.receive(reply(invite, 180));
    await flush();
    expect(call.state).toBe('active');
    expect(log).toEqual(['state active Connected', 'media PCMU 198.51.100.7:7000 sendrecv']);
  });

  it('flags early media when a 183 carries SDP, and takes the media from it before the answer', async () => {
    const t = harness();
    const { invite, log } = await dial(t);
    t.receive(reply(invite, 183, { body: sdpBody({ port: 7004 }) }));
    await flush();
    expect(log).toEqual(['media PCMU 198.51.100.7:7004 sendrecv', 'state early Ringing', 'progress 183 early-media']);
  });

  it('sends an ACK for every retransmission of the 2xx, also after the transaction is gone (§13.2.2.4)', async () => {
    const t = harness();
    const { invite } = await dial(t);
    const ok = reply(invite, 200, { body: sdpBody() });
    t.receive(ok);
    await flush();
    t.receive(ok);
    await flush();
    // Timer M (64*T1) ends the INVITE transaction; the next copy arrives as a stray response.
    t.clock.advance(40_000);
    t.receive(ok);
    await flush();
    expect(t.requests('ACK')).toHaveLength(3);
    expect(t.requests('BYE')).toHaveLength(0);
  });

  it('keeps several early dialogs of a forked INVITE; the first 2xx wins and a later one gets ACK and BYE', async () => {
    const t = harness();
    const { invite, call } = await dial(t);
    t.receive(reply(invite, 180, { toTag: 'fork-a', contact: '<sip:a@127.0.0.1:5071>' }));
    t.receive(reply(invite, 180, { toTag: 'fork-b', contact: '<sip:b@127.0.0.1:5072>' }));
    await flush();
    expect(t.core.dialogs.size).toBe(2);
    t.receive(reply(invite, 200, { toTag: 'fork-b', body: sdpBody(), contact: '<sip:b@127.0.0.1:5072>' }));
    await flush();
    expect(call.confirmedDialog?.id.remoteTag).toBe('fork-b');
    expect(t.core.dialogs.size).toBe(1);
    t.newlySent();
    t.receive(reply(invite, 200, { toTag: 'fork-a', body: sdpBody(), contact: '<sip:a@127.0.0.1:5071>' }));
    await flush();
    expect(t.newlySent()).toEqual(['ACK', 'BYE']);
    const bye = t.last('BYE');
    expect(bye.to.tag).toBe('fork-a');
    expect(bye.uri.toString()).toBe('sip:a@127.0.0.1:5071');
    expect(call.state).toBe('active');
  });
});

describe('CANCEL (RFC 3261 §9.1)', () => {
  it('waits for a provisional response before sending CANCEL, then ends on the 487', async () => {
    const t = harness();
    const { invite, call, log } = await dial(t);
    call.hangup();
    await flush();
    expect(t.requests('CANCEL')).toHaveLength(0);
    t.receive(reply(invite, 180));
    await flush();
    const cancel = t.last('CANCEL');
    expect(cancel.topVia.branch).toBe(invite.topVia.branch);
    expect(cancel.cseq).toMatchObject({ seq: invite.cseq.seq, method: 'CANCEL' });
    t.receive(reply(cancel, 200));
    t.receive(reply(invite, 487));
    await flush();
    expect(call.state).toBe('ended');
    expect(log.at(-1)).toBe('ended local Cancelled');
    // The 487 is acknowledged by the INVITE transaction (§17.1.1.3).
    expect(t.requests('ACK')).toHaveLength(1);
  });

  it('handles the CANCEL/200 race: a 2xx after the CANCEL is acknowledged and the call closed with BYE', async () => {
    const t = harness();
    const { invite, call } = await dial(t);
    t.receive(reply(invite, 180));
    await flush();
    call.hangup();
    await flush();
    const cancel = t.last('CANCEL');
    t.newlySent();
    t.receive(reply(invite, 200, { body: sdpBody() }));
    t.receive(reply(cancel, 200));
    await flush();
    expect(t.newlySent()).toEqual(['ACK', 'BYE']);
    expect(call.ended).toMatchObject({ kind: 'local', words: 'Cancelled' });
  });

  it('answers a 2xx that comes with no provisional before it, after hang-up, with ACK and BYE', async () => {
    const t = harness();
    const { invite, call } = await dial(t);
    call.hangup();
    await flush();
    t.receive(reply(invite, 200, { body: sdpBody() }));
    await flush();
    expect(t.newlySent()).toEqual(['INVITE', 'ACK', 'BYE']);
    expect(call.ended).toMatchObject({ kind: 'local', words: 'Cancelled' });
  });

  it('gives up waiting for the 487 after 64*T1', async () => {
    const t = harness();
    const { invite, call } = await dial(t);
    t.receive(reply(invite, 183));
    await flush();
    call.hangup();
    t.clock.advance(32_000);
    expect(call.state).toBe('ended');
  });
});

describe('BYE (RFC 3261 §15)', () => {
  it('hangs up an established call with a BYE inside the dialog', async () => {
    const t = harness();
    const { call, log } = await established(t);
    call.hangup();
    await flush();
    const bye = t.last('BYE');
    expect(bye.to.tag).toBe('bobtag');
    expect(bye.cseq.seq).toBeGreaterThan(t.last('INVITE').cseq.seq);
    expect(log.at(-1)).toBe('ended local Call ended');
    expect(t.core.dialogs.size).toBe(0);
  });

  it('answers the far end\'s BYE with 200 and ends the call', async () => {
    const t = harness();
    const { call, invite, log } = await established(t);
    t.receive(
      [
        'BYE sip:alice@127.0.0.1:5062 SIP/2.0',
        'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKbye1',
        'Max-Forwards: 70',
        `From: <sip:201@lab.test>;tag=bobtag`,
        `To: ${invite.headers.get('from')}`,
        `Call-ID: ${invite.callId}`,
        'CSeq: 5 BYE',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
    await flush();
    expect(t.newlySent()).toEqual(['200 BYE']);
    expect(call.ended).toMatchObject({ kind: 'remote', words: 'Call ended' });
    expect(log.at(-1)).toBe('ended remote Call ended');
  });
});

describe('final responses in words', () => {
  it.each([
    [486, 'Busy'],
    [600, 'Busy'],
    [603, 'Declined'],
    [480, 'Not available'],
    [404, 'Number not found'],
    [484, 'Incomplete number'],
    [488, 'No common codec'],
    [503, 'Service unavailable'],
    [499, 'Call failed'],
  ])('%i is shown as "%s"', async (status, words) => {
    const t = harness();
    const { invite, call } = await dial(t);
    t.receive(reply(invite, status));
    await flush();
    expect(call.ended).toEqual({ kind: 'rejected', words, status });
    expect(t.manager.calls).toHaveLength(0);
  });

  it('says "No answer" when the INVITE times out (Timer B)', async () => {
    const t = harness();
    const { call } = await dial(t);
    t.clock.advance(32_000);
    await flush();
    expect(call.ended).toMatchObject({ kind: 'failed', words: 'No answer', status: 408 });
  });
});

describe('3xx redirect (RFC 3261 §8.1.3.4)', () => {
  it('follows a 302 to its Contact with the same Call-ID and a higher CSeq', async () => {
    const t = harness();
    const { invite, call } = await dial(t);
    t.receive(reply(invite, 302, { contact: '<sip:carol@127.0.0.1:5080>' }));
    await flush();
    const second = t.last('INVITE');
    expect(second.uri.toString()).toBe('sip:carol@127.0.0.1:5080');
    expect(second.callId).toBe(invite.callId);
    expect(second.from.tag).toBe(invite.from.tag);
    expect(second.cseq.seq).toBe(invite.cseq.seq + 1);
    t.receive(reply(second, 200, { body: sdpBody() }));
    await flush();
    expect(call.state).toBe('active');
  });

  it('stops at a redirect loop', async () => {
    const t = harness();
    const { invite, call } = await dial(t, 'sip:201@lab.test');
    t.receive(reply(invite, 302, { contact: '<sip:carol@127.0.0.1:5080>' }));
    await flush();
    t.receive(reply(t.last('INVITE'), 302, { contact: '<sip:201@lab.test>' }));
    await flush();
    expect(t.requests('INVITE')).toHaveLength(2);
    expect(call.ended).toMatchObject({ kind: 'failed', words: 'Redirect loop' });
  });

  it('stops after the configured number of redirects', async () => {
    const t = harness({ maxRedirects: 2 });
    const { call } = await dial(t);
    for (let i = 0; i < 3; i++) {
      t.receive(reply(t.last('INVITE'), 302, { contact: `<sip:hop${i}@127.0.0.1:5080>` }));
      await flush();
    }
    expect(t.requests('INVITE')).toHaveLength(3);
    expect(call.ended).toMatchObject({ words: 'Too many redirects', status: 302 });
  });
});

describe('authentication (RFC 3261 §22.2)', () => {
  it('answers a 407 with Proxy-Authorization on a new INVITE with the next CSeq', async () => {
    const t = harness();
    const { invite, call } = await dial(t);
    t.receive(reply(invite, 407, { headers: ['Proxy-Authenticate: Digest realm="lab.test", nonce="abc123", qop="auth", algorithm=MD5'] }));
    await flush();
    const retry = t.last('INVITE');
    expect(retry.cseq.seq).toBe(invite.cseq.seq + 1);
    expect(retry.headers.get('proxy-authorization')).toMatch(/^Digest username="alice", realm="lab.test"/);
    t.receive(reply(retry, 200, { body: sdpBody() }));
    await flush();
    expect(call.state).toBe('active');
  });

  it('does not loop when the credentials are refused', async () => {
    const t = harness();
    const { invite, call } = await dial(t);
    const challenge = ['Proxy-Authenticate: Digest realm="lab.test", nonce="abc123", qop="auth", algorithm=MD5'];
    t.receive(reply(invite, 407, { headers: challenge }));
    await flush();
    t.receive(reply(t.last('INVITE'), 407, { headers: challenge }));
    await flush();
    expect(t.requests('INVITE')).toHaveLength(2);
    expect(call.ended).toMatchObject({ words: 'Not authorized', status: 407 });
  });
});

describe('reliable provisional responses (RFC 3262)', () => {
  it('sends PRACK with RAck for each new reliable 18x, and none for a retransmission or an out-of-order RSeq', async () => {
    const t = harness();
    const { invite } = await dial(t);
    const reliable180 = reply(invite, 180, { headers: ['Require: 100rel', 'RSeq: 5'] });
    t.receive(reliable180);
    await flush();
    const prack = t.last('PRACK');
    expect(prack.headers.get('rack')).toBe(`5 ${invite.cseq.seq} INVITE`);
    expect(prack.to.tag).toBe('bobtag');
    expect(prack.uri.toString()).toBe('sip:bob@127.0.0.1:5070');
    t.receive(reliable180);
    t.receive(reply(invite, 183, { headers: ['Require: 100rel', 'RSeq: 7'] }));
    await flush();
    expect(t.requests('PRACK')).toHaveLength(1);
    t.receive(reply(invite, 183, { headers: ['Require: 100rel', 'RSeq: 6'], body: sdpBody() }));
    await flush();
    expect(t.requests('PRACK').map((p) => p.headers.get('rack'))).toEqual([`5 ${invite.cseq.seq} INVITE`, `6 ${invite.cseq.seq} INVITE`]);
  });
});

describe('session timers as UAC (RFC 4028)', () => {
  it('refreshes at half the interval with the same SDP when it is the refresher', async () => {
    const t = harness();
    const { invite } = await established(t, ['Session-Expires: 120;refresher=uac', 'Require: timer']);
    const firstSdp = invite.bodyText;
    t.clock.advance(59_000);
    await flush();
    expect(t.requests('INVITE')).toHaveLength(1);
    t.clock.advance(1_000);
    await flush();
    const refresh = t.last('INVITE');
    expect(refresh.to.tag).toBe('bobtag');
    expect(refresh.headers.get('session-expires')).toBe('120;refresher=uac');
    // RFC 3264 §8: nothing changed, so the same o= version and body.
    expect(refresh.bodyText).toBe(firstSdp);
    t.receive(reply(refresh, 200, { body: sdpBody(), headers: ['Session-Expires: 120;refresher=uac'] }));
    await flush();
    expect(t.requests('ACK')).toHaveLength(2);
    t.clock.advance(60_000);
    await flush();
    expect(t.requests('INVITE')).toHaveLength(3);
  });

  it('ends the call saying why when a refresh fails', async () => {
    const t = harness();
    const { call } = await established(t, ['Session-Expires: 120;refresher=uac']);
    t.clock.advance(60_000);
    await flush();
    t.receive(reply(t.last('INVITE'), 481));
    await flush();
    expect(call.ended).toEqual({ kind: 'failed', words: 'Call lost (refresh failed)', status: 481 });
  });

  it('sends BYE before the session expires when the other side should refresh and does not', async () => {
    const t = harness();
    const { call } = await established(t, ['Session-Expires: 120;refresher=uas']);
    // RFC 4028 §10: BYE at interval − min(32, interval/3) = 120 − 32 = 88 s.
    t.clock.advance(87_000);
    expect(call.state).toBe('active');
    t.clock.advance(1_000);
    await flush();
    expect(t.newlySent()).toEqual(['BYE']);
    expect(call.ended).toMatchObject({ kind: 'failed', words: 'Call lost (session expired)' });
  });

  it('runs no timer when the 2xx has no Session-Expires', async () => {
    const t = harness();
    const { call } = await established(t);
    t.clock.advance(3_600_000);
    await flush();
    expect(t.newlySent()).toEqual([]);
    expect(call.state).toBe('active');
  });

  it('neither asks for nor advertises session timers when they are off in config', async () => {
    const t = harness({ sessionTimer: { expires: 0 } });
    const { invite } = await dial(t);
    expect(invite.headers.get('session-expires')).toBeUndefined();
    expect(invite.headers.get('supported')).toBe('100rel');
  });

  it('retries a 422 with the Min-SE it names', async () => {
    const t = harness({ sessionTimer: { expires: 90 } });
    const { invite } = await dial(t);
    t.receive(reply(invite, 422, { headers: ['Min-SE: 600'] }));
    await flush();
    const retry = t.last('INVITE');
    expect(retry.headers.get('session-expires')).toBe('600');
    expect(retry.cseq.seq).toBe(invite.cseq.seq + 1);
  });
});

describe('late offer (RFC 3261 §13.2.1)', () => {
  it('sends an empty INVITE when asked and answers the offer of the 2xx in the ACK', async () => {
    const t = harness();
    const call = t.manager.call('201', ACCOUNT, { lateOffer: true });
    await flush();
    const invite = t.last('INVITE');
    expect(invite.body.length).toBe(0);
    t.receive(reply(invite, 200, { body: sdpBody({ codecs: '8 0' }) }));
    await flush();
    const ack = t.last('ACK');
    expect(ack.contentType).toBe('application/sdp');
    expect(String(parse(ack.bodyText).media[0]!.payloads)).toBe('8');
    expect(call.media?.codec.name).toBe('PCMA');
  });
});
