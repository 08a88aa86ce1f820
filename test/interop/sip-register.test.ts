import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../../firmware/clock/index.js';
import { SipStack, type RegistrationStatus, type SipStackConfig, type TransportName } from '../../firmware/sip/index.js';
import { missingPeers } from './support/peers.js';
import { startKamailio, type Kamailio } from './support/kamailio.js';
import { waitFor } from './support/processes.js';

// Issue 3: the phone's SIP stack, on its real sockets, registering to Kamailio with
// digest authentication over UDP, TCP and TLS; a wrong password is a clear failure.

const skip = missingPeers('kamailio', 'kamcmd', 'openssl');

describe.skipIf(skip !== undefined)(`registration against Kamailio (${skip ?? 'installed'})`, () => {
  let kamailio: Kamailio;
  const stacks: SipStack[] = [];

  beforeAll(async () => {
    kamailio = await startKamailio({ users: [{ user: 'alice', password: 'alice-pw' }, { user: 'carol', password: 'carol-pw' }], tls: true });
  });
  afterAll(async () => {
    await Promise.all(stacks.splice(0).map((s) => s.stop().catch(() => {})));
    await kamailio?.stop();
  });

  async function phone(transport: TransportName, password: string, extra: Partial<SipStackConfig> = {}) {
    const port = transport === 'tls' ? kamailio.ports.tls! : kamailio.ports.udp;
    const stack = await SipStack.create(
      {
        bindAddress: '127.0.0.1',
        ports: { udp: 0, tcp: 0, tls: 0 },
        transports: [transport],
        tls: { caFile: kamailio.caFile },
        userAgent: 'deskphone-interop',
        accounts: [{ id: 'line1', user: 'alice', password, domain: kamailio.domain, outboundProxy: `127.0.0.1:${port}`, transport, expires: 300 }],
        ...extra,
      },
      { clock: new SystemClock() },
    );
    stacks.push(stack);
    const history: RegistrationStatus[] = [];
    stack.onRegistration((e) => history.push(e.status));
    return { stack, history };
  }

  const settled = (history: RegistrationStatus[]) => {
    const last = history.at(-1);
    return last && (last.state === 'registered' || last.state === 'failed' || last.state === 'retry-wait') ? last : undefined;
  };

  it.each(['udp', 'tcp', 'tls'] as const)('registers with digest over %s, is listed by the registrar, and unregisters on stop', async (transport) => {
    const { stack, history } = await phone(transport, 'alice-pw');
    stack.start();
    const status = await waitFor(`registration over ${transport}`, () => settled(history), { timeoutMs: 15_000 });
    expect(status, JSON.stringify(history)).toMatchObject({ state: 'registered', expires: 300 });
    const ourPort = stack.localTransports[0]!.port;
    const regs = await kamailio.registrations();
    const ours = regs.filter((r) => r.aor === 'alice');
    expect(ours.length, JSON.stringify(regs)).toBeGreaterThan(0);
    if (transport !== 'tls') expect(ours.some((r) => r.contact.includes(`:${ourPort}`))).toBe(true);
    expect(ours.some((r) => transport === 'udp' || r.contact.includes(`transport=${transport}`))).toBe(true);

    await stack.stop();
    stacks.splice(stacks.indexOf(stack), 1);
    expect(history.at(-1)!.state).toBe('unregistered');
    expect((await kamailio.registrations()).filter((r) => r.aor === 'alice')).toEqual([]);
  });

  it('registers several accounts from one phone at once', async () => {
    const stack = await SipStack.create(
      {
        bindAddress: '127.0.0.1',
        ports: { udp: 0 },
        transports: ['udp'],
        accounts: [
          { id: 'line1', user: 'alice', password: 'alice-pw', domain: kamailio.domain, outboundProxy: `127.0.0.1:${kamailio.ports.udp}`, expires: 120 },
          { id: 'line2', user: 'carol', password: 'carol-pw', domain: kamailio.domain, outboundProxy: `127.0.0.1:${kamailio.ports.udp}`, expires: 120 },
        ],
      },
      { clock: new SystemClock() },
    );
    stacks.push(stack);
    stack.start();
    await waitFor('both lines registered', () => {
      const s = stack.registrationStatus();
      return s['line1']?.state === 'registered' && s['line2']?.state === 'registered' ? true : undefined;
    }, { timeoutMs: 15_000 });
    const aors = (await kamailio.registrations()).map((r) => r.aor);
    expect(aors).toEqual(expect.arrayContaining(['alice', 'carol']));
    await stack.stop();
    stacks.splice(stacks.indexOf(stack), 1);
    expect((await kamailio.registrations()).filter((r) => r.aor === 'alice' || r.aor === 'carol')).toEqual([]);
  });

  it('reports a wrong password as a clear failure and stops trying', async () => {
    const { stack, history } = await phone('udp', 'not-the-password');
    stack.start();
    const status = await waitFor('registration failure', () => settled(history), { timeoutMs: 15_000 });
    expect(status).toMatchObject({ state: 'failed', status: 401, reason: 'authentication failed: wrong user name or password' });
    const count = history.length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(history.length).toBe(count);
    expect(history.map((h) => h.state)).toEqual(['registering', 'failed']);
  });

  it('refuses a TLS server whose certificate it cannot verify', async () => {
    const { stack, history } = await phone('tls', 'alice-pw', { tls: {} });
    stack.start();
    const status = await waitFor('TLS failure', () => settled(history), { timeoutMs: 15_000 });
    expect(status).toMatchObject({ state: 'retry-wait', status: 503, reason: 'registrar unreachable' });
  });
});
