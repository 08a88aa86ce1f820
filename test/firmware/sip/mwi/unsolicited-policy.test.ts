import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../support/fake-clock.js';
import { parseMessage, SipStack, type SipResponse } from '../../../../firmware/sip/index.js';
import { NotifySourcePolicy, startMwi, type MwiStatus } from '../../../../firmware/sip/mwi/index.js';

// Issue 5 §9 with §12: an Asterisk-style unsolicited message-summary NOTIFY lights the lamp only when it comes
// from the account's registrar/proxy; a stranger (a SIP scanner) gets 403, logged once per source. Real UDP
// sockets on loopback: the "PBX" sends from 127.0.0.1, the stranger from 127.0.0.2.

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const BODY = 'Messages-Waiting: yes\r\nMessage-Account: sip:201@lab.test\r\nVoice-Message: 4/2\r\n';

async function sender(address: string) {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, address, () => r()));
  cleanup.push(() => new Promise<void>((r) => sock.close(() => r())));
  const answers: SipResponse[] = [];
  sock.on('message', (data) => answers.push(parseMessage(data) as SipResponse));
  let seq = 0;
  const port = (sock.address() as { port: number }).port;
  return {
    answers,
    notify(to: number) {
      seq++;
      const text = [
        `NOTIFY sip:201@127.0.0.1:${to} SIP/2.0`,
        `Via: SIP/2.0/UDP ${address}:${port};branch=z9hG4bK-${address}-${seq}`,
        'Max-Forwards: 70',
        `From: <sip:vm@${address}>;tag=vm${seq}`,
        'To: <sip:201@lab.test>',
        `Call-ID: mwi-${address}-${seq}`,
        `CSeq: ${seq} NOTIFY`,
        'Event: message-summary',
        'Subscription-State: active',
        'Content-Type: application/simple-message-summary',
        `Content-Length: ${Buffer.byteLength(BODY)}`,
        '',
        BODY,
      ].join('\r\n');
      sock.send(text, to, '127.0.0.1');
    },
  };
}

async function until<T>(what: () => T | undefined): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = what();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('timed out');
}

async function phone(policy: NotifySourcePolicy | undefined) {
  const clock = new FakeClock();
  const account = { id: 'line1', user: '201', domain: 'lab.test', register: false };
  const stack = await SipStack.create({ bindAddress: '127.0.0.1', ports: { udp: 0 }, transports: ['udp'], accounts: [account] }, { clock });
  cleanup.push(() => stack.stop(0));
  const mwi = startMwi(stack, [account], { clock, subscribe: () => false, ...(policy ? { unsolicitedFrom: policy } : {}) });
  cleanup.push(() => mwi.client.dispose());
  const events: MwiStatus[] = [];
  mwi.onChange((e) => events.push(e));
  return { port: stack.localTransports[0]!.port, events };
}

describe('unsolicited message-summary NOTIFY and where it comes from', () => {
  it('takes it from the registrar/proxy address, answers 403 to anyone else and logs each stranger once', async () => {
    const warnings: object[] = [];
    const policy = new NotifySourcePolicy({ log: { warn: (obj) => warnings.push(obj) } });
    policy.setTrusted(['127.0.0.1']);
    const p = await phone(policy);
    const pbx = await sender('127.0.0.1');
    const stranger = await sender('127.0.0.2');

    stranger.notify(p.port);
    stranger.notify(p.port);
    await until(() => (stranger.answers.length === 2 ? true : undefined));
    expect(stranger.answers.map((a) => a.status)).toEqual([403, 403]);
    expect(p.events).toEqual([]);
    expect(warnings).toEqual([{ source: '127.0.0.2', port: expect.any(Number) }]);

    pbx.notify(p.port);
    await until(() => pbx.answers[0]);
    expect(pbx.answers[0]!.status).toBe(200);
    expect(p.events).toEqual([expect.objectContaining({ accountId: 'line1', waiting: true, newVoice: 4, oldVoice: 2, source: 'unsolicited' })]);
  });

  it('refuses every source until the trusted addresses are known (the DNS lookup still running)', async () => {
    const p = await phone(new NotifySourcePolicy());
    const pbx = await sender('127.0.0.1');
    pbx.notify(p.port);
    await until(() => pbx.answers[0]);
    expect(pbx.answers[0]!.status).toBe(403);
    expect(p.events).toEqual([]);
  });

  it('treats an IPv4-mapped IPv6 source as its IPv4 address', () => {
    const policy = new NotifySourcePolicy();
    policy.setTrusted(['192.0.2.10']);
    expect(policy.admit({ address: '::ffff:192.0.2.10', port: 5060 })).toBe(true);
    expect(policy.admit({ address: '192.0.2.11', port: 5060 })).toBe(false);
  });
});
