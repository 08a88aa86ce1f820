import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../support/fake-clock.js';
import { SipUri, createResponse, type SipRequest } from '../../../../firmware/sip/message/index.js';
import type { ClientTransactionUser } from '../../../../firmware/sip/transaction/index.js';
import { RegistrationClient } from '../../../../firmware/sip/registration/index.js';

/** A registrar that keeps bindings like a location service (§10.3): expires=0 removes, others add or refresh. */
function harness() {
  const clock = new FakeClock();
  const bindings = new Map<string, number>();
  const sent: SipRequest[] = [];
  let contact = new SipUri({ user: 'alice', host: '192.168.1.10', port: 5060 });
  let down = false;
  const client = new RegistrationClient(
    { user: 'alice', domain: 'lab.test', expires: 600 },
    {
      clock,
      contactUri: () => contact,
      sendRequest(request: SipRequest, user: ClientTransactionUser) {
        sent.push(request);
        if (down) {
          user.onResponse(createResponse(request, 503), 'transport-error');
          return;
        }
        for (const c of request.contacts) {
          const expires = c.expires ?? request.expires ?? 600;
          if (expires === 0) bindings.delete(c.uri.toString());
          else bindings.set(c.uri.toString(), expires);
        }
        const list = [...bindings].map(([uri, e]) => `<${uri}>;expires=${e}`);
        user.onResponse(createResponse(request, 200, { toTag: 'reg', contact: list }), 'network');
      },
    },
    { random: () => 0.5, backoff: { baseMs: 30_000, maxMs: 1_800_000 } },
  );
  return {
    clock,
    client,
    sent,
    bindings,
    moveTo: (host: string, port = 5060) => (contact = new SipUri({ user: 'alice', host, port })),
    setDown: (d: boolean) => (down = d),
  };
}

describe('registering again after the Contact changed (issue 5 point 11)', () => {
  it('registers the new Contact at once and removes the old binding in the same REGISTER (§10.2.2)', () => {
    const h = harness();
    h.client.start();
    expect([...h.bindings.keys()]).toEqual(['sip:alice@192.168.1.10:5060']);
    const old = new SipUri({ user: 'alice', host: '192.168.1.10', port: 5060 });
    h.moveTo('192.168.1.20');
    h.client.rebind(old);
    const rebind = h.sent.at(-1)!;
    expect(rebind.contacts.map((c) => c.toString())).toEqual([
      '<sip:alice@192.168.1.20:5060>;expires=600',
      '<sip:alice@192.168.1.10:5060>;expires=0',
    ]);
    expect([...h.bindings.keys()]).toEqual(['sip:alice@192.168.1.20:5060']);
    expect(h.client.status).toMatchObject({ state: 'registered', expires: 600 });
    // The refresh carries only the new binding: the old one is gone.
    h.clock.advance(300_000);
    expect(h.sent.at(-1)!.contacts.map((c) => c.toString())).toEqual(['<sip:alice@192.168.1.20:5060>;expires=600']);
  });

  it('keeps the old binding to remove until a REGISTER carrying its removal succeeds', () => {
    const h = harness();
    h.client.start();
    const old = new SipUri({ user: 'alice', host: '192.168.1.10', port: 5060 });
    h.setDown(true);
    h.moveTo('192.168.1.20');
    h.client.rebind(old);
    expect(h.client.state).toBe('retry-wait');
    h.setDown(false);
    h.clock.advance(h.client.status.retryInMs!);
    expect(h.sent.at(-1)!.contacts.map((c) => c.toString())).toEqual([
      '<sip:alice@192.168.1.20:5060>;expires=600',
      '<sip:alice@192.168.1.10:5060>;expires=0',
    ]);
    expect([...h.bindings.keys()]).toEqual(['sip:alice@192.168.1.20:5060']);
  });

  it('tries at once when an address change finds it waiting out a back-off', () => {
    const h = harness();
    h.setDown(true);
    h.client.start();
    expect(h.client.state).toBe('retry-wait');
    const before = h.sent.length;
    h.setDown(false);
    h.client.rebind();
    expect(h.sent.length).toBe(before + 1);
    expect(h.client.state).toBe('registered');
  });

  it('does nothing before it was asked to register', () => {
    const h = harness();
    h.client.rebind(new SipUri({ user: 'alice', host: '192.168.1.10', port: 5060 }));
    expect(h.sent).toEqual([]);
  });
});
