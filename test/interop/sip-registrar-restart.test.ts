import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../../firmware/clock/index.js';
import { SipStack, type RegistrationStatus, type TransportName } from '../../firmware/sip/index.js';
import { missingPeers } from './support/peers.js';
import { startKamailio, type Kamailio } from './support/kamailio.js';
import { waitFor } from './support/processes.js';

// Issue 3 "Done when": the phone stays registered across a Kamailio restart,
// registering again within the back-off time (RFC 5626 §4.5), on its real sockets.

const skip = missingPeers('kamailio', 'kamcmd');
const clock = new SystemClock();

describe.skipIf(skip !== undefined)(`registration across a registrar restart (${skip ?? 'installed'})`, () => {
  let kamailio: Kamailio;
  const stacks: SipStack[] = [];

  beforeAll(async () => {
    kamailio = await startKamailio({ users: [{ user: 'alice', password: 'alice-pw' }] });
  });
  afterAll(async () => {
    await Promise.all(stacks.splice(0).map((s) => s.stop().catch(() => {})));
    await kamailio?.stop();
  });

  async function phone(transport: TransportName, expires: number) {
    const stack = await SipStack.create(
      {
        bindAddress: '127.0.0.1',
        ports: { udp: 0, tcp: 0 },
        transports: [transport],
        timers: { T1: 50 },
        backoff: { baseMs: 500, maxMs: 4000 },
        accounts: [{ id: 'line1', user: 'alice', password: 'alice-pw', domain: kamailio.domain, outboundProxy: `127.0.0.1:${kamailio.ports.udp}`, transport, expires }],
      },
      { clock },
    );
    stacks.push(stack);
    const history: Array<RegistrationStatus & { at: number }> = [];
    stack.onRegistration((e) => history.push({ ...e.status, at: clock.now() }));
    stack.start();
    await waitFor('first registration', () => (history.at(-1)?.state === 'registered' ? true : undefined), { timeoutMs: 10_000 });
    return { stack, history };
  }

  const aliceBound = async () => ((await kamailio.registrations()).some((r) => r.aor === 'alice') ? true : undefined);

  it('over TCP: the closed connection triggers registering again, within the back-off once Kamailio is back', async () => {
    const { history } = await phone('tcp', 300);
    const before = history.length;
    await kamailio.restart();
    const backUp = clock.now();
    await waitFor('registration after restart', () => (history.length > before && history.at(-1)!.state === 'registered' ? true : undefined), {
      timeoutMs: 15_000,
    });
    const after = history.slice(before);
    const waits = after.filter((h) => h.state === 'retry-wait');
    // Each wait is 50–100 % of 2^n × 500 ms; the re-registration lands within the last wait (plus a round trip).
    const longest = Math.max(0, ...waits.map((w) => w.retryInMs ?? 0));
    expect(longest).toBeLessThanOrEqual(2000);
    expect(history.at(-1)!.at - backUp).toBeLessThan(longest + 1500);
    await waitFor('Kamailio lists alice again', aliceBound, { timeoutMs: 5_000 });
  });

  it('over UDP: a refresh that times out while Kamailio is down backs off and registers when it returns', async () => {
    const { history } = await phone('udp', 6);
    const before = history.length;
    await kamailio.stopOnly();
    // The refresh at 3 s finds nobody: Timer F (64 × T1 = 3.2 s) then back-off.
    await waitFor('a failed refresh', () => (history.slice(before).some((h) => h.state === 'retry-wait') ? true : undefined), { timeoutMs: 15_000 });
    await kamailio.start();
    const backUp = clock.now();
    await waitFor('registration after restart', () => (history.at(-1)!.state === 'registered' && history.at(-1)!.at > backUp ? true : undefined), {
      timeoutMs: 20_000,
    });
    const failures = history.slice(before).filter((h) => h.state === 'retry-wait');
    expect(failures[0]).toMatchObject({ status: 408, reason: 'registrar did not answer' });
    // Once Kamailio answers again, the phone is back within one back-off wait plus one attempt.
    const lastWait = failures.at(-1)!.retryInMs!;
    expect(history.at(-1)!.at - backUp).toBeLessThan(lastWait + 64 * 50 + 1500);
    await waitFor('Kamailio lists alice again', aliceBound, { timeoutMs: 5_000 });
  });
});
