import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../support/fake-clock.js';
import { SipUri, parseMessage, type SipRequest, type SipResponse } from '../../../../firmware/sip/message/index.js';
import { SubscriptionClient, type SubscriptionNotification } from '../../../../firmware/sip/subscription/index.js';
import type { HostPort, SendOptions, Transport, TransportProtocol } from '../../../../firmware/sip/transport/index.js';
import { UserAgentCore } from '../../../../firmware/sip/ua/index.js';

// RFC 6665 §4.1.2.4: a NOTIFY may overtake the 2xx to the SUBSCRIBE (it travels on its own transaction, often
// straight from the notifier while the 2xx goes back through proxies). The subscriber must take it and let it
// create the dialog, instead of answering 481 and losing the first state.

const enc = new TextEncoder();
const flush = () => new Promise<void>((r) => setImmediate(r));
const NOTIFIER = { address: '127.0.0.1', port: 5070 };

class WireTransport implements Transport {
  readonly reliable = false;
  readonly protocol: TransportProtocol = 'UDP';
  readonly local: HostPort = { address: '127.0.0.1', port: 5062 };
  readonly sent: Array<SipRequest | SipResponse> = [];
  send(data: Uint8Array, _to: HostPort, _options?: SendOptions) {
    this.sent.push(parseMessage(data) as SipRequest | SipResponse);
    return Promise.resolve({ local: this.local, connectionId: undefined });
  }
  sendKeepAlive() {
    return Promise.resolve();
  }
  close() {
    return Promise.resolve();
  }
}

function setup() {
  const clock = new FakeClock();
  const wire = new WireTransport();
  const core = new UserAgentCore({
    clock,
    transports: [wire],
    locate: () => Promise.resolve([{ protocol: 'UDP', address: NOTIFIER.address, port: NOTIFIER.port, serverName: 'lab.test' }]),
  });
  const client = new SubscriptionClient(
    { user: 'alice', domain: 'lab.test' },
    { event: 'message-summary', accept: ['application/simple-message-summary'], expires: 600 },
    {
      clock,
      contactUri: () => new SipUri({ user: 'alice', host: '127.0.0.1', port: 5062 }),
      sendRequest: (request, user) => core.sendRequest(request, user),
      expectDialog: (callId, localTag, adopt) => core.expectDialog(callId, localTag, adopt),
      bindDialog: (dialog, onRequest) => {
        core.dialogs.add({ dialog, onRequest });
        return () => core.dialogs.remove(dialog.id);
      },
    },
    { random: () => 0.5, backoff: { baseMs: 30_000, maxMs: 1_800_000 }, notifyWaitMs: 32_000 },
  );
  const notifications: SubscriptionNotification[] = [];
  client.onNotify((n) => notifications.push(n));
  const requests = () => wire.sent.filter((m): m is SipRequest => m.kind === 'request');
  const responses = () => wire.sent.filter((m): m is SipResponse => m.kind === 'response');
  const deliver = (text: string) => core.receive({ data: enc.encode(text), protocol: 'UDP', remote: NOTIFIER, local: wire.local });

  /** The notifier's NOTIFY for the last SUBSCRIBE sent, built from it as a notifier would (To = its From). */
  const notify = (opts: { event?: string; state?: string; cseq?: number; callId?: string; body?: string; branch?: string } = {}) => {
    const sub = requests().filter((r) => r.method === 'SUBSCRIBE').at(-1)!;
    const body = opts.body ?? 'Messages-Waiting: yes\r\nVoice-Message: 3/1\r\n';
    deliver(
      [
        'NOTIFY sip:alice@127.0.0.1:5062 SIP/2.0',
        `Via: SIP/2.0/UDP 127.0.0.1:5070;branch=${opts.branch ?? 'z9hG4bKntf1'}`,
        'Max-Forwards: 70',
        'From: <sip:alice@lab.test>;tag=ntf',
        `To: <sip:alice@lab.test>;tag=${sub.from.tag}`,
        `Call-ID: ${opts.callId ?? sub.callId}`,
        `CSeq: ${opts.cseq ?? 1} NOTIFY`,
        'Contact: <sip:vm@127.0.0.1:5070>',
        'Record-Route: <sip:proxy.lab.test;lr>',
        `Event: ${opts.event ?? 'message-summary'}`,
        `Subscription-State: ${opts.state ?? 'active;expires=600'}`,
        'Content-Type: application/simple-message-summary',
        `Content-Length: ${enc.encode(body).length}`,
        '',
        body,
      ].join('\r\n'),
    );
  };
  /** The notifier's 2xx to the last SUBSCRIBE, with its To tag. */
  const accept = (toTag = 'ntf', expires = 600) => {
    const sub = requests().filter((r) => r.method === 'SUBSCRIBE').at(-1)!;
    deliver(
      [
        'SIP/2.0 200 OK',
        `Via: ${sub.headers.get('via')}`,
        `From: ${sub.headers.get('from')}`,
        `To: <sip:alice@lab.test>;tag=${toTag}`,
        `Call-ID: ${sub.callId}`,
        `CSeq: ${sub.cseq.seq} SUBSCRIBE`,
        'Contact: <sip:vm@127.0.0.1:5070>',
        `Expires: ${expires}`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
  };
  return { clock, core, client, notifications, requests, responses, notify, accept };
}

const statusOf = (responses: SipResponse[], method: string) => responses.filter((r) => r.cseq.method === method).map((r) => r.status);

describe('a NOTIFY before the 2xx to SUBSCRIBE (RFC 6665 §4.1.2.4)', () => {
  it('is answered 200, creates the dialog and reports the state; the late 2xx only sets the refresh', async () => {
    const t = setup();
    t.client.start();
    await flush();
    const subscribe = t.requests()[0]!;
    expect(subscribe.method).toBe('SUBSCRIBE');

    t.notify();
    expect(statusOf(t.responses(), 'NOTIFY')).toEqual([200]);
    expect(t.notifications).toHaveLength(1);
    expect(t.client.state).toBe('active');
    const dialog = t.client.currentDialog!;
    expect(dialog.id).toEqual({ callId: subscribe.callId, localTag: subscribe.from.tag, remoteTag: 'ntf' });

    t.accept('ntf', 600);
    expect(t.client.status).toMatchObject({ state: 'active', expires: 600 });
    expect(t.client.currentDialog).toBe(dialog);

    // The refresh goes inside the dialog the NOTIFY created: its Contact as target, its Record-Route as route,
    // and a CSeq above the SUBSCRIBE's (the notifier holds that as the remote sequence number).
    t.clock.advance(600_000);
    await flush();
    const refresh = t.requests().filter((r) => r.method === 'SUBSCRIBE')[1]!;
    expect(refresh.uri.toString()).toBe('sip:vm@127.0.0.1:5070');
    expect(refresh.routes.map((r) => r.uri.toString())).toEqual(['sip:proxy.lab.test;lr']);
    expect(refresh.to.tag).toBe('ntf');
    expect(refresh.cseq.seq).toBe(subscribe.cseq.seq + 1);
  });

  it('does not wait 64*T1 for another NOTIFY after the 2xx when one already came', async () => {
    const t = setup();
    t.client.start();
    await flush();
    t.notify();
    t.accept();
    t.clock.advance(40_000);
    expect(t.client.state).toBe('active');
  });

  it('answers 481 to a NOTIFY of another package, with an id we never asked for, or of another Call-ID', async () => {
    const t = setup();
    t.client.start();
    await flush();
    t.notify({ event: 'presence', branch: 'z9hG4bKa' });
    t.notify({ event: 'message-summary;id=7', branch: 'z9hG4bKb' });
    t.notify({ callId: 'someone-else', branch: 'z9hG4bKc' });
    expect(statusOf(t.responses(), 'NOTIFY')).toEqual([481, 481, 481]);
    expect(t.client.state).toBe('subscribing');
    expect(t.notifications).toHaveLength(0);
    // The 2xx still creates the dialog as usual, and the next NOTIFY is taken in it.
    t.accept();
    t.notify({ cseq: 2, branch: 'z9hG4bKd' });
    expect(statusOf(t.responses(), 'NOTIFY')).toEqual([481, 481, 481, 200]);
    expect(t.client.state).toBe('active');
  });

  it('a NOTIFY that ends the subscription before the 2xx leaves nothing behind for the 2xx to revive', async () => {
    const t = setup();
    t.client.start();
    await flush();
    t.notify({ state: 'terminated;reason=rejected' });
    expect(statusOf(t.responses(), 'NOTIFY')).toEqual([200]);
    expect(t.client.state).toBe('failed');
    t.accept();
    expect(t.client.state).toBe('failed');
    expect(t.client.currentDialog).toBeUndefined();
  });

  it('a 2xx from another fork (another To tag) does not replace the dialog the NOTIFY made, which is still refreshed', async () => {
    const t = setup();
    t.client.start();
    await flush();
    t.notify({ state: 'active;expires=300' });
    const dialog = t.client.currentDialog;
    t.accept('other-fork', 600);
    expect(t.client.currentDialog).toBe(dialog);
    expect(t.client.state).toBe('active');
    // Refreshed inside the NOTIFY's dialog, on the 300 s its NOTIFY granted (not the other fork's 600).
    t.clock.advance(300_000);
    await flush();
    const refresh = t.requests().filter((r) => r.method === 'SUBSCRIBE')[1]!;
    expect(refresh.to.tag).toBe('ntf');
  });
});

describe('a NOTIFY for no subscription at all', () => {
  it('is still 481 (RFC 3261 §12.2.2)', () => {
    const t = setup();
    t.core.receive({
      data: enc.encode(
        [
          'NOTIFY sip:alice@127.0.0.1:5062 SIP/2.0',
          'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKlone',
          'Max-Forwards: 70',
          'From: <sip:alice@lab.test>;tag=ntf',
          'To: <sip:alice@lab.test>;tag=nobody',
          'Call-ID: unknown',
          'CSeq: 1 NOTIFY',
          'Event: message-summary',
          'Subscription-State: active',
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
      ),
      protocol: 'UDP',
      remote: NOTIFIER,
      local: { address: '127.0.0.1', port: 5062 },
    });
    expect(statusOf(t.responses(), 'NOTIFY')).toEqual([481]);
  });
});
