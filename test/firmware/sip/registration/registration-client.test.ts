import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../support/fake-clock.js';
import { DigestVerifier } from '../../../../firmware/sip/auth/index.js';
import { SipUri, createResponse, type SipRequest, type SipResponse } from '../../../../firmware/sip/message/index.js';
import type { ClientTransactionUser } from '../../../../firmware/sip/transaction/index.js';
import {
  RegistrationClient,
  backoffDelay,
  refreshDelayMs,
  type RegistrationStatus,
} from '../../../../firmware/sip/registration/index.js';

type Answer = SipResponse | 'timeout' | 'transport-error';

/**
 * A registrar on a FakeClock: a DigestVerifier checks credentials like Kamailio's auth module, and
 * `behaviour` can override the answer to script 423s, outages and stale nonces. Timeouts arrive after
 * Timer F (32 s) as the transaction layer would deliver them.
 */
function harness(options: { password?: string; expires?: number; keepAliveMs?: number } = {}) {
  const clock = new FakeClock();
  const verifier = new DigestVerifier({ realm: 'lab.test', password: (u) => (u === 'alice' ? 'secret' : undefined), clock });
  const sent: SipRequest[] = [];
  const keepAlives: number[] = [];
  let grant = (req: SipRequest): number => req.expires ?? 3600;
  let behaviour: ((req: SipRequest, n: number) => Answer | undefined) | undefined;
  const registrar = (req: SipRequest): Answer => {
    const scripted = behaviour?.(req, sent.length);
    if (scripted) return scripted;
    const check = verifier.verify(req);
    if (!check.ok) {
      const headers = verifier.challenge(check.stale).map((v) => ['WWW-Authenticate', v] as const);
      return createResponse(req, 401, { headers });
    }
    const expires = grant(req);
    const contact = req.contacts[0]!.withParam('expires', String(expires));
    return createResponse(req, 200, { toTag: 'reg', contact: expires === 0 ? [] : [contact] });
  };
  const contactUri = new SipUri({ user: 'alice', host: '127.0.0.1', port: 5062 });
  const client = new RegistrationClient(
    { user: 'alice', domain: 'lab.test', password: options.password ?? 'secret', expires: options.expires ?? 3600 },
    {
      clock,
      contactUri: () => contactUri,
      sendKeepAlive: () => keepAlives.push(clock.now()),
      sendRequest(request: SipRequest, user: ClientTransactionUser) {
        sent.push(request);
        const answer = registrar(request);
        if (answer === 'timeout') clock.setTimeout(() => user.onResponse(createResponse(request, 408), 'timeout'), 32_000);
        else if (answer === 'transport-error') user.onResponse(createResponse(request, 503), 'transport-error');
        else user.onResponse(answer, 'network');
      },
    },
    { random: () => 0.5, backoff: { baseMs: 30_000, maxMs: 1_800_000 }, keepAliveMs: options.keepAliveMs },
  );
  const states: string[] = [];
  client.onChange((s: RegistrationStatus) => states.push(s.state));
  return {
    clock,
    client,
    verifier,
    sent,
    states,
    keepAlives,
    setGrant: (g: (req: SipRequest) => number) => (grant = g),
    setBehaviour: (b: typeof behaviour) => (behaviour = b),
  };
}

describe('RegistrationClient (RFC 3261 §10.2)', () => {
  it('answers the digest challenge and registers, with one Call-ID and rising CSeq', () => {
    const h = harness();
    h.client.start();
    expect(h.client.status).toEqual({ state: 'registered', expires: 3600, status: 200, consecutiveFailures: 0 });
    expect(h.sent).toHaveLength(2);
    const [first, second] = h.sent as [SipRequest, SipRequest];
    expect(first.headers.has('authorization')).toBe(false);
    expect(second.headers.get('authorization')).toMatch(/^Digest username="alice", realm="lab.test"/);
    expect(second.callId).toBe(first.callId);
    expect(second.cseq.seq).toBe(first.cseq.seq + 1);
    expect(first.uri.toString()).toBe('sip:lab.test');
    expect(first.to.uri.toString()).toBe('sip:alice@lab.test');
    expect(first.contacts[0]!.toString()).toBe('<sip:alice@127.0.0.1:5062>;expires=3600');
    expect(first.maxForwards).toBe(70);
  });

  it('refreshes before the granted expiry, taken from our Contact in the 200, with credentials up front', () => {
    const h = harness({ expires: 3600 });
    h.setGrant(() => 120);
    h.client.start();
    expect(h.client.status.expires).toBe(120);
    h.clock.advance(59_999);
    expect(h.sent).toHaveLength(2);
    h.clock.advance(1);
    // the refresh at 60 s carries Authorization from the last challenge, so no new 401
    expect(h.sent).toHaveLength(3);
    expect(h.sent[2]!.headers.has('authorization')).toBe(true);
    expect(h.client.state).toBe('registered');
  });

  it('retries with Min-Expires after 423 Interval Too Brief (§10.2.8)', () => {
    const h = harness({ expires: 60 });
    h.setBehaviour((req) => ((req.expires ?? 0) < 1800 ? createResponse(req, 423, { headers: [['Min-Expires', '1800']] }) : undefined));
    h.client.start();
    expect(h.client.status.state).toBe('registered');
    expect(h.client.status.expires).toBe(1800);
    expect(h.sent.map((r) => r.expires)).toEqual([60, 1800, 1800]);
    expect(h.client.expiresRequested).toBe(1800);
  });

  it('retries once without failing when the nonce went stale (RFC 7616 §3.3 stale=true)', () => {
    const h = harness({ expires: 100 });
    h.client.start();
    // the registrar forgets its nonces (a restart): the refresh's credentials are now stale
    let staleChallenge = '';
    h.setBehaviour((req, n) => {
      if (n !== 3) return undefined;
      staleChallenge = h.verifier.challenge(true)[0]!;
      return createResponse(req, 401, { headers: [['WWW-Authenticate', staleChallenge]] });
    });
    h.clock.advance(50_000);
    expect(staleChallenge).toContain('stale=true');
    const nonce = /nonce="([^"]+)"/.exec(staleChallenge)![1]!;
    expect(h.sent).toHaveLength(4);
    expect(h.sent[3]!.headers.get('authorization')).toContain(`nonce="${nonce}"`);
    expect(h.client.state).toBe('registered');
    expect(h.states).not.toContain('failed');
  });

  it('fails clearly on a wrong password and does not try again', () => {
    const h = harness({ password: 'wrong' });
    h.client.start();
    expect(h.client.status.state).toBe('failed');
    expect(h.client.status.reason).toMatch(/wrong user name or password/);
    expect(h.sent).toHaveLength(2);
    h.clock.advance(24 * 3600_000);
    expect(h.sent).toHaveLength(2);
  });

  it('backs off after a timeout (RFC 5626 §4.5) and registers when the registrar returns', () => {
    const h = harness();
    let down = true;
    h.setBehaviour(() => (down ? 'timeout' : undefined));
    h.client.start();
    h.clock.advance(32_000);
    expect(h.client.status).toMatchObject({ state: 'retry-wait', status: 408, reason: 'registrar did not answer', consecutiveFailures: 1 });
    // first wait: 50–100 % of 2 × 30 s; random() = 0.5 gives 75 % = 45 s
    expect(h.client.status.retryInMs).toBe(45_000);
    h.clock.advance(45_000 + 32_000);
    expect(h.client.status).toMatchObject({ state: 'retry-wait', consecutiveFailures: 2, retryInMs: 90_000 });
    down = false;
    h.clock.advance(90_000);
    expect(h.client.status).toMatchObject({ state: 'registered', consecutiveFailures: 0 });
  });

  it('re-registers at once when the flow to the registrar fails', () => {
    const h = harness();
    h.client.start();
    const before = h.sent.length;
    h.client.flowFailed();
    expect(h.sent.length).toBeGreaterThan(before);
    expect(h.client.state).toBe('registered');
  });

  it('backs off instead of re-registering when the flow keeps failing right after registering', () => {
    const h = harness();
    h.client.start();
    h.clock.advance(1_000);
    h.client.flowFailed();
    expect(h.client.state).toBe('registered');
    const sends = h.sent.length;
    h.clock.advance(1_000);
    h.client.flowFailed();
    expect(h.client.status).toMatchObject({ state: 'retry-wait', reason: 'connection to the registrar keeps failing' });
    expect(h.sent.length).toBe(sends);
  });

  it('unregisters with expires=0 on stop and reports unregistered', async () => {
    const h = harness();
    h.client.start();
    await h.client.stop();
    const last = h.sent.at(-1)!;
    expect(last.expires).toBe(0);
    expect(last.contacts[0]!.params.get('expires')).toBe('0');
    expect(h.client.state).toBe('unregistered');
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('sends keep-alives while registered', () => {
    const h = harness({ keepAliveMs: 25_000 });
    h.client.start();
    h.clock.advance(75_000);
    expect(h.keepAlives).toEqual([25_000, 50_000, 75_000]);
  });

  it('goes to back-off, not failure, on a transport error', () => {
    const h = harness();
    h.setBehaviour(() => 'transport-error');
    h.client.start();
    expect(h.client.status).toMatchObject({ state: 'retry-wait', status: 503, reason: 'registrar unreachable' });
  });
});

describe('registration timing rules', () => {
  it('refreshes long bindings 600 s early and short ones halfway', () => {
    expect(refreshDelayMs(3600)).toBe(3_000_000);
    expect(refreshDelayMs(1200)).toBe(600_000);
    expect(refreshDelayMs(60)).toBe(30_000);
  });

  it('backs off exponentially with 50–100 % jitter up to max-time (RFC 5626 §4.5)', () => {
    const opts = { baseMs: 30_000, maxMs: 1_800_000 };
    expect(backoffDelay(1, opts, () => 0)).toBe(30_000);
    expect(backoffDelay(1, opts, () => 0.999999)).toBe(60_000);
    expect(backoffDelay(3, opts, () => 0)).toBe(120_000);
    expect(backoffDelay(10, opts, () => 0.9999999999)).toBe(1_800_000);
  });
});
