import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../support/fake-clock.js';
import { NameAddr, SipUri, createRequest, parseMessage, type SipMessage, type SipRequest, type SipResponse } from '../../../../firmware/sip/message/index.js';
import { UserAgentCore } from '../../../../firmware/sip/ua/index.js';
import type { ServerTarget } from '../../../../firmware/sip/dns/index.js';
import type { HostPort, SendOptions, Transport, TransportProtocol } from '../../../../firmware/sip/transport/index.js';

// Issue 5 point 11: a phone on two networks (LAN 192.168.1.0/24 toward the PBX, a VPN 10.8.0.0/24 toward a
// second site) must name, in each message, the interface that message leaves by.

const enc = new TextEncoder();
const flush = async () => {
  for (let i = 0; i < 3; i++) await new Promise<void>((r) => setImmediate(r));
};

class FakeTransport implements Transport {
  readonly reliable: boolean;
  readonly sent: Array<{ message: SipMessage; to: HostPort }> = [];
  constructor(
    readonly protocol: TransportProtocol,
    readonly local: HostPort,
  ) {
    this.reliable = protocol !== 'UDP';
  }
  send(data: Uint8Array, to: HostPort, _options?: SendOptions) {
    this.sent.push({ message: parseMessage(data), to });
    return Promise.resolve({ local: this.local });
  }
  sendKeepAlive() {
    return Promise.resolve();
  }
  close() {
    return Promise.resolve();
  }
}

const PBX = '192.0.2.1';
const BRANCH_OFFICE = '10.20.0.1';

function setup(options: { bind?: string; bind6?: string; routes?: Record<string, string>; targets?: Record<string, ServerTarget> } = {}) {
  const routes = new Map(Object.entries(options.routes ?? { [PBX]: '192.168.1.10', [BRANCH_OFFICE]: '10.8.0.2', '2001:db8:99::1': '2001:db8:1::10' }));
  const probed: string[] = [];
  const udp = new FakeTransport('UDP', { address: options.bind ?? '0.0.0.0', port: 5060 });
  const udp6 = new FakeTransport('UDP', { address: options.bind6 ?? '::', port: 5060 });
  const core = new UserAgentCore({
    clock: new FakeClock(),
    transports: [udp, udp6],
    locate: (req) => {
      const host = req.host.replace(/^\[|\]$/g, '');
      return Promise.resolve([options.targets?.[host] ?? { protocol: 'UDP', address: host, port: req.port ?? 5060, serverName: req.host }]);
    },
    probeSourceAddress: (destination) => {
      probed.push(destination);
      const source = routes.get(destination);
      return source ? Promise.resolve(source) : Promise.reject(new Error(`ENETUNREACH ${destination}`));
    },
  });
  const sent = (): SipMessage[] => [...udp.sent, ...udp6.sent].map((s) => s.message);
  return { core, udp, udp6, routes, probed, sent };
}

function request(core: UserAgentCore, to: string, family: 4 | 6 = 4): SipRequest {
  return createRequest({
    method: 'OPTIONS',
    uri: new SipUri({ user: 'bob', host: to }),
    from: new NameAddr(new SipUri({ user: 'alice', host: 'lab.test' }), [['tag', 'a1']]),
    to: new NameAddr(new SipUri({ user: 'bob', host: 'lab.test' })),
    callId: `c-${to}`,
    cseq: 1,
    contact: new NameAddr(core.contactUri('alice', 'UDP', family)),
  });
}

describe('the local address of each message (issue 5 point 11)', () => {
  it('writes the address of the interface toward each next hop in Via and Contact, never 0.0.0.0', async () => {
    const t = setup();
    t.core.sendRequest(request(t.core, PBX), { onResponse() {} });
    t.core.sendRequest(request(t.core, BRANCH_OFFICE), { onResponse() {} });
    await flush();
    const [toPbx, toBranch] = t.sent() as SipRequest[];
    expect(toPbx!.topVia.host).toBe('192.168.1.10');
    expect(toPbx!.topVia.port).toBe(5060);
    expect(toPbx!.contacts[0]!.uri.toString()).toBe('sip:alice@192.168.1.10:5060');
    expect(toBranch!.topVia.host).toBe('10.8.0.2');
    expect(toBranch!.contacts[0]!.uri.toString()).toBe('sip:alice@10.8.0.2:5060');
    for (const m of t.sent()) expect(new TextDecoder().decode(Buffer.from(m.toString()))).not.toContain('0.0.0.0');
  });

  it('writes IPv6 source addresses in brackets for an IPv6 next hop', async () => {
    const t = setup();
    t.core.sendRequest(request(t.core, '[2001:db8:99::1]', 6), { onResponse() {} });
    await flush();
    const sent = t.udp6.sent[0]!.message as SipRequest;
    expect(sent.topVia.host).toBe('[2001:db8:1::10]');
    expect(sent.contacts[0]!.uri.toString()).toBe('sip:alice@[2001:db8:1::10]:5060');
  });

  it('asks the kernel once per destination, not once per message', async () => {
    const t = setup();
    for (let i = 0; i < 3; i++) t.core.sendRequest(request(t.core, PBX), { onResponse() {} });
    await flush();
    expect(t.probed).toEqual([PBX]);
    expect(t.core.sourceAddressToward(PBX)).toBe('192.168.1.10');
  });

  it('uses the bound address of a transport bound to one interface, without asking the kernel', async () => {
    const t = setup({ bind: '192.168.1.10' });
    t.core.sendRequest(request(t.core, BRANCH_OFFICE), { onResponse() {} });
    await flush();
    const sent = t.udp.sent[0]!.message as SipRequest;
    expect(sent.topVia.host).toBe('192.168.1.10');
    expect(sent.contacts[0]!.uri.toString()).toBe('sip:alice@192.168.1.10:5060');
    expect(t.probed).toEqual([]);
  });

  it('answers a request with our Contact toward its source, and leaves a 3xx Contact (somewhere else) alone', async () => {
    const t = setup();
    const invites: Array<(status: number, contact: NameAddr) => void> = [];
    t.core.setHandler('INVITE', (incoming) => invites.push((status, contact) => incoming.respond(status, { contact })));
    const invite = (callId: string) =>
      [
        'INVITE sip:alice@192.168.1.10 SIP/2.0',
        `Via: SIP/2.0/UDP ${BRANCH_OFFICE}:5060;branch=z9hG4bK${callId};rport`,
        'Max-Forwards: 70',
        'From: <sip:carol@branch.test>;tag=c1',
        'To: <sip:alice@lab.test>',
        `Call-ID: ${callId}`,
        'CSeq: 1 INVITE',
        `Contact: <sip:carol@${BRANCH_OFFICE}>`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
    t.core.receive({ data: enc.encode(invite('in-1')), protocol: 'UDP', remote: { address: BRANCH_OFFICE, port: 5060 }, local: t.udp.local });
    t.core.receive({ data: enc.encode(invite('in-2')), protocol: 'UDP', remote: { address: BRANCH_OFFICE, port: 5060 }, local: t.udp.local });
    invites[0]!(200, new NameAddr(t.core.contactUri('alice', 'UDP')));
    invites[1]!(302, new NameAddr(new SipUri({ user: 'voicemail', host: '0.0.0.0' })));
    await flush();
    const responses = t.sent().filter((m): m is SipResponse => m.kind === 'response' && m.status >= 200);
    expect(responses.find((r) => r.status === 200)!.contacts[0]!.uri.toString()).toBe('sip:alice@10.8.0.2:5060');
    expect(responses.find((r) => r.status === 302)!.contacts[0]!.uri.toString()).toBe('sip:voicemail@0.0.0.0');
  });

  it('puts the public address a NAT showed the registrar in Contact on that flow only; Via keeps the local one', async () => {
    const t = setup();
    t.core.setPublicAddress({ protocol: 'UDP', address: PBX, port: 5060 }, { address: '203.0.113.5', port: 40312 });
    t.core.sendRequest(request(t.core, PBX), { onResponse() {} });
    t.core.sendRequest(request(t.core, BRANCH_OFFICE), { onResponse() {} });
    await flush();
    const [toPbx, toBranch] = t.sent() as SipRequest[];
    expect(toPbx!.contacts[0]!.uri.toString()).toBe('sip:alice@203.0.113.5:40312');
    expect(toPbx!.topVia.host).toBe('192.168.1.10');
    expect(toBranch!.contacts[0]!.uri.toString()).toBe('sip:alice@10.8.0.2:5060');
    expect(t.core.publicAddressToward(PBX)).toEqual({ address: '203.0.113.5', port: 40312 });
  });

  it('keeps a Contact being removed (expires=0) exactly as it was registered', async () => {
    const t = setup();
    const req = request(t.core, PBX);
    req.headers.append('Contact', '<sip:alice@192.168.1.99:5060>;expires=0');
    t.core.sendRequest(req, { onResponse() {} });
    await flush();
    const sent = t.sent()[0] as SipRequest;
    expect(sent.contacts.map((c) => c.toString())).toEqual(['<sip:alice@192.168.1.10:5060>', '<sip:alice@192.168.1.99:5060>;expires=0']);
  });

  it('reports no route to the next hop as a 503 to the sender instead of sending a wrong address', async () => {
    const t = setup();
    const got: Array<[number, string, string]> = [];
    t.core.sendRequest(request(t.core, '198.51.100.77'), { onResponse: (r, origin) => got.push([r.status, r.reason, origin]) });
    await flush();
    expect(got).toEqual([[503, 'No Route To Server', 'transport-error']]);
    expect(t.sent()).toEqual([]);
  });
});
