import { afterEach, describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import { FakeClock } from '../../../support/fake-clock.js';
import { SipStack, createResponse, parseMessage, serializeMessage, type RegistrationStatus, type SipRequest } from '../../../../firmware/sip/index.js';

// The facade wired to real sockets on 127.0.0.1 (port 0), with a scripted
// registrar on a plain UDP socket and time on a FakeClock.

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function registrar(answer: (req: SipRequest) => number | undefined) {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const seen: SipRequest[] = [];
  sock.on('message', (data, rinfo) => {
    const req = parseMessage(data) as SipRequest;
    seen.push(req);
    const status = answer(req);
    if (status === undefined) return;
    const contact = status === 200 && req.expires !== 0 ? [req.contacts[0]!.withParam('expires', String(req.expires))] : [];
    sock.send(serializeMessage(createResponse(req, status, { toTag: 'r', contact })), rinfo.port, rinfo.address);
  });
  cleanup.push(() => new Promise<void>((r) => sock.close(() => r())));
  return { port: (sock.address() as { port: number }).port, seen };
}

async function until(check: () => boolean) {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

async function stack(port: number, clock: FakeClock) {
  const s = await SipStack.create(
    {
      bindAddress: '127.0.0.1',
      ports: { udp: 0, tcp: 0 },
      userAgent: 'deskphone-unit',
      accounts: [{ id: 'line1', user: 'alice', domain: 'lab.test', outboundProxy: `127.0.0.1:${port}`, expires: 600 }],
    },
    { clock },
  );
  const events: RegistrationStatus[] = [];
  s.onRegistration((e) => events.push(e.status));
  cleanup.push(() => s.stop(0));
  return { s, events };
}

describe('SipStack', () => {
  it('registers an account through its outbound proxy and reports it, with Allow listing later usages', async () => {
    const clock = new FakeClock();
    const reg = await registrar(() => 200);
    const { s, events } = await stack(reg.port, clock);
    s.setHandler('MESSAGE', (i) => i.respond(200));
    s.start();
    await until(() => events.at(-1)?.state === 'registered');
    expect(s.registrationStatus()).toEqual({ line1: { state: 'registered', expires: 600, status: 200, consecutiveFailures: 0 } });
    const req = reg.seen[0]!;
    expect(req.uri.toString()).toBe('sip:lab.test');
    expect(req.headers.get('allow')).toContain('MESSAGE');
    expect(req.headers.get('user-agent')).toBe('deskphone-unit');
    const udp = s.localTransports.find((t) => t.protocol === 'UDP')!;
    expect(req.contacts[0]!.uri.toString()).toBe(`sip:alice@127.0.0.1:${udp.port}`);
    expect(req.topVia.toString()).toMatch(new RegExp(`^SIP/2\\.0/UDP 127\\.0\\.0\\.1:${udp.port};branch=z9hG4bK`));
  });

  it('unregisters on stop, and does not wait past its bound for a registrar that stays silent', async () => {
    const clock = new FakeClock();
    let answer = true;
    const reg = await registrar(() => (answer ? 200 : undefined));
    const { s, events } = await stack(reg.port, clock);
    s.start();
    await until(() => events.at(-1)?.state === 'registered');
    answer = false;
    let stopped = false;
    const stopping = s.stop(2000).then(() => (stopped = true));
    await until(() => reg.seen.length === 2);
    expect(reg.seen[1]!.expires).toBe(0);
    clock.advance(1999);
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).toBe(false);
    clock.advance(1);
    await stopping;
    expect(stopped).toBe(true);
  });
});
