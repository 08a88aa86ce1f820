import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../support/fake-clock.js';
import { SipParseError, parseMessage, type SipMessage, type SipRequest, type SipResponse } from '../../../../firmware/sip/message/index.js';
import { UserAgentCore } from '../../../../firmware/sip/ua/index.js';
import { Dialog } from '../../../../firmware/sip/dialog/index.js';
import type { ServerTarget } from '../../../../firmware/sip/dns/index.js';
import type { HostPort, SendOptions, Transport, TransportProtocol } from '../../../../firmware/sip/transport/index.js';

const enc = new TextEncoder();
const flush = () => new Promise<void>((r) => setImmediate(r));

class FakeTransport implements Transport {
  readonly reliable: boolean;
  readonly sent: Array<{ message: SipRequest | SipResponse; to: HostPort; options?: SendOptions }> = [];
  constructor(
    readonly protocol: TransportProtocol,
    readonly local: HostPort,
  ) {
    this.reliable = protocol !== 'UDP';
  }
  send(data: Uint8Array, to: HostPort, options?: SendOptions) {
    this.sent.push({ message: lenientParse(data) as SipRequest | SipResponse, to, options });
    return Promise.resolve({ local: this.local, connectionId: this.protocol === 'UDP' ? undefined : 'c1' });
  }
  sendKeepAlive() {
    return Promise.resolve();
  }
  close() {
    return Promise.resolve();
  }
}

/** What the wire carried, even a 400 that lacks the Call-ID its request lacked. */
function lenientParse(data: Uint8Array): SipMessage {
  try {
    return parseMessage(data);
  } catch (err) {
    if (err instanceof SipParseError && err.partial) return err.partial;
    throw err;
  }
}

const PEER = { address: '127.0.0.1', port: 5070 };

function setup(options: { targets?: ServerTarget[]; maxRequestBytes?: number } = {}) {
  const clock = new FakeClock();
  const udp = new FakeTransport('UDP', { address: '127.0.0.1', port: 5062 });
  const tcp = new FakeTransport('TCP', { address: '127.0.0.1', port: 5062 });
  const located: string[] = [];
  const core = new UserAgentCore({
    clock,
    transports: [udp, tcp],
    locate: (req) => {
      located.push(`${req.host}:${req.port ?? ''}`);
      return Promise.resolve(options.targets ?? [{ protocol: 'UDP', address: '127.0.0.1', port: 5070, serverName: 'lab.test' }]);
    },
    supported: ['replaces'],
    userAgent: 'deskphone-test',
    maxRequestBytes: options.maxRequestBytes,
  });
  const receive = (text: string, protocol: TransportProtocol = 'UDP') =>
    core.receive({ data: enc.encode(text), protocol, remote: PEER, local: udp.local, connectionId: protocol === 'UDP' ? undefined : 'in-1' });
  const responses = () => [...udp.sent, ...tcp.sent].map((s) => s.message).filter((m): m is SipResponse => m.kind === 'response');
  return { clock, core, udp, tcp, receive, responses, located };
}

function req(method: string, extra: string[] = [], opts: { toTag?: string; branch?: string; maxForwards?: number | null; cseq?: number; uri?: string; via?: string } = {}): string {
  const lines = [
    `${method} ${opts.uri ?? 'sip:alice@127.0.0.1:5062'} SIP/2.0`,
    opts.via ?? `Via: SIP/2.0/UDP 10.1.1.1:5070;branch=${opts.branch ?? 'z9hG4bKua1'};rport`,
    ...(opts.maxForwards === null ? [] : [`Max-Forwards: ${opts.maxForwards ?? 70}`]),
    'From: <sip:bob@lab.test>;tag=bobtag',
    `To: <sip:alice@lab.test>${opts.toTag ? `;tag=${opts.toTag}` : ''}`,
    'Call-ID: ua-call-1',
    `CSeq: ${opts.cseq ?? 1} ${method}`,
    ...extra,
    'Content-Length: 0',
  ];
  return lines.join('\r\n') + '\r\n\r\n';
}

describe('UA core as UAS (RFC 3261 §8.2)', () => {
  it('answers OPTIONS with its capabilities, even at Max-Forwards 0', () => {
    const t = setup();
    t.receive(req('OPTIONS', [], { maxForwards: 0 }));
    const [res] = t.responses();
    expect(res!.status).toBe(200);
    expect(res!.headers.get('allow')).toBe('OPTIONS, ACK, CANCEL');
    expect(res!.headers.get('supported')).toBe('replaces');
    expect(res!.headers.get('accept')).toBe('application/sdp');
    expect(res!.to.tag).toBeDefined();
  });

  it('stamps received and rport into the top Via and answers to the source port (RFC 3581 §4)', () => {
    const t = setup();
    t.receive(req('OPTIONS'));
    const sent = t.udp.sent[0]!;
    expect(sent.to).toEqual({ address: '127.0.0.1', port: 5070 });
    expect(sent.message.topVia.received).toBe('127.0.0.1');
    expect(sent.message.topVia.rport).toBe(5070);
  });

  it('answers 405 with Allow for a method it does not handle', () => {
    const t = setup();
    t.receive(req('SUBSCRIBE', ['Event: presence']));
    const [res] = t.responses();
    expect(res!.status).toBe(405);
    expect(res!.headers.get('allow')).toBe('OPTIONS, ACK, CANCEL');
  });

  it('passes a request to the usage registered for its method, and lists it in Allow', () => {
    const t = setup();
    const seen: string[] = [];
    t.core.setHandler('MESSAGE', (incoming) => {
      seen.push(incoming.request.bodyText);
      incoming.respond(200);
    });
    t.receive(req('MESSAGE'));
    expect(seen).toEqual(['']);
    expect(t.responses().map((r) => r.status)).toEqual([200]);
    t.receive(req('OPTIONS', [], { branch: 'z9hG4bKo2', cseq: 2 }));
    expect(t.responses()[1]!.headers.get('allow')).toContain('MESSAGE');
  });

  it('answers 420 listing the unknown Require option tags (§8.2.2.3)', () => {
    const t = setup();
    t.core.setHandler('INVITE', (i) => i.respond(486));
    t.receive(req('INVITE', ['Contact: <sip:bob@10.1.1.1>', 'Require: replaces, 100rel, foo']));
    const final = t.responses().find((r) => r.status >= 200)!;
    expect(final.status).toBe(420);
    expect(final.headers.get('unsupported')).toBe('100rel, foo');
  });

  it('answers 482 to a merged request that arrives by a second path (§8.2.2.2)', () => {
    const t = setup();
    t.core.setHandler('MESSAGE', () => {});
    t.receive(req('MESSAGE', [], { branch: 'z9hG4bKpathA' }));
    t.receive(req('MESSAGE', [], { branch: 'z9hG4bKpathB' }));
    expect(t.responses().map((r) => r.status)).toEqual([482]);
  });

  it('answers 481 to a request naming a dialog it does not have, and routes one it has (§12.2.2)', () => {
    const t = setup();
    t.receive(req('BYE', [], { toTag: 'nosuch' }));
    expect(t.responses().map((r) => r.status)).toEqual([481]);
    const invite = parseMessage(req('INVITE', ['Contact: <sip:bob@10.1.1.1>'])) as SipRequest;
    const dialog = Dialog.asUas(invite, 'mytag', false);
    const got: string[] = [];
    t.core.dialogs.add({ dialog, onRequest: (i) => (got.push(i.request.method), i.respond(200)) });
    t.receive(req('BYE', [], { toTag: 'mytag', branch: 'z9hG4bKbye2', cseq: 2 }));
    expect(got).toEqual(['BYE']);
    // an older CSeq inside the dialog is out of order: 500
    t.receive(req('INFO', [], { toTag: 'mytag', branch: 'z9hG4bKinfo', cseq: 1 }));
    expect(t.responses().map((r) => r.status)).toEqual([481, 200, 500]);
  });

  it('answers a malformed request with 400 and a reason phrase, and keeps working', () => {
    const t = setup();
    t.receive(req('OPTIONS').replace('Call-ID: ua-call-1\r\n', ''));
    t.receive('INVITE sip:alice@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 10.1.1.1;branch=z9hG4bKx\r\nFrom: <sip:bob@lab.test>;tag=1\r\nTo: <sip:alice@lab.test>\r\nCall-ID: x\r\nCSeq: one INVITE\r\nContent-Length: 0\r\n\r\n');
    t.receive('\x00\xff garbage \r\n\r\n');
    t.receive(req('OPTIONS', [], { branch: 'z9hG4bKafter' }));
    const res = t.responses();
    expect(res.map((r) => r.status)).toEqual([400, 400, 200]);
    expect(res[0]!.reason).toBe('Missing Call-ID');
    expect(res[1]!.reason).toMatch(/CSeq/);
  });

  it('answers 513 to a request larger than it accepts (§21.5.14)', () => {
    const t = setup({ maxRequestBytes: 600 });
    t.receive(req('MESSAGE', ['X-Padding: ' + 'a'.repeat(700)]));
    expect(t.responses().map((r) => r.status)).toEqual([513]);
  });

  it('answers a retransmitted request from its transaction, without calling the usage again', () => {
    const t = setup();
    let calls = 0;
    t.core.setHandler('MESSAGE', (i) => (calls++, i.respond(202)));
    t.receive(req('MESSAGE'));
    t.receive(req('MESSAGE'));
    expect(calls).toBe(1);
    expect(t.responses().map((r) => r.status)).toEqual([202, 202]);
  });

  it('answers CANCEL with 200 and the pending INVITE with 487 (§9.2), or 481 when nothing matches', () => {
    const t = setup();
    let cancelled = false;
    t.core.setHandler('INVITE', (i) => {
      i.respond(180);
      i.onCancel(() => {
        cancelled = true;
        i.respond(487);
      });
    });
    t.receive(req('INVITE', ['Contact: <sip:bob@10.1.1.1>'], { branch: 'z9hG4bKinv' }));
    t.receive(req('CANCEL', [], { branch: 'z9hG4bKinv' }));
    t.receive(req('CANCEL', [], { branch: 'z9hG4bKnone', cseq: 9 }));
    expect(cancelled).toBe(true);
    expect(t.responses().map((r) => `${r.status} ${r.cseq.method}`)).toEqual(['100 INVITE', '180 INVITE', '200 CANCEL', '487 INVITE', '481 CANCEL']);
  });

  it('answers responses over the connection a TCP request came in on (§18.2.2)', () => {
    const t = setup();
    t.receive(req('OPTIONS', [], { via: 'Via: SIP/2.0/TCP 10.1.1.1:5070;branch=z9hG4bKtcp' }), 'TCP');
    expect(t.tcp.sent[0]!.options?.connectionId).toBe('in-1');
  });
});

describe('UA core as UAC (RFC 3261 §8.1)', () => {
  function outgoing(method = 'OPTIONS', body = ''): SipRequest {
    return parseMessage(
      `${method} sip:bob@lab.test SIP/2.0\r\nFrom: <sip:alice@lab.test>;tag=a\r\nTo: <sip:bob@lab.test>\r\nCall-ID: out-1\r\nCSeq: 1 ${method}\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    ) as SipRequest;
  }

  it('adds Max-Forwards and a Via with a fresh z9hG4bK branch and rport', async () => {
    const t = setup();
    t.core.sendRequest(outgoing(), { onResponse() {} });
    await flush();
    const sent = t.udp.sent[0]!.message as SipRequest;
    expect(sent.maxForwards).toBe(70);
    expect(sent.topVia.branch).toMatch(/^z9hG4bK/);
    expect(sent.topVia.rport).toBeNull();
    expect(sent.topVia.toString()).toMatch(/^SIP\/2\.0\/UDP 127\.0\.0\.1:5062;/);
    expect(sent.headers.get('user-agent')).toBe('deskphone-test');
    expect(t.located).toEqual(['lab.test:']);
  });

  it('fails over to the next server when one times out (RFC 3263 §4.3) and reports the last answer', async () => {
    const targets: ServerTarget[] = [
      { protocol: 'UDP', address: '127.0.0.1', port: 5070, serverName: 'lab.test' },
      { protocol: 'UDP', address: '127.0.0.1', port: 5080, serverName: 'lab.test' },
    ];
    const t = setup({ targets });
    const got: Array<[number, string]> = [];
    t.core.sendRequest(outgoing(), { onResponse: (r, origin) => got.push([r.status, origin]) });
    await flush();
    t.clock.advance(32_000);
    const ports = t.udp.sent.map((s) => s.to.port);
    expect(ports.filter((p) => p === 5070)).toHaveLength(11);
    expect(ports.at(-1)).toBe(5080);
    const branches = new Set(t.udp.sent.map((s) => (s.message as SipRequest).topVia.branch));
    expect(branches.size).toBe(2);
    t.clock.advance(32_000);
    expect(got).toEqual([[408, 'timeout']]);
  });

  it('sends a request too big for UDP over TCP instead (§18.1.1)', async () => {
    const t = setup();
    t.core.sendRequest(outgoing('MESSAGE', 'x'.repeat(1400)), { onResponse() {} });
    await flush();
    expect(t.udp.sent).toHaveLength(0);
    expect((t.tcp.sent[0]!.message as SipRequest).topVia.transport).toBe('TCP');
  });

  it('matches responses to the request and hands them to the sender', async () => {
    const t = setup();
    const got: number[] = [];
    const kinds: string[] = [];
    t.core.sendRequest(outgoing(), { onResponse: (r) => got.push(r.status) }, { onTransaction: (tx) => kinds.push(tx.kind) });
    await flush();
    expect(kinds).toEqual(['client-non-invite']);
    const sent = t.udp.sent[0]!.message as SipRequest;
    const via = sent.headers.get('via')!;
    t.receive(`SIP/2.0 200 OK\r\nVia: ${via}\r\nFrom: <sip:alice@lab.test>;tag=a\r\nTo: <sip:bob@lab.test>;tag=b\r\nCall-ID: out-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`);
    expect(got).toEqual([200]);
  });
});

describe('UA core addressing', () => {
  it('sends the ACK for a 2xx statelessly with a fresh branch to the located next hop (§13.2.2.4)', async () => {
    const t = setup();
    const ack = parseMessage(
      'ACK sip:bob@10.0.0.2 SIP/2.0\r\nRoute: <sip:127.0.0.1:5070;lr>\r\nFrom: <sip:alice@lab.test>;tag=a\r\nTo: <sip:bob@lab.test>;tag=b\r\nCall-ID: out-1\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n',
    ) as SipRequest;
    await t.core.sendAck(ack);
    expect(t.located).toEqual(['127.0.0.1:5070']);
    const sent = t.udp.sent[0]!.message as SipRequest;
    expect(sent.method).toBe('ACK');
    expect(sent.topVia.branch).toMatch(/^z9hG4bK/);
    expect(sent.maxForwards).toBe(70);
    expect(t.core.transactions.clientCount).toBe(0);
  });

  it('writes IPv6 hosts in brackets in Via and Contact, and the transport parameter for streams', () => {
    const udp6 = new FakeTransport('UDP', { address: '::1', port: 5062 });
    const tcp = new FakeTransport('TCP', { address: '127.0.0.1', port: 5064 });
    const core = new UserAgentCore({ clock: new FakeClock(), transports: [udp6, tcp], locate: () => Promise.resolve([]) });
    expect(core.via(udp6, 'z9hG4bKx').toString()).toBe('SIP/2.0/UDP [::1]:5062;branch=z9hG4bKx;rport');
    expect(core.contactUri('alice', 'UDP', 6).toString()).toBe('sip:alice@[::1]:5062');
    expect(core.contactUri('alice', 'TCP').toString()).toBe('sip:alice@127.0.0.1:5064;transport=tcp');
    expect(core.transportFor({ protocol: 'UDP', address: '2001:db8::1' })).toBe(udp6);
    expect(core.transportFor({ protocol: 'UDP', address: '192.0.2.1' })).toBeUndefined();
  });

  it('reports a next hop that cannot be located as a 503 to the sender', async () => {
    const t = setup({ targets: [] });
    const got: Array<[number, string]> = [];
    const req = parseMessage('OPTIONS sip:bob@lab.test SIP/2.0\r\nFrom: <sip:a@lab.test>;tag=a\r\nTo: <sip:bob@lab.test>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n') as SipRequest;
    t.core.sendRequest(req, { onResponse: (r, origin) => got.push([r.status, origin]) });
    await flush();
    expect(got).toEqual([[503, 'transport-error']]);
  });
});
