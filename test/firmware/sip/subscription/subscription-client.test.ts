import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../support/fake-clock.js';
import { DigestVerifier } from '../../../../firmware/sip/auth/index.js';
import type { Dialog } from '../../../../firmware/sip/dialog/index.js';
import { NameAddr, SipUri, createRequest, createResponse, type SipRequest, type SipResponse } from '../../../../firmware/sip/message/index.js';
import type { ClientTransactionUser } from '../../../../firmware/sip/transaction/index.js';
import {
  SubscriptionClient,
  parseSubscriptionState,
  type SubscriptionNotification,
  type SubscriptionRequest,
} from '../../../../firmware/sip/subscription/index.js';

type Answer = SipResponse | 'timeout';

/**
 * A notifier on a FakeClock: checks digest credentials like a PBX, answers SUBSCRIBE 200 with To tag "ntf" and
 * the Expires asked for (or `grant`), and lets the test send NOTIFYs inside the dialog the client bound.
 * `behaviour` scripts other answers (489, 481, timeouts).
 */
function harness(options: { expires?: number; notifyWaitMs?: number } = {}) {
  const clock = new FakeClock();
  const verifier = new DigestVerifier({ realm: 'lab.test', password: (u) => (u === 'alice' ? 'secret' : undefined), clock });
  const sent: SipRequest[] = [];
  let grant: ((req: SipRequest) => number) | undefined;
  let behaviour: ((req: SipRequest) => Answer | undefined) | undefined;
  const bound = new Map<string, { dialog: Dialog; onRequest: (i: SubscriptionRequest) => void }>();
  const notifier = (req: SipRequest): Answer => {
    const scripted = behaviour?.(req);
    if (scripted) return scripted;
    const check = verifier.verify(req, 'Proxy-Authorization');
    if (!check.ok) return createResponse(req, 407, { headers: verifier.challenge(check.stale).map((v) => ['Proxy-Authenticate', v] as const) });
    const expires = grant?.(req) ?? req.expires ?? 3600;
    return createResponse(req, 200, {
      toTag: 'ntf',
      contact: new NameAddr(new SipUri({ user: 'vm', host: '127.0.0.1', port: 5070 })),
      headers: [['Expires', String(expires)]],
    });
  };
  const client = new SubscriptionClient(
    { user: 'alice', domain: 'lab.test', password: 'secret' },
    { event: 'message-summary', accept: ['application/simple-message-summary'], expires: options.expires ?? 3600 },
    {
      clock,
      contactUri: () => new SipUri({ user: 'alice', host: '127.0.0.1', port: 5062 }),
      sendRequest(request: SipRequest, user: ClientTransactionUser) {
        sent.push(request);
        const answer = notifier(request);
        if (answer === 'timeout') clock.setTimeout(() => user.onResponse(createResponse(request, 408), 'timeout'), 32_000);
        else user.onResponse(answer, 'network');
      },
      bindDialog(dialog, onRequest) {
        bound.set(dialog.key, { dialog, onRequest });
        return () => bound.delete(dialog.key);
      },
    },
    { random: () => 0.5, backoff: { baseMs: 30_000, maxMs: 1_800_000 }, notifyWaitMs: options.notifyWaitMs ?? 32_000 },
  );
  const states: string[] = [];
  client.onChange((s) => states.push(s.state));
  const notifications: SubscriptionNotification[] = [];
  client.onNotify((n) => notifications.push(n));
  let notifySeq = 1;
  /** The notifier sends a NOTIFY in the current dialog; returns the status the subscriber answered. */
  const notify = (state: string, body?: string, extra: Array<[string, string]> = []): number | undefined => {
    const last = sent[sent.length - 1]!;
    const entry = [...bound.values()].find((b) => b.dialog.id.callId === last.callId);
    if (!entry) return undefined;
    const request = createRequest({
      method: 'NOTIFY',
      uri: new SipUri({ user: 'alice', host: '127.0.0.1', port: 5062 }),
      from: new NameAddr(last.to.uri, [['tag', 'ntf']]),
      to: last.from,
      callId: last.callId,
      cseq: notifySeq++,
      contact: new NameAddr(new SipUri({ user: 'vm', host: '127.0.0.1', port: 5070 })),
      headers: [['Event', 'message-summary'], ['Subscription-State', state], ...extra],
      body,
      contentType: body === undefined ? undefined : 'application/simple-message-summary',
    });
    let status: number | undefined;
    entry.onRequest({ request, respond: (s: number) => (status = s) });
    return status;
  };
  return {
    clock,
    client,
    sent,
    states,
    notifications,
    bound,
    notify,
    setGrant: (g: typeof grant) => (grant = g),
    setBehaviour: (b: typeof behaviour) => (behaviour = b),
  };
}

describe('SubscriptionClient (RFC 6665 subscriber)', () => {
  it('subscribes to the account AoR with Event, Accept and Expires, answering the proxy challenge', () => {
    const h = harness();
    h.client.start();
    expect(h.sent).toHaveLength(2);
    const [first, second] = h.sent as [SipRequest, SipRequest];
    expect(first.method).toBe('SUBSCRIBE');
    expect(first.uri.toString()).toBe('sip:alice@lab.test');
    expect(first.to.uri.toString()).toBe('sip:alice@lab.test');
    expect(first.to.tag).toBeUndefined();
    expect(first.headers.get('event')).toBe('message-summary');
    expect(first.headers.get('accept')).toBe('application/simple-message-summary');
    expect(first.expires).toBe(3600);
    expect(second.headers.get('proxy-authorization')).toMatch(/^Digest username="alice"/);
    expect(second.callId).toBe(first.callId);
    expect(second.cseq.seq).toBe(first.cseq.seq + 1);
    // Accepted, but the state comes with the first NOTIFY (§4.1.2.4).
    expect(h.client.state).toBe('subscribing');
    expect(h.bound.size).toBe(1);
  });

  it('takes active/pending from NOTIFY, answers 200 and hands the body on', () => {
    const h = harness();
    h.client.start();
    expect(h.notify('pending;expires=3600')).toBe(200);
    expect(h.client.state).toBe('pending');
    expect(h.notify('active;expires=3600', 'Messages-Waiting: yes\r\nVoice-Message: 1/0\r\n')).toBe(200);
    expect(h.client.state).toBe('active');
    expect(h.notifications.map((n) => n.subscriptionState.state)).toEqual(['pending', 'active']);
    expect(new TextDecoder().decode(h.notifications[1]!.body)).toContain('Voice-Message: 1/0');
  });

  it('refreshes inside the dialog before expiry, with the credentials already known', () => {
    const h = harness({ expires: 600 });
    h.client.start();
    h.notify('active;expires=600');
    const before = h.sent.length;
    h.clock.advance(299_000);
    expect(h.sent).toHaveLength(before);
    h.clock.advance(1_000);
    const refresh = h.sent[before]!;
    expect(refresh.method).toBe('SUBSCRIBE');
    expect(refresh.to.tag).toBe('ntf');
    expect(refresh.callId).toBe(h.sent[0]!.callId);
    expect(refresh.uri.toString()).toBe('sip:vm@127.0.0.1:5070');
    expect(refresh.headers.get('proxy-authorization')).toMatch(/^Digest/);
    expect(h.sent).toHaveLength(before + 1);
    expect(h.client.state).toBe('active');
  });

  it('refreshes sooner when the 2xx or a NOTIFY shortens the subscription', () => {
    const h = harness({ expires: 3600 });
    h.setGrant(() => 1800);
    h.client.start();
    expect(h.client.status.expires).toBe(1800);
    h.notify('active;expires=120');
    const before = h.sent.length;
    h.clock.advance(60_000);
    expect(h.sent).toHaveLength(before + 1);
  });

  it('gives up after 64*T1 without a NOTIFY and subscribes again after the back-off', () => {
    const h = harness();
    h.client.start();
    h.clock.advance(32_000);
    expect(h.client.status).toMatchObject({ state: 'retry-wait', status: 408, retryInMs: 45_000 });
    expect(h.bound.size).toBe(0);
    const before = h.sent.length;
    h.clock.advance(45_000);
    expect(h.sent.length).toBeGreaterThan(before);
    expect(h.sent[before]!.callId).not.toBe(h.sent[0]!.callId);
    expect(h.sent[before]!.to.tag).toBeUndefined();
  });

  it('stops for good on 489 Bad Event', () => {
    const h = harness();
    h.setBehaviour((req) => createResponse(req, 489));
    h.client.start();
    expect(h.client.status).toMatchObject({ state: 'failed', status: 489 });
    expect(h.client.status.reason).toMatch(/message-summary/);
    h.clock.advance(24 * 3600_000);
    expect(h.sent).toHaveLength(1);
  });

  it('backs off exponentially while the notifier does not answer, honouring Retry-After on 503', () => {
    const h = harness();
    h.setBehaviour(() => 'timeout');
    h.client.start();
    h.clock.advance(32_000);
    expect(h.client.status).toMatchObject({ state: 'retry-wait', retryInMs: 45_000, consecutiveFailures: 1 });
    h.clock.advance(45_000 + 32_000);
    expect(h.client.status).toMatchObject({ state: 'retry-wait', retryInMs: 90_000, consecutiveFailures: 2 });
    h.setBehaviour((req) => createResponse(req, 503, { headers: [['Retry-After', '300']] }));
    h.clock.advance(90_000);
    expect(h.client.status).toMatchObject({ state: 'retry-wait', status: 503, retryInMs: 300_000 });
    h.setBehaviour(undefined);
    h.clock.advance(300_000);
    expect(h.client.status).toMatchObject({ state: 'subscribing', consecutiveFailures: 0 });
  });

  it('re-subscribes at once after terminated;reason=timeout (and deactivated), in a new dialog', () => {
    for (const reason of ['timeout', 'deactivated']) {
      const h = harness();
      h.client.start();
      h.notify('active;expires=3600');
      const before = h.sent.length;
      expect(h.notify(`terminated;reason=${reason}`)).toBe(200);
      expect(h.sent).toHaveLength(before + 1);
      expect(h.sent[before]!.to.tag).toBeUndefined();
      expect(h.sent[before]!.callId).not.toBe(h.sent[0]!.callId);
      expect(h.bound.size).toBe(1);
      expect(h.client.state).toBe('subscribing');
    }
  });

  it('backs off when the notifier ends every new subscription at once with reason=timeout', () => {
    const h = harness();
    h.client.start();
    h.notify('active');
    h.notify('terminated;reason=timeout');
    expect(h.client.state).toBe('subscribing');
    h.notify('active');
    h.notify('terminated;reason=timeout');
    expect(h.client.status).toMatchObject({ state: 'retry-wait', retryInMs: 45_000 });
    const before = h.sent.length;
    h.clock.advance(45_000);
    expect(h.sent.length).toBeGreaterThan(before);
    h.notify('active');
    // Long after the last immediate one: immediate again.
    h.notify('terminated;reason=timeout');
    expect(h.client.state).toBe('subscribing');
  });

  it('waits retry-after on terminated;reason=probation and never retries after reason=rejected', () => {
    const h = harness();
    h.client.start();
    h.notify('active');
    h.notify('terminated;reason=probation;retry-after=120');
    expect(h.client.status).toMatchObject({ state: 'retry-wait', retryInMs: 120_000 });
    const before = h.sent.length;
    h.clock.advance(119_000);
    expect(h.sent).toHaveLength(before);
    h.clock.advance(1_000);
    expect(h.sent.length).toBeGreaterThan(before);
    h.notify('terminated;reason=rejected');
    expect(h.client.state).toBe('failed');
    const after = h.sent.length;
    h.clock.advance(24 * 3600_000);
    expect(h.sent).toHaveLength(after);
  });

  it('starts a new subscription when a refresh gets 481', () => {
    const h = harness({ expires: 600 });
    h.client.start();
    h.notify('active');
    h.setBehaviour((req) => (req.to.tag !== undefined ? createResponse(req, 481) : undefined));
    const before = h.sent.length;
    h.clock.advance(300_000);
    expect(h.sent[before]!.to.tag).toBe('ntf');
    expect(h.sent[before + 1]!.to.tag).toBeUndefined();
    expect(h.client.state).toBe('subscribing');
  });

  it('keeps the subscription while a refresh goes unanswered, retrying inside the dialog before it runs out', () => {
    const h = harness({ expires: 600 });
    h.client.start();
    h.notify('active;expires=600');
    h.setBehaviour(() => 'timeout');
    const before = h.sent.length;
    h.clock.advance(300_000 + 32_000);
    // §4.1.2.2: still valid for the rest of its 600 s; next try after the back-off (45 s), same dialog.
    expect(h.client.status).toMatchObject({ state: 'active', status: 408, consecutiveFailures: 1 });
    expect(h.bound.size).toBe(1);
    h.setBehaviour(undefined);
    h.clock.advance(45_000);
    const retry = h.sent[before + 1]!;
    expect(retry.to.tag).toBe('ntf');
    expect(retry.callId).toBe(h.sent[0]!.callId);
    expect(h.client.status).toMatchObject({ state: 'active', status: 200, consecutiveFailures: 0 });
  });

  it('considers the subscription over when a refresh gets 489, and does not come back', () => {
    const h = harness({ expires: 600 });
    h.client.start();
    h.notify('active');
    h.setBehaviour((req) => (req.to.tag !== undefined ? createResponse(req, 489) : undefined));
    h.clock.advance(300_000);
    expect(h.client.state).toBe('failed');
    expect(h.bound.size).toBe(0);
  });

  it('answers 489 to a NOTIFY for another event and 400 to one without Subscription-State', () => {
    const h = harness();
    h.client.start();
    const entry = [...h.bound.values()][0]!;
    const base = { uri: 'sip:alice@127.0.0.1:5062', from: new NameAddr(new SipUri({ user: 'alice', host: 'lab.test' }), [['tag', 'ntf']]), to: h.sent[1]!.from, callId: h.sent[1]!.callId };
    const statuses: number[] = [];
    entry.onRequest({ request: createRequest({ ...base, method: 'NOTIFY', cseq: 1, headers: [['Event', 'presence'], ['Subscription-State', 'active']] }), respond: (s: number) => statuses.push(s) });
    entry.onRequest({ request: createRequest({ ...base, method: 'NOTIFY', cseq: 2, headers: [['Event', 'message-summary']] }), respond: (s: number) => statuses.push(s) });
    expect(statuses).toEqual([489, 400]);
    expect(h.client.state).toBe('subscribing');
  });

  it('unsubscribes with Expires: 0 inside the dialog on stop, and finishes with the final NOTIFY', async () => {
    const h = harness();
    h.client.start();
    h.notify('active;expires=3600');
    const before = h.sent.length;
    let stopped = false;
    const done = h.client.stop().then(() => (stopped = true));
    const unsubscribe = h.sent[before]!;
    expect(unsubscribe.method).toBe('SUBSCRIBE');
    expect(unsubscribe.expires).toBe(0);
    expect(unsubscribe.to.tag).toBe('ntf');
    expect(h.client.state).toBe('unsubscribing');
    await Promise.resolve();
    expect(stopped).toBe(false);
    // The dialog is still there for the notifier's confirmation (§4.1.2.3): 200, not 481, and no new SUBSCRIBE.
    expect(h.notify('terminated;reason=timeout')).toBe(200);
    await done;
    expect(h.client.state).toBe('idle');
    expect(h.bound.size).toBe(0);
    h.clock.advance(24 * 3600_000);
    expect(h.sent).toHaveLength(before + 1);
  });

  it('lets go of the dialog when the final NOTIFY does not come', async () => {
    const h = harness();
    h.client.start();
    h.notify('active');
    const done = h.client.stop();
    // A second stop (shutdown asked twice) joins the first and does not cancel its wait.
    const again = h.client.stop();
    h.clock.advance(2_000);
    await Promise.all([done, again]);
    expect(h.client.state).toBe('idle');
    expect(h.bound.size).toBe(0);
  });

  it('stop before any dialog sends nothing', async () => {
    const h = harness();
    h.setBehaviour(() => 'timeout');
    h.client.start();
    await h.client.stop();
    h.clock.advance(60_000);
    expect(h.sent).toHaveLength(1);
    expect(h.client.state).toBe('idle');
  });
});

describe('parseSubscriptionState (RFC 6665 §8.2.3)', () => {
  it('reads state, expires, reason and retry-after, case-insensitively', () => {
    expect(parseSubscriptionState('active;expires=3599')).toEqual({ state: 'active', expires: 3599 });
    expect(parseSubscriptionState('Terminated; Reason=Probation; retry-after=30')).toEqual({ state: 'terminated', reason: 'probation', retryAfter: 30 });
    expect(parseSubscriptionState('pending')).toEqual({ state: 'pending' });
    expect(parseSubscriptionState('x-vendor;expires=abc')).toEqual({ state: 'active' });
    expect(parseSubscriptionState(undefined)).toBeUndefined();
    expect(parseSubscriptionState(' ')).toBeUndefined();
  });
});
