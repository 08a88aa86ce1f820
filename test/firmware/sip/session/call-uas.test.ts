import { parse } from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import type { SipResponse } from '../../../../firmware/sip/message/index.js';
import { flush, harness, peerRequest, record, sdpBody, type Harness } from './harness.js';

/** The far end calls us; returns the Call the manager announced. */
async function ring(t: Harness, opts: { body?: string; headers?: string[]; callId?: string } = {}) {
  t.receive(peerRequest('INVITE', { body: opts.body ?? sdpBody(), headers: opts.headers, callId: opts.callId }));
  await flush();
  const call = t.incoming[t.incoming.length - 1]!;
  return { call, log: call ? record(call) : [] };
}

function last(t: Harness, status: number): SipResponse {
  const list = t.responses(status);
  const r = list[list.length - 1];
  if (!r) throw new Error(`no ${status} sent; sent: ${t.summary().join(', ')}`);
  return r;
}

const ack = (t: Harness, opts: { body?: string; cseq?: number } = {}) =>
  peerRequest('ACK', { toTag: last(t, 200).to.tag, cseq: opts.cseq ?? 1, body: opts.body });

/** An answered incoming call, ACK received. */
async function answered(t: Harness, headers: string[] = []) {
  const r = await ring(t, { headers });
  r.call.answer();
  await flush();
  const toTag = last(t, 200).to.tag!;
  t.receive(ack(t));
  await flush();
  t.newlySent();
  return { ...r, toTag };
}

describe('incoming call (RFC 3261 §13.3)', () => {
  it('rings with 100 and 180 (To tag, Contact, Record-Route copied) and announces the call', async () => {
    const t = harness();
    const { call } = await ring(t, { headers: ['Record-Route: <sip:proxy.lab.test;lr>'] });
    expect(t.summary()).toEqual(['100 INVITE', '180 INVITE']);
    const ringing = last(t, 180);
    expect(ringing.to.tag).toBeDefined();
    expect(ringing.contacts[0]!.uri.toString()).toBe('sip:alice@127.0.0.1:5062');
    expect(ringing.headers.get('record-route')).toBe('<sip:proxy.lab.test;lr>');
    expect(call.state).toBe('ringing');
    expect(call.remoteIdentity.uri.toString()).toBe('sip:bob@lab.test');
    expect(call.direction).toBe('incoming');
  });

  it('answers with 200 carrying the SDP answer and the same To tag as the 180', async () => {
    const t = harness();
    const { call, log } = await ring(t);
    call.answer();
    await flush();
    const ok = last(t, 200);
    expect(ok.to.tag).toBe(last(t, 180).to.tag);
    expect(ok.contentType).toBe('application/sdp');
    expect(parse(ok.bodyText).media[0]).toMatchObject({ port: 40000, payloads: '0 101' });
    expect(log).toEqual(['state active Connected', 'media PCMU 198.51.100.7:7000 sendrecv']);
  });

  it('retransmits the 2xx at T1, 2T1, 4T1… capped at T2 until the ACK arrives (§13.3.1.4)', async () => {
    const t = harness();
    const { call } = await ring(t);
    call.answer();
    await flush();
    t.clock.advance(8_000);
    await flush();
    const times = t.udp.sent.filter((s) => s.message.kind === 'response' && s.message.status === 200).map((s) => s.at);
    expect(times).toEqual([0, 500, 1500, 3500, 7500]);
    t.receive(ack(t));
    await flush();
    t.clock.advance(20_000);
    await flush();
    expect(t.responses(200)).toHaveLength(5);
    expect(call.state).toBe('active');
  });

  it('ends the call with BYE when no ACK comes within 64*T1', async () => {
    const t = harness();
    const { call } = await ring(t);
    call.answer();
    await flush();
    t.clock.advance(32_000);
    await flush();
    expect(t.requests('BYE')).toHaveLength(1);
    expect(call.ended).toMatchObject({ kind: 'failed', words: 'No ACK received' });
  });

  it('holds back its BYE until the ACK for its 2xx has come (§15)', async () => {
    const t = harness();
    const { call } = await ring(t);
    call.answer();
    await flush();
    call.hangup();
    await flush();
    expect(t.requests('BYE')).toHaveLength(0);
    t.receive(ack(t));
    await flush();
    expect(t.requests('BYE')).toHaveLength(1);
    expect(call.ended).toMatchObject({ kind: 'local', words: 'Call ended' });
  });

  it('offers in the 200 when the INVITE had no SDP, and takes the answer from the ACK', async () => {
    const t = harness();
    const { call, log } = await ring(t, { body: '' });
    call.answer();
    await flush();
    const offer = parse(last(t, 200).bodyText).media[0]!;
    expect(offer.payloads).toBe('0 8 101');
    expect(log).toEqual(['state active Connected']);
    t.receive(ack(t, { body: sdpBody({ codecs: '8', port: 7010 }) }));
    await flush();
    expect(log.at(-1)).toBe('media PCMA 198.51.100.7:7010 sendrecv');
  });

  it('refuses an offer with no common codec with 488, before ringing', async () => {
    const t = harness();
    t.receive(peerRequest('INVITE', { body: sdpBody({ codecs: '18' }) }));
    await flush();
    expect(t.summary()).toEqual(['100 INVITE', '488 INVITE']);
    expect(last(t, 488).headers.get('warning')).toMatch(/^305 deskphone "no audio stream with a codec we support"$/);
    expect(t.incoming).toHaveLength(0);
  });

  it('answers 400 to an INVITE without Contact (§8.1.1.8)', async () => {
    const t = harness();
    t.receive(peerRequest('INVITE', { body: sdpBody() }).replace('Contact: <sip:bob@127.0.0.1:5070>\r\n', ''));
    await flush();
    expect(last(t, 400).reason).toBe('Missing Contact');
    expect(t.incoming).toHaveLength(0);
  });

  it('answers 415 with Accept to an INVITE body that is not SDP (§8.2.3)', async () => {
    const t = harness();
    t.receive(peerRequest('INVITE', { body: '<xml/>', contentType: 'application/xml' }));
    await flush();
    expect(last(t, 415).headers.get('accept')).toBe('application/sdp');
  });

  it('rejects with the status given (486 by default)', async () => {
    const t = harness();
    const { call, log } = await ring(t);
    call.reject();
    await flush();
    expect(t.responses(486)).toHaveLength(1);
    expect(log).toEqual(['state ended Busy', 'ended local Busy']);
    const second = await ring(t, { callId: 'peer-call-2' });
    second.call.reject(603);
    await flush();
    expect(t.responses(603)).toHaveLength(1);
  });

  it('answers 480 when no phone layer listens for calls', async () => {
    const t = harness({ listen: false });
    t.receive(peerRequest('INVITE', { body: sdpBody() }));
    await flush();
    expect(t.summary()).toEqual(['100 INVITE', '480 INVITE']);
    expect(t.manager.calls).toHaveLength(0);
  });

  it('on CANCEL answers 200 to it and 487 to the INVITE, and reports a missed call (§9.2)', async () => {
    const t = harness();
    const { call, log } = await ring(t);
    t.receive(peerRequest('CANCEL', { branch: t.responses(180)[0]!.topVia.branch, cseqMethod: 'CANCEL' }));
    await flush();
    expect(t.summary().slice(2)).toEqual(['200 CANCEL', '487 INVITE']);
    expect(call.ended).toMatchObject({ kind: 'remote', words: 'Missed call' });
    expect(log.at(-1)).toBe('ended remote Missed call');
  });
});

describe('CANCEL after our 2xx (the race seen from the callee)', () => {
  it('answers the CANCEL 200 and keeps the call: a final response was already sent (§9.2)', async () => {
    const t = harness();
    const { call } = await ring(t);
    call.answer();
    await flush();
    t.receive(peerRequest('CANCEL', { branch: t.responses(180)[0]!.topVia.branch, cseqMethod: 'CANCEL' }));
    await flush();
    expect(t.summary().slice(3)).toEqual(['200 CANCEL']);
    expect(call.state).toBe('active');
  });
});

describe('reliable 18x as UAS (RFC 3262)', () => {
  it('sends 180 with Require: 100rel and RSeq when the caller requires it, repeats it until PRACK, answers the PRACK', async () => {
    const t = harness();
    await ring(t, { headers: ['Require: 100rel', 'Supported: 100rel'] });
    const first = last(t, 180);
    expect(first.headers.get('require')).toBe('100rel');
    const rseq = Number(first.headers.get('rseq'));
    expect(rseq).toBeGreaterThan(0);
    t.clock.advance(1_500);
    await flush();
    expect(t.responses(180)).toHaveLength(3);
    t.receive(peerRequest('PRACK', { toTag: first.to.tag, cseq: 2, headers: [`RAck: ${rseq} 1 INVITE`] }));
    await flush();
    expect(t.responses(200).map((r) => r.cseq.method)).toEqual(['PRACK']);
    t.clock.advance(10_000);
    await flush();
    expect(t.responses(180)).toHaveLength(3);
  });

  it('answers 481 to a PRACK that matches no reliable response', async () => {
    const t = harness();
    await ring(t, { headers: ['Require: 100rel'] });
    const first = last(t, 180);
    t.receive(peerRequest('PRACK', { toTag: first.to.tag, cseq: 2, headers: [`RAck: 999999999 1 INVITE`] }));
    await flush();
    expect(t.responses(481)).toHaveLength(1);
  });

  it('rejects the INVITE with 5xx when no PRACK comes in 64*T1', async () => {
    const t = harness();
    const { call } = await ring(t, { headers: ['Require: 100rel'] });
    t.clock.advance(32_000);
    await flush();
    expect(t.responses(504)).toHaveLength(1);
    expect(call.state).toBe('ended');
  });

  it('keeps the 180 unreliable when 100rel is only supported', async () => {
    const t = harness();
    await ring(t, { headers: ['Supported: 100rel'] });
    expect(last(t, 180).headers.get('rseq')).toBeUndefined();
  });
});

describe('session timers as UAS (RFC 4028)', () => {
  it('refuses a Session-Expires below our Min-SE with 422 and Min-SE', async () => {
    const t = harness({ sessionTimer: { minSE: 120 } });
    t.receive(peerRequest('INVITE', { body: sdpBody(), headers: ['Session-Expires: 60', 'Supported: timer'] }));
    await flush();
    expect(last(t, 422).headers.get('min-se')).toBe('120');
    expect(t.incoming).toHaveLength(0);
  });

  it('lets a caller that supports timers refresh (refresher=uac, Require: timer), and hangs up if it never does', async () => {
    const t = harness();
    const r = await ring(t, { headers: ['Session-Expires: 300', 'Supported: timer'] });
    r.call.answer();
    await flush();
    const ok = last(t, 200);
    expect(ok.headers.get('session-expires')).toBe('300;refresher=uac');
    expect(ok.headers.get('require')).toBe('timer');
    t.receive(ack(t));
    await flush();
    t.clock.advance(268_000);
    await flush();
    expect(t.requests('BYE')).toHaveLength(1);
    expect(r.call.ended).toMatchObject({ words: 'Call lost (session expired)' });
  });

  it('a refresh re-INVITE from the caller restarts the timer', async () => {
    const t = harness();
    const { call, toTag } = await answered(t, ['Session-Expires: 300', 'Supported: timer']);
    t.clock.advance(150_000);
    t.receive(peerRequest('INVITE', { toTag, cseq: 2, body: sdpBody(), headers: ['Session-Expires: 300;refresher=uac', 'Supported: timer'] }));
    await flush();
    expect(last(t, 200).headers.get('session-expires')).toBe('300;refresher=uac');
    t.receive(peerRequest('ACK', { toTag, cseq: 2 }));
    t.clock.advance(200_000);
    await flush();
    expect(call.state).toBe('active');
  });

  it('refreshes itself when the caller does not support timers (refresher=uas)', async () => {
    const t = harness();
    const { toTag } = await answered(t, ['Session-Expires: 200']);
    expect(t.responses(200)[0]!.headers.get('session-expires')).toBe('200;refresher=uas');
    expect(t.responses(200)[0]!.headers.get('require')).toBeUndefined();
    t.clock.advance(100_000);
    await flush();
    const refresh = t.last('INVITE');
    expect(refresh.to.tag).toBe('bobtag');
    expect(refresh.from.tag).toBe(toTag);
    expect(refresh.uri.toString()).toBe('sip:bob@127.0.0.1:5070');
  });
});

describe('hold and resume (RFC 3264 §8.4)', () => {
  it('holds with a sendonly re-INVITE and resumes with sendrecv', async () => {
    const t = harness();
    const { call, log } = await answered(t);
    call.hold();
    await flush();
    const holdInvite = t.last('INVITE');
    expect(parse(holdInvite.bodyText).media[0]!.direction).toBe('sendonly');
    t.receive(replyTo(holdInvite, 200, sdpBody({ direction: 'recvonly' })));
    await flush();
    expect(t.newlySent()).toEqual(['INVITE', 'ACK']);
    expect(call.localHold).toBe(true);
    expect(log.slice(-2)).toEqual(['media PCMU 198.51.100.7:7000 sendonly', 'hold local=true remote=false']);
    call.resume();
    await flush();
    const resumeInvite = t.last('INVITE');
    expect(parse(resumeInvite.bodyText).media[0]!.direction).toBe('sendrecv');
    expect(Number(parse(resumeInvite.bodyText).origin.sessionVersion)).toBe(Number(parse(holdInvite.bodyText).origin.sessionVersion) + 1);
    t.receive(replyTo(resumeInvite, 200, sdpBody()));
    await flush();
    expect(call.localHold).toBe(false);
  });

  it('notices being held, answers recvonly, and offers inactive when it holds too', async () => {
    const t = harness();
    const { call, log, toTag } = await answered(t);
    t.receive(peerRequest('INVITE', { toTag, cseq: 2, body: sdpBody({ direction: 'sendonly', version: 2 }) }));
    await flush();
    expect(parse(last(t, 200).bodyText).media[0]!.direction).toBe('recvonly');
    expect(log.slice(-2)).toEqual(['media PCMU 198.51.100.7:7000 recvonly', 'hold local=false remote=true']);
    t.receive(peerRequest('ACK', { toTag, cseq: 2 }));
    await flush();
    call.hold();
    await flush();
    expect(parse(t.last('INVITE').bodyText).media[0]!.direction).toBe('inactive');
  });

  it('answers an empty re-INVITE with an offer of the current session and reads the answer in the ACK', async () => {
    const t = harness();
    const { log, toTag } = await answered(t);
    t.receive(peerRequest('INVITE', { toTag, cseq: 2 }));
    await flush();
    expect(last(t, 200).contentType).toBe('application/sdp');
    t.receive(peerRequest('ACK', { toTag, cseq: 2, body: sdpBody({ port: 7020 }) }));
    await flush();
    expect(log.at(-1)).toBe('media PCMU 198.51.100.7:7020 sendrecv');
  });

  it('stays off hold, without asking again, when the peer refuses the hold re-INVITE', async () => {
    const t = harness();
    const { call, log } = await answered(t);
    call.hold();
    await flush();
    t.receive(replyTo(t.last('INVITE'), 488));
    await flush();
    t.clock.advance(10_000);
    await flush();
    expect(t.requests('INVITE')).toHaveLength(1);
    expect(call.localHold).toBe(false);
    expect(call.state).toBe('active');
    expect(log.at(-1)).toBe('hold local=false remote=false');
  });

  it('keeps the session when a re-INVITE offer is unacceptable (488)', async () => {
    const t = harness();
    const { call, toTag } = await answered(t);
    t.receive(peerRequest('INVITE', { toTag, cseq: 2, body: sdpBody({ codecs: '18' }) }));
    await flush();
    expect(t.responses(488)).toHaveLength(1);
    expect(call.state).toBe('active');
    expect(call.media?.remotePort).toBe(7000);
  });
});

describe('glare (RFC 3261 §14)', () => {
  it('answers 491 to a re-INVITE that crosses ours', async () => {
    const t = harness();
    const { call, toTag } = await answered(t);
    call.hold();
    await flush();
    t.receive(peerRequest('INVITE', { toTag, cseq: 2, body: sdpBody() }));
    await flush();
    expect(t.responses(491)).toHaveLength(1);
  });

  it('retries after 0–2 s when the other side owns the Call-ID (an incoming call)', async () => {
    const t = harness({ random: () => 0.5 });
    const { call } = await answered(t);
    call.hold();
    await flush();
    t.receive(replyTo(t.last('INVITE'), 491));
    await flush();
    t.clock.advance(999);
    await flush();
    expect(t.requests('INVITE')).toHaveLength(1);
    t.clock.advance(1);
    await flush();
    // 0.5 of 0..200 steps of 10 ms = 1.00 s.
    expect(t.requests('INVITE')).toHaveLength(2);
    expect(parse(t.last('INVITE').bodyText).media[0]!.direction).toBe('sendonly');
  });

  it('retries after 2.1–4 s when it owns the Call-ID', async () => {
    const { glareBackoffMs } = await import('../../../../firmware/sip/session/index.js');
    expect(glareBackoffMs(true, () => 0)).toBe(2100);
    expect(glareBackoffMs(true, () => 0.999999)).toBe(4000);
    expect(glareBackoffMs(false, () => 0)).toBe(0);
    expect(glareBackoffMs(false, () => 0.999999)).toBe(2000);
    for (let i = 0; i < 200; i++) {
      const ms = glareBackoffMs(true);
      expect(ms % 10).toBe(0);
      expect(ms).toBeGreaterThanOrEqual(2100);
      expect(ms).toBeLessThanOrEqual(4000);
    }
  });
});

describe('UPDATE (RFC 3311) and INFO DTMF', () => {
  it('answers an UPDATE offer in its 200 and reports the new media', async () => {
    const t = harness();
    const { log, toTag } = await answered(t);
    t.receive(peerRequest('UPDATE', { toTag, cseq: 2, body: sdpBody({ port: 7030, version: 2 }) }));
    await flush();
    const ok = last(t, 200);
    expect(ok.cseq.method).toBe('UPDATE');
    expect(ok.contentType).toBe('application/sdp');
    expect(log.at(-1)).toBe('media PCMU 198.51.100.7:7030 sendrecv');
  });

  it('reports received dtmf-relay digits and answers 200', async () => {
    const t = harness();
    const { log, toTag } = await answered(t);
    t.receive(peerRequest('INFO', { toTag, cseq: 2, body: 'Signal=5\r\nDuration=160\r\n', contentType: 'application/dtmf-relay' }));
    t.receive(peerRequest('INFO', { toTag, cseq: 3, body: '11', contentType: 'application/dtmf' }));
    await flush();
    expect(log.slice(-2)).toEqual(['dtmf 5 160', 'dtmf # 250']);
    expect(t.responses(200).filter((r) => r.cseq.method === 'INFO')).toHaveLength(2);
  });

  it('answers 415 to an INFO body it cannot read', async () => {
    const t = harness();
    const { toTag } = await answered(t);
    t.receive(peerRequest('INFO', { toTag, cseq: 2, body: '<xml/>', contentType: 'application/xml' }));
    await flush();
    expect(t.responses(415)).toHaveLength(1);
  });

  it('sends a digit as INFO with application/dtmf-relay', async () => {
    const t = harness();
    const { call } = await answered(t);
    call.sendDtmfInfo('#', 200);
    await flush();
    const info = t.last('INFO');
    expect(info.contentType).toBe('application/dtmf-relay');
    expect(info.bodyText).toBe('Signal=#\r\nDuration=200\r\n');
    expect(() => call.sendDtmfInfo('x')).toThrow(RangeError);
  });

  it('sends queued digits one INFO at a time, in the order pressed', async () => {
    const t = harness();
    const { call } = await answered(t);
    call.sendDtmfInfo('1');
    call.sendDtmfInfo('2');
    call.sendDtmfInfo('3');
    await flush();
    expect(t.requests('INFO').map((r) => r.bodyText)).toEqual(['Signal=1\r\nDuration=160\r\n']);
    t.receive(replyTo(t.last('INFO'), 200));
    await flush();
    t.receive(replyTo(t.last('INFO'), 200));
    await flush();
    expect(t.requests('INFO').map((r) => r.bodyText.slice(0, 8))).toEqual(['Signal=1', 'Signal=2', 'Signal=3']);
  });

  it('answers a BYE from the caller while still ringing: 200, and 487 to the INVITE', async () => {
    const t = harness();
    const { call } = await ring(t);
    t.receive(peerRequest('BYE', { toTag: last(t, 180).to.tag, cseq: 2 }));
    await flush();
    expect(t.summary().slice(2)).toEqual(['200 BYE', '487 INVITE']);
    expect(call.state).toBe('ended');
  });
});

function replyTo(request: import('../../../../firmware/sip/message/index.js').SipRequest, status: number, body = ''): string {
  const lines = [
    `SIP/2.0 ${status} Whatever`,
    ...request.headers.getAll('via').map((v) => `Via: ${v}`),
    `From: ${request.headers.get('from')}`,
    `To: ${request.headers.get('to')}`,
    `Call-ID: ${request.callId}`,
    `CSeq: ${request.cseq.seq} ${request.cseq.method}`,
    'Contact: <sip:bob@127.0.0.1:5070>',
    ...(body ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  return lines.join('\r\n') + '\r\n\r\n' + body;
}

describe('offers that wait their turn', () => {
  it('holds once the ACK for our 2xx has arrived when hold was pressed before it', async () => {
    const t = harness();
    const { call } = await ring(t);
    call.answer();
    await flush();
    call.hold();
    await flush();
    expect(t.requests('INVITE')).toHaveLength(0);
    t.receive(ack(t));
    await flush();
    expect(parse(t.last('INVITE').bodyText).media[0]!.direction).toBe('sendonly');
  });

  it('answers 491 to an UPDATE offer that crosses our re-INVITE (RFC 3311 §5.2)', async () => {
    const t = harness();
    const { call, toTag } = await answered(t);
    call.hold();
    await flush();
    t.receive(peerRequest('UPDATE', { toTag, cseq: 2, body: sdpBody({ version: 2 }) }));
    await flush();
    expect(t.responses(491).map((r) => r.cseq.method)).toEqual(['UPDATE']);
  });

  it('acknowledges every retransmission of the 2xx to its own re-INVITE', async () => {
    const t = harness();
    const { call } = await answered(t);
    call.hold();
    await flush();
    const ok = replyTo(t.last('INVITE'), 200, sdpBody({ direction: 'recvonly' }));
    t.receive(ok);
    await flush();
    t.receive(ok);
    await flush();
    expect(t.newlySent()).toEqual(['INVITE', 'ACK', 'ACK']);
  });

  it('refreshes by UPDATE without a body when configured so and the peer allows UPDATE (RFC 4028 §7.4)', async () => {
    const t = harness({ refreshMethod: 'UPDATE' });
    await answered(t, ['Session-Expires: 120', 'Allow: INVITE, ACK, BYE, CANCEL, UPDATE']);
    t.clock.advance(60_000);
    await flush();
    const update = t.last('UPDATE');
    expect(update.body.length).toBe(0);
    expect(update.headers.get('session-expires')).toBe('120;refresher=uac');
  });

  it('refreshes by re-INVITE after all when the peer does not allow UPDATE', async () => {
    const t = harness({ refreshMethod: 'UPDATE' });
    await answered(t, ['Session-Expires: 120', 'Allow: INVITE, ACK, BYE, CANCEL']);
    t.clock.advance(60_000);
    await flush();
    expect(t.requests('UPDATE')).toHaveLength(0);
    expect(t.requests('INVITE')).toHaveLength(1);
  });

  it('sends a new offer in an UPDATE and takes the answer from its 200, without ACK (RFC 3311)', async () => {
    const t = harness();
    const { call, log } = await answered(t, ['Allow: INVITE, ACK, BYE, CANCEL, UPDATE']);
    call.renegotiate({ port: 40010 }, 'UPDATE');
    await flush();
    const update = t.last('UPDATE');
    expect(parse(update.bodyText).media[0]!.port).toBe(40010);
    t.receive(replyTo(update, 200, sdpBody({ port: 7040 })));
    await flush();
    expect(t.newlySent()).toEqual(['UPDATE']);
    expect(log.at(-1)).toBe('media PCMU 198.51.100.7:7040 sendrecv');
    expect(call.media?.localPort).toBe(40010);
  });

  it('queues a renegotiation asked for during another offer and sends it when that one settles', async () => {
    const t = harness();
    const { call } = await answered(t);
    call.hold();
    call.renegotiate({ port: 40020 });
    await flush();
    expect(t.requests('INVITE')).toHaveLength(1);
    t.receive(replyTo(t.last('INVITE'), 200, sdpBody({ direction: 'recvonly' })));
    await flush();
    const second = parse(t.last('INVITE').bodyText).media[0]!;
    expect(t.requests('INVITE')).toHaveLength(2);
    expect(second.port).toBe(40020);
    // Still holding: the renegotiation keeps the hold direction.
    expect(second.direction).toBe('sendonly');
  });

  it('refuses to send UPDATE to a peer that did not allow it', async () => {
    const t = harness();
    const { call } = await answered(t);
    expect(() => call.renegotiate({}, 'UPDATE')).toThrow(/does not allow UPDATE/);
  });
});
