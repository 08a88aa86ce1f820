import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../support/fake-clock.js';
import { ServerAddresses, hostOf } from '../../../firmware/phone/server-addresses.js';

const settle = () => new Promise<void>((r) => setImmediate(r));

/** A DNS that answers from a table the test edits; a name not in it fails like a resolver that is not reachable. */
function dns(table: Record<string, string[]>) {
  const asked: string[] = [];
  return {
    asked,
    table,
    lookup: async (host: string) => {
      asked.push(host);
      const found = table[host];
      if (!found) throw new Error(`getaddrinfo EAI_AGAIN ${host}`);
      return found;
    },
  };
}

describe('the addresses of the phone’s own SIP servers', () => {
  it('trusts an IP-literal proxy at once, before any name has resolved', async () => {
    const d = dns({});
    const seen: (readonly string[])[] = [];
    const servers = new ServerAddresses({ servers: ['192.0.2.10:5060', 'pbx.example.com'], lookup: d.lookup, clock: new FakeClock(), onChange: (a) => seen.push(a) });
    const started = servers.start();
    expect(seen).toEqual([['192.0.2.10']]);
    await started;
  });

  it('looks a name up again soon while DNS is not reachable (the phone booted first), then rarely', async () => {
    const clock = new FakeClock();
    const d = dns({});
    const servers = new ServerAddresses({ servers: ['pbx.example.com'], lookup: d.lookup, clock, onChange: () => {}, retryMs: 5_000, refreshMs: 300_000 });
    await servers.start();
    expect(servers.addresses).toEqual([]);
    d.table['pbx.example.com'] = ['198.51.100.7'];
    clock.advance(5_000);
    await settle();
    expect(servers.addresses).toEqual(['198.51.100.7']);
    expect(d.asked).toHaveLength(2);
    clock.advance(299_000);
    await settle();
    expect(d.asked).toHaveLength(2);
    clock.advance(1_000);
    await settle();
    expect(d.asked).toHaveLength(3);
    servers.stop();
  });

  it('follows the PBX to a new address, and keeps the old one while DNS fails', async () => {
    const clock = new FakeClock();
    const d = dns({ 'pbx.example.com': ['198.51.100.7'] });
    const changes: (readonly string[])[] = [];
    const servers = new ServerAddresses({ servers: ['sip:pbx.example.com;transport=tcp'], lookup: d.lookup, clock, onChange: (a) => changes.push(a), refreshMs: 60_000 });
    await servers.start();
    delete d.table['pbx.example.com'];
    clock.advance(60_000);
    await settle();
    expect(servers.addresses).toEqual(['198.51.100.7']);
    d.table['pbx.example.com'] = ['198.51.100.8'];
    clock.advance(5_000);
    await settle();
    expect(changes).toEqual([['198.51.100.7'], ['198.51.100.8']]);
    servers.stop();
  });

  it('reads the host out of the ways a server is written in the config', () => {
    expect(['pbx.example.com:5060', 'sip:pbx.example.com;lr', '[2001:db8::1]:5080', '2001:db8::1', '192.0.2.1'].map(hostOf)).toEqual([
      'pbx.example.com',
      'pbx.example.com',
      '2001:db8::1',
      '2001:db8::1',
      '192.0.2.1',
    ]);
  });
});
