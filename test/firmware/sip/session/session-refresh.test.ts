import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../support/fake-clock.js';
import { parseMessage, type SipRequest, type SipResponse } from '../../../../firmware/sip/message/index.js';
import { DEFAULT_SESSION_TIMER, SessionRefresh } from '../../../../firmware/sip/session/index.js';

const head = (start: string, headers: string[]) =>
  [start, 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'From: <sip:x@y>;tag=1', 'To: <sip:a@b>;tag=2', 'Call-ID: c', 'CSeq: 2 INVITE', ...headers, 'Content-Length: 0', '', ''].join('\r\n');
const request = (...headers: string[]) => parseMessage(head('INVITE sip:a@b SIP/2.0', headers)) as SipRequest;
const response = (...headers: string[]) => parseMessage(head('SIP/2.0 200 OK', headers)) as SipResponse;

function setup(config = DEFAULT_SESSION_TIMER) {
  const clock = new FakeClock();
  const events: string[] = [];
  const refresh = new SessionRefresh(clock, config, {
    refresh: () => events.push(`refresh at ${clock.now() / 1000}`),
    expire: () => events.push(`expire at ${clock.now() / 1000}`),
  });
  return { clock, events, refresh };
}

describe('RFC 4028 session refresh roles', () => {
  it('as UAC of the exchange: refresher=uac in the 2xx means we refresh at half the interval', () => {
    const t = setup();
    t.refresh.answered(response('Session-Expires: 600;refresher=uac'));
    t.clock.advance(600_000);
    expect(t.events).toEqual(['refresh at 300']);
    expect(t.refresh.refreshHeaders()).toEqual([['Session-Expires', '600;refresher=uac']]);
  });

  it('as UAC: refresher=uas means we wait and expire min(32 s, interval/3) before the end', () => {
    const t = setup();
    t.refresh.answered(response('Session-Expires: 600;refresher=uas'));
    t.clock.advance(600_000);
    expect(t.events).toEqual(['expire at 568']);
    expect(t.refresh.running).toBe(false);
  });

  it('as UAC: no Session-Expires in the 2xx stops any timer (§7.2)', () => {
    const t = setup();
    t.refresh.arm(100, true);
    t.refresh.answered(response());
    t.clock.advance(1_000_000);
    expect(t.events).toEqual([]);
  });

  it('as UAS: a caller that supports timers refreshes, and the 2xx says so with Require: timer (§9)', () => {
    const t = setup();
    expect(t.refresh.answering(request('Session-Expires: 90', 'Supported: timer'))).toEqual([
      ['Session-Expires', '90;refresher=uac'],
      ['Require', 'timer'],
    ]);
    t.clock.advance(90_000);
    expect(t.events).toEqual(['expire at 60']);
  });

  it('as UAS: a caller without timer support leaves the refreshing to us, with no Require', () => {
    const t = setup();
    expect(t.refresh.answering(request('Session-Expires: 1800'))).toEqual([['Session-Expires', '1800;refresher=uas']]);
    t.clock.advance(900_000);
    expect(t.events).toEqual(['refresh at 900']);
  });

  it('as UAS: the refresher the request names wins', () => {
    const t = setup();
    t.refresh.answering(request('Session-Expires: 120;refresher=uas', 'Supported: timer'));
    expect(t.refresh.weRefresh).toBe(true);
  });

  it('a request without Session-Expires restarts the running timer (it refreshed the session too)', () => {
    const t = setup();
    t.refresh.answering(request('Session-Expires: 120', 'Supported: timer'));
    t.clock.advance(80_000);
    expect(t.refresh.answering(request())).toEqual([]);
    t.clock.advance(80_000);
    expect(t.events).toEqual([]);
    t.clock.advance(8_000);
    expect(t.events).toEqual(['expire at 168']);
  });

  it('does nothing when session timers are off in config', () => {
    const t = setup({ expires: 0, minSE: 90 });
    expect(t.refresh.answering(request('Session-Expires: 120', 'Supported: timer'))).toEqual([]);
    t.refresh.answered(response('Session-Expires: 120;refresher=uac'));
    t.clock.advance(1_000_000);
    expect(t.events).toEqual([]);
  });

  it('can try a refresh again shortly when the timer fired during another exchange', () => {
    const t = setup();
    t.refresh.arm(100, true);
    t.clock.advance(50_000);
    t.refresh.refreshSoon(1000);
    t.clock.advance(1000);
    expect(t.events).toEqual(['refresh at 50', 'refresh at 51']);
  });
});
