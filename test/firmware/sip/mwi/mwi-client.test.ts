import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../support/fake-clock.js';
import type { Dialog } from '../../../../firmware/sip/dialog/index.js';
import { NameAddr, SipUri, createRequest, createResponse, type SipRequest } from '../../../../firmware/sip/message/index.js';
import { MwiClient, type MwiStatus } from '../../../../firmware/sip/mwi/index.js';
import type { SubscriptionRequest } from '../../../../firmware/sip/subscription/index.js';

const ACCOUNTS = [
  { id: 'line1', user: 'alice', domain: 'lab.test' },
  { id: 'line2', user: 'carol', domain: 'lab.test' },
];

/** Two accounts whose notifier accepts every SUBSCRIBE; the test plays NOTIFYs inside or outside the dialogs. */
function harness(accounts = ACCOUNTS, subscribe?: (account: { id: string }) => boolean) {
  const clock = new FakeClock();
  const sent: SipRequest[] = [];
  const bound = new Map<string, { dialog: Dialog; onRequest: (i: SubscriptionRequest) => void }>();
  const mwi = new MwiClient(accounts, (account) => ({
    clock,
    contactUri: () => new SipUri({ user: account.user, host: '127.0.0.1', port: 5062 }),
    sendRequest(request, user) {
      sent.push(request);
      user.onResponse(createResponse(request, 200, { toTag: `ntf-${account.user}`, contact: 'sip:pbx@127.0.0.1:5070', headers: [['Expires', '3600']] }), 'network');
    },
    bindDialog(dialog, onRequest) {
      bound.set(dialog.id.localTag, { dialog, onRequest });
      return () => bound.delete(dialog.id.localTag);
    },
  }), { subscribe });
  const seen: MwiStatus[] = [];
  mwi.onChange((s) => seen.push(s));
  const deliver = (request: SipRequest, to: (i: SubscriptionRequest) => void): number | undefined => {
    let status: number | undefined;
    to({ request, respond: (s: number) => (status = s) });
    return status;
  };
  const unsolicited = (toUser: string, body: string, event = 'message-summary'): number | undefined =>
    deliver(
      createRequest({
        method: 'NOTIFY',
        uri: new SipUri({ user: toUser, host: '127.0.0.1', port: 5062 }),
        from: new NameAddr(new SipUri({ user: 'asterisk', host: 'lab.test' }), [['tag', 'ast']]),
        to: new NameAddr(new SipUri({ user: toUser, host: 'lab.test' })),
        callId: `unsolicited-${toUser}`,
        cseq: 102,
        headers: [['Event', event]],
        body,
        contentType: 'application/simple-message-summary',
      }),
      (i) => mwi.receiveUnsolicited(i),
    );
  return { clock, mwi, sent, bound, seen, deliver, unsolicited };
}

describe('MwiClient (RFC 3842 message waiting)', () => {
  it('subscribes each account to message-summary at its own address-of-record', () => {
    const h = harness();
    h.mwi.start();
    expect(h.sent.map((r) => [r.method, r.uri.toString(), r.headers.get('event')])).toEqual([
      ['SUBSCRIBE', 'sip:alice@lab.test', 'message-summary'],
      ['SUBSCRIBE', 'sip:carol@lab.test', 'message-summary'],
    ]);
    expect(h.sent[0]!.headers.get('accept')).toBe('application/simple-message-summary');
  });

  it('reports the voice counts of a NOTIFY inside the subscription for the right account', () => {
    const h = harness();
    h.mwi.start();
    const carol = h.sent[1]!;
    const entry = h.bound.get(carol.from.tag!)!;
    const status = h.deliver(
      createRequest({
        method: 'NOTIFY',
        uri: 'sip:carol@127.0.0.1:5062',
        from: new NameAddr(carol.to.uri, [['tag', 'ntf-carol']]),
        to: carol.from,
        callId: carol.callId,
        cseq: 1,
        headers: [['Event', 'message-summary'], ['Subscription-State', 'active;expires=3600']],
        body: 'Messages-Waiting: yes\r\nMessage-Account: sip:carol@lab.test\r\nVoice-Message: 2/5 (1/0)\r\n',
        contentType: 'application/simple-message-summary',
      }),
      entry.onRequest,
    );
    expect(status).toBe(200);
    expect(h.seen).toEqual([
      { accountId: 'line2', waiting: true, newVoice: 2, oldVoice: 5, urgentNew: 1, urgentOld: 0, messageAccount: 'sip:carol@lab.test', source: 'subscription' },
    ]);
    expect(h.mwi.subscription('line2')?.state).toBe('active');
    expect(h.mwi.status('line1')).toBeUndefined();
  });

  it('accepts the unsolicited NOTIFY Asterisk sends (no subscription), answers 200 and reports it', () => {
    const h = harness();
    expect(h.unsolicited('alice', 'Messages-Waiting: yes\r\nMessage-Account: sip:*97@lab.test\r\nVoice-Message: 3/1 (0/0)\r\n')).toBe(200);
    expect(h.seen).toEqual([{ accountId: 'line1', waiting: true, newVoice: 3, oldVoice: 1, urgentNew: 0, urgentOld: 0, messageAccount: 'sip:*97@lab.test', source: 'unsolicited' }]);
    expect(h.unsolicited('carol', 'Messages-Waiting: no\r\n')).toBe(200);
    expect(h.mwi.status('line2')).toMatchObject({ waiting: false, newVoice: 0 });
  });

  it('refuses unsolicited NOTIFYs it cannot use: another event 489, nobody we know 404, an unreadable body 400', () => {
    const h = harness();
    expect(h.unsolicited('alice', 'Messages-Waiting: yes\r\n', 'presence')).toBe(489);
    expect(h.unsolicited('mallory', 'Messages-Waiting: yes\r\n')).toBe(404);
    expect(h.unsolicited('alice', 'nothing to see')).toBe(400);
    expect(h.seen).toEqual([]);
  });

  it('with a single account, takes an unsolicited NOTIFY addressed to its contact whatever the user part', () => {
    const h = harness([ACCOUNTS[0]!]);
    expect(h.unsolicited('1001', 'Messages-Waiting: yes\r\nVoice-Message: 1/0\r\n')).toBe(200);
    expect(h.seen[0]).toMatchObject({ accountId: 'line1', newVoice: 1 });
  });

  it('subscribes only the accounts asked for; the others still take unsolicited NOTIFYs', () => {
    const h = harness(ACCOUNTS, (a) => a.id === 'line2');
    h.mwi.start();
    expect(h.sent.map((r) => r.uri.toString())).toEqual(['sip:carol@lab.test']);
    expect(h.mwi.subscription('line1')?.state).toBe('idle');
    expect(h.unsolicited('alice', 'Messages-Waiting: yes\r\nVoice-Message: 1/0\r\n')).toBe(200);
    expect(h.seen[0]).toMatchObject({ accountId: 'line1', source: 'unsolicited' });
  });

  it('unsubscribes every account on stop', async () => {
    const h = harness();
    h.mwi.start();
    for (const r of h.sent.slice(0, 2)) {
      const entry = h.bound.get(r.from.tag!)!;
      h.deliver(
        createRequest({ method: 'NOTIFY', uri: 'sip:x@127.0.0.1', from: new NameAddr(r.to.uri, [['tag', r.to.uri.toString() === 'sip:alice@lab.test' ? 'ntf-alice' : 'ntf-carol']]), to: r.from, callId: r.callId, cseq: 1, headers: [['Event', 'message-summary'], ['Subscription-State', 'active']] }),
        entry.onRequest,
      );
    }
    const stopped = h.mwi.stop();
    // Neither notifier confirms with a final NOTIFY: the clients let go after their wait.
    h.clock.advance(2_000);
    await stopped;
    const unsubscribes = h.sent.slice(2);
    expect(unsubscribes.map((r) => [r.method, r.expires])).toEqual([
      ['SUBSCRIBE', 0],
      ['SUBSCRIBE', 0],
    ]);
  });
});
