import { afterEach, describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import { FakeClock } from '../../../support/fake-clock.js';
import { SipStack, createResponse, parseMessage, serializeMessage, type RegistrationStatus, type SipRequest, type SipStackConfig } from '../../../../firmware/sip/index.js';

// The stack on real sockets (127.0.0.1, port 0) and a scripted registrar that plays a NAT: it stamps its
// answers' Via with the received/rport a NAT in between would make it see (RFC 3581 §4).

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** A registrar keeping bindings; `seenFrom` decides which source address and port it claims to see. */
async function natRegistrar(seenFrom: () => { address: string; port: number } | undefined) {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const seen: SipRequest[] = [];
  const bindings = new Map<string, number>();
  sock.on('message', (data, rinfo) => {
    const req = parseMessage(data) as SipRequest;
    seen.push(req);
    for (const c of req.contacts) {
      const e = c.expires ?? req.expires ?? 600;
      if (e === 0) bindings.delete(c.uri.toString());
      else bindings.set(c.uri.toString(), e);
    }
    const nat = seenFrom();
    if (nat) req.headers.set('Via', [req.topVia.withParam('received', nat.address).withParam('rport', String(nat.port)), ...req.vias.slice(1)]);
    const contact = [...bindings].map(([uri, e]) => `<${uri}>;expires=${e}`);
    sock.send(serializeMessage(createResponse(req, 200, { toTag: 'r', contact })), rinfo.port, rinfo.address);
  });
  cleanup.push(() => new Promise<void>((r) => sock.close(() => r())));
  return { port: (sock.address() as { port: number }).port, seen, bindings };
}

async function until(check: () => boolean) {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

async function stack(port: number, extra: Partial<SipStackConfig> = {}, probe?: (d: string) => Promise<string>) {
  const s = await SipStack.create(
    {
      bindAddress: '127.0.0.1',
      ports: { udp: 0 },
      transports: ['udp'],
      accounts: [{ id: 'line1', user: 'alice', domain: 'lab.test', outboundProxy: `127.0.0.1:${port}`, expires: 600 }],
      ...extra,
    },
    { clock: new FakeClock(), ...(probe ? { probeSourceAddress: probe } : {}) },
  );
  const events: RegistrationStatus[] = [];
  s.onRegistration((e) => events.push(e.status));
  cleanup.push(() => s.stop(0));
  return { s, events, port: s.localTransports[0]!.port };
}

describe('SipStack behind a NAT (RFC 3581, issue 5 point 11)', () => {
  it('registers once more with the public address:port the registrar saw, removing the private binding', async () => {
    const reg = await natRegistrar(() => ({ address: '203.0.113.5', port: 40312 }));
    const { s, port } = await stack(reg.port);
    s.start();
    await until(() => reg.seen.length >= 2 && s.registrationStatus()['line1']?.state === 'registered');
    await new Promise((r) => setTimeout(r, 50));
    expect(reg.seen).toHaveLength(2);
    expect(reg.seen[0]!.contacts.map((c) => c.uri.toString())).toEqual([`sip:alice@127.0.0.1:${port}`]);
    expect(reg.seen[1]!.contacts.map((c) => c.toString())).toEqual(['<sip:alice@203.0.113.5:40312>;expires=600', `<sip:alice@127.0.0.1:${port}>;expires=0`]);
    // Via keeps the local address: the registrar's received/rport is how it finds us (RFC 3581 §4).
    expect(reg.seen[1]!.topVia.host).toBe('127.0.0.1');
    expect([...reg.bindings.keys()]).toEqual(['sip:alice@203.0.113.5:40312']);
    expect(s.registeredContact('line1')?.toString()).toBe('sip:alice@203.0.113.5:40312');
    // Calls over that flow carry the public Contact too; SDP only when the config asks for it.
    expect(s.core.publicAddressToward('127.0.0.1')).toEqual({ address: '203.0.113.5', port: 40312 });
    expect(s.mediaAddressFor('127.0.0.1')).toBe('127.0.0.1');
  });

  it('puts the public address in SDP when nat.publicAddressInSdp is set', async () => {
    const reg = await natRegistrar(() => ({ address: '203.0.113.5', port: 40312 }));
    const { s } = await stack(reg.port, { nat: { publicAddressInSdp: true } });
    s.start();
    await until(() => reg.seen.length >= 2 && s.registrationStatus()['line1']?.state === 'registered');
    expect(s.mediaAddressFor('127.0.0.1')).toBe('203.0.113.5');
  });

  it('leaves the Contact alone when the registrar sees us as we are', async () => {
    let local: { address: string; port: number } | undefined;
    const reg = await natRegistrar(() => local);
    const { s, port } = await stack(reg.port);
    local = { address: '127.0.0.1', port };
    s.start();
    await until(() => s.registrationStatus()['line1']?.state === 'registered');
    await new Promise((r) => setTimeout(r, 50));
    expect(reg.seen).toHaveLength(1);
  });

  it('does not rewrite the Contact when nat.rewriteContact is off', async () => {
    const reg = await natRegistrar(() => ({ address: '203.0.113.5', port: 40312 }));
    const { s } = await stack(reg.port, { nat: { rewriteContact: false } });
    s.start();
    await until(() => s.registrationStatus()['line1']?.state === 'registered');
    await new Promise((r) => setTimeout(r, 50));
    expect(reg.seen).toHaveLength(1);
  });
});

describe('SipStack after an address change (issue 5 point 11)', () => {
  it('registers every account again when the source toward a known peer changed, and tells address listeners', async () => {
    const routes = new Map([['127.0.0.1', '127.0.0.1']]);
    const reg = await natRegistrar(() => undefined);
    const { s } = await stack(reg.port, {}, (d) => Promise.resolve(routes.get(d) ?? '127.0.0.1'));
    const events: string[] = [];
    s.onAddressChange((e) => events.push(...e.changes.map((c) => `${c.destination} ${c.before}→${c.after}`)));
    s.start();
    await until(() => s.registrationStatus()['line1']?.state === 'registered');
    expect(await s.checkAddresses()).toEqual([]);
    expect(reg.seen).toHaveLength(1);
    routes.set('127.0.0.1', '127.0.0.2');
    const changes = await s.checkAddresses();
    expect(changes).toEqual([{ destination: '127.0.0.1', before: '127.0.0.1', after: '127.0.0.2' }]);
    expect(events).toEqual(['127.0.0.1 127.0.0.1→127.0.0.2']);
    await until(() => reg.seen.length === 2);
    expect(reg.seen[1]!.expires).toBe(600);
  });

  it('registers once when two interface events in a row see the same change', async () => {
    const routes = new Map([['127.0.0.1', '127.0.0.1']]);
    const reg = await natRegistrar(() => undefined);
    const { s } = await stack(reg.port, {}, (d) => Promise.resolve(routes.get(d) ?? '127.0.0.1'));
    s.start();
    await until(() => s.registrationStatus()['line1']?.state === 'registered');
    routes.set('127.0.0.1', '127.0.0.2');
    const [a, b] = await Promise.all([s.checkAddresses(), s.checkAddresses()]);
    expect(a).toHaveLength(1);
    expect(b).toEqual([]);
    await until(() => reg.seen.length === 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(reg.seen).toHaveLength(2);
  });
});
