import { describe, expect, it } from 'vitest';
import { DigitMap } from '../../../firmware/phone/dial-plan/index.js';
import { PhoneMachine, type PhoneMachineOptions } from '../../../firmware/phone/phone-machine.js';
import type { PhoneAction, PhoneInput } from '../../../firmware/phone/phone-events.js';

function phone(over: Partial<PhoneMachineOptions> = {}) {
  let now = 0;
  const m = new PhoneMachine({
    dialPlan: { digitMap: DigitMap.parse('[2-9]xxx|9,1[2-9]xx[2-9]xxxxxx|011x.T'), shortTimeoutMs: 3000, longTimeoutMs: 10000, emergencyNumbers: ['911'], rewrite: [] },
    callWaiting: true,
    doNotDisturb: false,
    volumes: { handset: 70, headset: 70, speaker: 60, ringer: 60 },
    lastDialled: () => '2015',
    now: () => now,
    ...over,
  });
  const send = (...inputs: PhoneInput[]) => inputs.flatMap((i) => m.handle(i));
  const keys = (digits: string) => [...digits].flatMap((k) => m.handle({ type: 'key', key: k as never, event: 'down' }));
  return { m, send, keys, tick: (ms: number) => (now += ms) };
}

const lift: PhoneInput = { type: 'hook', event: 'off-hook' };
const hang: PhoneInput = { type: 'hook', event: 'on-hook' };
const flash: PhoneInput = { type: 'hook', event: 'flash' };
const key = (k: string): PhoneInput => ({ type: 'key', key: k as never, event: 'down' });
const only = <T extends PhoneAction['type']>(actions: PhoneAction[], type: T) => actions.filter((a) => a.type === type) as Extract<PhoneAction, { type: T }>[];

describe('making a call', () => {
  it('lifting the handset gives dial tone; the fourth digit places the call; the tone stops at the first digit', () => {
    const { send, keys } = phone();
    expect(send(lift)).toEqual(expect.arrayContaining([{ type: 'route', route: 'handset' }, { type: 'tone', tone: 'dial' }]));
    expect(only(keys('2'), 'tone')).toEqual([{ type: 'tone', tone: null }]);
    const placed = only(keys('015'), 'place-call');
    expect(placed).toEqual([{ type: 'place-call', callId: 'call-1', number: '2015', emergency: false }]);
  });

  it('plays ringback while the far end rings, silence once answered, and shows the call connected', () => {
    const { m, send, keys, tick } = phone();
    send(lift);
    keys('2015');
    expect(only(send({ type: 'ringing', callId: 'call-1', earlyMedia: false }), 'tone')).toEqual([{ type: 'tone', tone: 'ringback' }]);
    tick(5000);
    expect(only(send({ type: 'answered', callId: 'call-1' }), 'tone')).toEqual([{ type: 'tone', tone: null }]);
    expect(m.view.focus).toMatchObject({ phase: 'connected', connectedAt: 5000 });
  });

  it('does not play its own ringback over early media (183 with SDP)', () => {
    const { send, keys } = phone();
    send(lift);
    keys('2015');
    expect(only(send({ type: 'ringing', callId: 'call-1', earlyMedia: true }), 'tone')).toEqual([]);
  });

  it('hanging up ends the call and goes quiet', () => {
    const { send, keys } = phone();
    send(lift);
    keys('2015');
    send({ type: 'answered', callId: 'call-1' });
    const actions = send(hang);
    expect(actions).toEqual(expect.arrayContaining([{ type: 'hangup', callId: 'call-1' }, { type: 'route', route: null }]));
    expect(only(actions, 'call-ended')[0]).toMatchObject({ cause: 'local' });
  });

  it('shows why a call failed and plays busy tone until the handset goes down', () => {
    const { m, send, keys } = phone();
    send(lift);
    keys('2015');
    const actions = send({ type: 'ended', callId: 'call-1', reason: 'Busy', cause: 'busy' });
    expect(only(actions, 'tone')).toEqual([{ type: 'tone', tone: 'busy' }]);
    expect(m.view.notice?.text).toBe('Busy');
    expect(only(actions, 'start-timer')).toEqual([]); // handset up: no timeout, the tone plays on
    expect(only(send(hang), 'tone')).toEqual([{ type: 'tone', tone: null }]);
  });

  it('hands-free, a failure notice clears itself after a few seconds', () => {
    const { m, send, keys } = phone();
    send(key('speaker'));
    keys('2015');
    const actions = send({ type: 'ended', callId: 'call-1', reason: 'Number not found', cause: 'failed' });
    expect(only(actions, 'start-timer')).toEqual([{ type: 'start-timer', name: 'notice', ms: 3000 }]);
    expect(only(send({ type: 'timer', name: 'notice' }), 'route')).toEqual([{ type: 'route', route: null }]);
    expect(m.view.notice).toBeUndefined();
  });

  it('an impossible number gets congestion tone and "Invalid number"', () => {
    const { m, send, keys } = phone();
    send(lift);
    expect(only(keys('1'), 'tone')).toEqual([{ type: 'tone', tone: 'congestion' }]);
    expect(m.view.notice?.text).toBe('Invalid number');
  });

  it('plays the outside-line tone after the 9 until the next digit', () => {
    const { send, keys } = phone();
    send(lift);
    expect(only(keys('9'), 'tone')).toEqual([{ type: 'tone', tone: 'second-dial' }]);
    expect(only(keys('1'), 'tone')).toEqual([{ type: 'tone', tone: null }]);
  });

  it('digits pressed on-hook start dialling on the loudspeaker', () => {
    const { m, keys } = phone();
    const actions = keys('2');
    expect(actions).toEqual(expect.arrayContaining([{ type: 'route', route: 'speaker' }]));
    expect(m.view.dialling).toBe('2');
  });

  it('redial calls the last number hands-free', () => {
    const { send } = phone();
    expect(send(key('redial'))).toEqual(expect.arrayContaining([{ type: 'place-call', callId: 'call-1', number: '2015', emergency: false }, { type: 'route', route: 'speaker' }]));
  });

  it('the dial timer completes an open-ended number', () => {
    const { send, keys } = phone();
    send(lift);
    keys('01149');
    expect(only(send({ type: 'timer', name: 'dial' }), 'place-call')).toEqual([{ type: 'place-call', callId: 'call-1', number: '01149', emergency: false }]);
  });
});

describe('receiving a call', () => {
  const incoming = (callId = 'in-1'): PhoneInput => ({ type: 'incoming', callId, remoteUri: 'sip:301@pbx', remoteName: 'Bob', number: '301' });

  it('rings, and lifting the handset answers', () => {
    const { m, send } = phone();
    expect(only(send(incoming()), 'ring')).toEqual([{ type: 'ring', on: true }]);
    const actions = send(lift);
    expect(actions).toEqual(expect.arrayContaining([{ type: 'answer', callId: 'in-1' }, { type: 'ring', on: false }, { type: 'route', route: 'handset' }]));
    expect(m.view.focus?.phase).toBe('connected');
  });

  it('the speaker key answers hands-free; cancel rejects with 486', () => {
    const a = phone();
    a.send(incoming());
    expect(a.send(key('speaker'))).toEqual(expect.arrayContaining([{ type: 'answer', callId: 'in-1' }, { type: 'route', route: 'speaker' }]));
    const b = phone();
    b.send(incoming());
    expect(b.send(key('cancel'))).toEqual(expect.arrayContaining([{ type: 'reject', callId: 'in-1', status: 486 }, { type: 'ring', on: false }]));
  });

  it('stops ringing when the caller gives up', () => {
    const { send } = phone();
    send(incoming());
    const actions = send({ type: 'ended', callId: 'in-1', reason: 'Missed call', cause: 'cancelled' });
    expect(actions).toEqual(expect.arrayContaining([{ type: 'ring', on: false }]));
    expect(only(actions, 'call-ended')[0]!.call.phase).toBe('incoming');
  });

  it('do-not-disturb rejects with the configured status, without ringing', () => {
    const { send } = phone({ doNotDisturb: 480 });
    expect(send(incoming())).toEqual([{ type: 'reject', callId: 'in-1', status: 480 }]);
  });
});

describe('two calls', () => {
  const incoming = (callId: string): PhoneInput => ({ type: 'incoming', callId, remoteUri: `sip:${callId}@pbx`, number: callId });

  function inCall() {
    const p = phone();
    p.send(incoming('in-1'), lift);
    return p;
  }

  it('a second call plays the call-waiting tone, not the ringer', () => {
    const { send } = inCall();
    const actions = send(incoming('in-2'));
    expect(only(actions, 'tone')).toEqual([{ type: 'tone', tone: 'call-waiting' }]);
    expect(only(actions, 'ring')).toEqual([]);
  });

  it('hook-flash answers the waiting call and holds the first; flash again swaps back', () => {
    const { m, send } = inCall();
    send(incoming('in-2'));
    expect(send(flash)).toEqual(expect.arrayContaining([{ type: 'hold', callId: 'in-1' }, { type: 'answer', callId: 'in-2' }, { type: 'tone', tone: null }]));
    expect(send(flash)).toEqual(expect.arrayContaining([{ type: 'hold', callId: 'in-2' }, { type: 'resume', callId: 'in-1' }]));
    expect(m.view.calls.map((c) => [c.id, c.phase])).toEqual([
      ['in-1', 'connected'],
      ['in-2', 'on-hold'],
    ]);
  });

  it('with call waiting off, a second call is rejected busy at once', () => {
    const p = phone({ callWaiting: false });
    p.send(incoming('in-1'), lift);
    expect(p.send(incoming('in-2'))).toEqual([{ type: 'reject', callId: 'in-2', status: 486 }]);
  });

  it('a third call is rejected busy', () => {
    const { send } = inCall();
    send(incoming('in-2'));
    expect(send(incoming('in-3'))).toEqual([{ type: 'reject', callId: 'in-3', status: 486 }]);
  });

  it('hanging up on the first leaves the waiting call ringing', () => {
    const { send } = inCall();
    send(incoming('in-2'));
    expect(send(hang)).toEqual(expect.arrayContaining([{ type: 'hangup', callId: 'in-1' }, { type: 'ring', on: true }, { type: 'tone', tone: null }]));
  });
});

describe('in a call', () => {
  function connected() {
    const p = phone();
    p.send(lift);
    p.keys('2015');
    p.send({ type: 'answered', callId: 'call-1' });
    return p;
  }

  it('digits are sent as DTMF', () => {
    const { keys } = connected();
    expect(keys('5#')).toEqual([
      { type: 'dtmf', callId: 'call-1', digit: '5' },
      { type: 'dtmf', callId: 'call-1', digit: '#' },
    ]);
  });

  it('mute toggles, and ends with the call', () => {
    const { send } = connected();
    expect(send(key('mute'))).toEqual([{ type: 'mute', on: true }]);
    expect(send(hang)).toEqual(expect.arrayContaining([{ type: 'mute', on: false }]));
  });

  it('hold and resume with the hold key', () => {
    const { send } = connected();
    expect(send(key('hold'))).toEqual([{ type: 'hold', callId: 'call-1' }]);
    expect(send(key('hold'))).toEqual([{ type: 'resume', callId: 'call-1' }]);
  });

  it('shows when the far end holds us', () => {
    const { m, send } = connected();
    send({ type: 'remote-hold', callId: 'call-1', held: true });
    expect(m.view.focus?.heldByRemote).toBe(true);
  });

  it('the speaker key moves the call to the loudspeaker; putting the handset down then keeps it', () => {
    const { send } = connected();
    expect(send(key('speaker'))).toEqual([{ type: 'route', route: 'speaker' }]);
    expect(send(hang)).toEqual([]);
    expect(send(key('speaker'))).toEqual(expect.arrayContaining([{ type: 'hangup', callId: 'call-1' }, { type: 'route', route: null }]));
  });

  it('volume keys change the volume of the route in use, in steps, within 0–100', () => {
    const { send } = connected();
    expect(send(key('volume-up'))).toEqual([{ type: 'volume', target: 'handset', level: 80 }]);
    send(key('volume-up'), key('volume-up'));
    expect(send(key('volume-up'))).toEqual([]);
  });

  it('when the far end hangs up, the handset hears nothing and the screen says so', () => {
    const { m, send } = connected();
    const actions = send({ type: 'ended', callId: 'call-1', reason: 'Call ended', cause: 'remote' });
    expect(only(actions, 'call-ended')).toHaveLength(1);
    expect(m.view.notice?.text).toBe('Call ended');
  });
});

describe('dialling from elsewhere (web page, menus)', () => {
  it('places the call hands-free at once', () => {
    const { send } = phone();
    expect(send({ type: 'dial', number: 'sip:alice@192.0.2.10' })).toEqual(
      expect.arrayContaining([{ type: 'place-call', callId: 'call-1', number: 'sip:alice@192.0.2.10', emergency: false }, { type: 'route', route: 'speaker' }]),
    );
  });

  it('is ignored while a call is in progress', () => {
    const { send, keys } = phone();
    send(lift);
    keys('2015');
    expect(send({ type: 'dial', number: '3000' })).toEqual([]);
  });
});

describe('3-way conference', () => {
  function twoCalls() {
    const p = phone();
    p.send({ type: 'incoming', callId: 'in-1', remoteUri: 'sip:bob@pbx', number: 'bob' }, lift);
    p.send({ type: 'incoming', callId: 'in-2', remoteUri: 'sip:carol@pbx', number: 'carol' }, flash); // carol answered, bob held
    return p;
  }

  it('the conference key joins the talking call and the held one', () => {
    const { m, send } = twoCalls();
    expect(send(key('conference'))).toEqual([
      { type: 'resume', callId: 'in-1' },
      { type: 'conference', callIds: ['in-2', 'in-1'] },
    ]);
    expect(m.view.calls.every((c) => c.phase === 'connected')).toBe(true);
  });

  it('pressed again, it splits: the first call talks on, the other goes on hold', () => {
    const { send } = twoCalls();
    send(key('conference'));
    expect(send(key('conference'))).toEqual([
      { type: 'split', keep: 'in-2' },
      { type: 'hold', callId: 'in-1' },
    ]);
  });

  it('either leg may hang up; the other talks on with the handset', () => {
    const { m, send } = twoCalls();
    send(key('conference'));
    const actions = send({ type: 'ended', callId: 'in-2', reason: 'Call ended', cause: 'remote' });
    expect(actions).toEqual(expect.arrayContaining([{ type: 'split', keep: 'in-1' }]));
    expect(m.view.focus?.id).toBe('in-1');
    expect(m.view.conference).toBeUndefined();
  });

  it('hanging up the handset ends the conference and both calls', () => {
    const { send } = twoCalls();
    send(key('conference'));
    const actions = send(hang);
    expect(only(actions, 'hangup').map((a) => a.callId).sort()).toEqual(['in-1', 'in-2']);
  });

  it('needs a talking call and a held one', () => {
    const { send } = phone();
    expect(send(key('conference'))).toEqual([]);
  });
});

describe('DTMF from the far end', () => {
  it('is kept on the call for the screen, and changes nothing else', () => {
    const p = phone();
    p.send(lift);
    p.keys('2015');
    p.send({ type: 'answered', callId: 'call-1' });
    expect(p.send({ type: 'dtmf-received', callId: 'call-1', digit: '7', via: 'rfc4733' })).toEqual([]);
    expect(p.m.view.focus?.lastDigitReceived).toBe('7');
  });
});

describe('remote control of one call (REST API)', () => {
  const incoming = (callId: string): PhoneInput => ({ type: 'incoming', callId, remoteUri: `sip:${callId}@pbx`, number: callId });

  it('answers a ringing call hands-free', () => {
    const { send } = phone();
    send(incoming('in-1'));
    expect(send({ type: 'call-action', callId: 'in-1', action: 'answer' })).toEqual(
      expect.arrayContaining([{ type: 'answer', callId: 'in-1' }, { type: 'route', route: 'speaker' }, { type: 'ring', on: false }]),
    );
  });

  it('answering a waiting call holds the current one; hang up ends only the named call', () => {
    const { m, send } = phone();
    send(incoming('in-1'), lift, incoming('in-2'));
    expect(send({ type: 'call-action', callId: 'in-2', action: 'answer' })).toEqual(expect.arrayContaining([{ type: 'hold', callId: 'in-1' }, { type: 'answer', callId: 'in-2' }]));
    expect(send({ type: 'call-action', callId: 'in-1', action: 'hangup' })).toEqual(expect.arrayContaining([{ type: 'hangup', callId: 'in-1' }]));
    expect(m.view.calls.map((c) => c.id)).toEqual(['in-2']);
  });

  it('declines a ringing call with 603 when told to hang it up', () => {
    const { send } = phone();
    send(incoming('in-1'));
    expect(send({ type: 'call-action', callId: 'in-1', action: 'hangup' })).toEqual(expect.arrayContaining([{ type: 'reject', callId: 'in-1', status: 603 }]));
  });

  it('refuses an id it does not have', () => {
    const { send } = phone();
    expect(() => send({ type: 'call-action', callId: 'nope', action: 'hold' })).toThrow(/no call nope/);
  });
});

describe('blind transfer', () => {
  function connected() {
    const p = phone();
    p.send(lift);
    p.keys('2015');
    p.send({ type: 'answered', callId: 'call-1' });
    return p;
  }

  it('Transfer holds the call and gives dial tone; the number dialled is a consultation call', () => {
    const { send, keys } = connected();
    expect(send(key('transfer'))).toEqual(expect.arrayContaining([{ type: 'hold', callId: 'call-1' }, { type: 'tone', tone: 'dial' }]));
    expect(only(keys('3000'), 'place-call')).toEqual([{ type: 'place-call', callId: 'call-2', number: '3000', emergency: false }]);
  });

  it('Transfer again once the consultation call answers: attended transfer', () => {
    const { send, keys } = connected();
    send(key('transfer'));
    keys('3000');
    send({ type: 'answered', callId: 'call-2' });
    expect(send(key('transfer'))).toEqual([{ type: 'transfer-attended', callId: 'call-1', consultId: 'call-2' }]);
  });

  it('Transfer again while the consultation call rings: blind to that number, the attempt dropped', () => {
    const { send, keys } = connected();
    send(key('transfer'));
    keys('3000');
    send({ type: 'ringing', callId: 'call-2', earlyMedia: false });
    const actions = send(key('transfer'));
    expect(actions).toEqual(expect.arrayContaining([{ type: 'hangup', callId: 'call-2' }, { type: 'transfer', callId: 'call-1', target: '3000' }]));
  });

  it('Transfer again while still dialling: blind to the digits keyed', () => {
    const { send, keys } = connected();
    send(key('transfer'));
    keys('30');
    expect(send(key('transfer'))).toEqual(expect.arrayContaining([{ type: 'transfer', callId: 'call-1', target: '30' }]));
  });

  it('Cancel while dialling the target takes the call back', () => {
    const { m, send, keys } = connected();
    send(key('transfer'));
    keys('30');
    expect(send(key('cancel'))).toEqual(expect.arrayContaining([{ type: 'resume', callId: 'call-1' }]));
    expect(m.view.focus?.phase).toBe('connected');
  });

  it('a failed transfer says why; the call stays on hold', () => {
    const { m, send, keys } = connected();
    send(key('transfer'));
    keys('30');
    send(key('transfer'));
    send({ type: 'transfer-failed', callId: 'call-1', reason: 'Busy' });
    expect(m.view.notice?.text).toBe('Transfer failed: Busy');
    expect(m.view.calls[0]?.phase).toBe('on-hold');
  });

  it('the REST API transfers a call by id', () => {
    const { send } = connected();
    expect(send({ type: 'call-action', callId: 'call-1', action: 'transfer', target: 'sip:carol@pbx' })).toEqual([
      { type: 'hold', callId: 'call-1' },
      { type: 'transfer', callId: 'call-1', target: 'sip:carol@pbx' },
    ]);
  });

  it('being transferred changes who the call is with', () => {
    const { m, send } = connected();
    send({ type: 'remote-changed', callId: 'call-1', remoteUri: 'sip:carol@pbx', remoteName: 'Carol', number: 'carol' });
    expect(m.view.focus).toMatchObject({ number: 'carol', remoteName: 'Carol', phase: 'connected' });
  });
});

describe('intercom (auto-answer)', () => {
  const intercom = (callId: string, after = 0): PhoneInput => ({ type: 'incoming', callId, remoteUri: 'sip:page@pbx', number: 'page', autoAnswerAfterS: after });

  it('answers hands-free at once when allowed and idle', () => {
    const { send } = phone({ autoAnswer: true });
    expect(send(intercom('in-1'))).toEqual(expect.arrayContaining([{ type: 'answer', callId: 'in-1' }, { type: 'route', route: 'speaker' }]));
  });

  it('after the delay asked for', () => {
    const { send } = phone({ autoAnswer: true });
    expect(send(intercom('in-1', 2))).toEqual(expect.arrayContaining([{ type: 'start-timer', name: 'auto-answer', ms: 2000 }]));
    expect(send({ type: 'timer', name: 'auto-answer' })).toEqual(expect.arrayContaining([{ type: 'answer', callId: 'in-1' }]));
  });

  it('rings normally when not allowed, or when the phone is busy', () => {
    expect(only(phone({ autoAnswer: false }).send(intercom('in-1')), 'answer')).toEqual([]);
    const p = phone({ autoAnswer: true });
    p.send(lift);
    expect(only(p.send(intercom('in-1')), 'answer')).toEqual([]);
  });
});

describe('codec on demand (issue 7 §3)', () => {
  it('OK while talking asks for the call’s codec and quality and shows them until the timer ends', () => {
    const p = phone({ callInfoMs: 4000 });
    p.send(lift);
    p.keys('2015');
    p.send({ type: 'answered', callId: 'call-1' });
    const actions = p.send(key('ok'));
    expect(actions).toEqual([
      { type: 'call-info', callId: 'call-1' },
      { type: 'start-timer', name: 'call-info', ms: 4000 },
    ]);
    expect(p.m.view.infoFor).toBe('call-1');
    p.send({ type: 'timer', name: 'call-info' });
    expect(p.m.view.infoFor).toBeUndefined();
  });

  it('OK does not ask before the call is answered, and the figures go with the call', () => {
    const p = phone();
    p.send(lift);
    p.keys('2015');
    expect(only(p.send(key('ok')), 'call-info')).toEqual([]);
    p.send({ type: 'answered', callId: 'call-1' });
    p.send(key('ok'));
    p.send({ type: 'ended', callId: 'call-1', reason: 'Call ended', cause: 'remote' });
    expect(p.m.view.infoFor).toBeUndefined();
  });

  it('hides them while the call is on hold', () => {
    const p = phone();
    p.send(lift);
    p.keys('2015');
    p.send({ type: 'answered', callId: 'call-1' });
    p.send(key('ok'));
    p.send(key('hold'));
    expect(p.m.view.infoFor).toBeUndefined();
  });
});
