import { describe, expect, it } from 'vitest';
import { ServerLocator, ServerLocationError, orderSrv, type DnsResolver, type NaptrRecord, type SrvRecord } from '../../../../firmware/sip/dns/index.js';

/** A zone as data: the resolver answers from it and records every query, like a stub DNS server. */
function zone(records: { naptr?: Record<string, NaptrRecord[]>; srv?: Record<string, SrvRecord[]>; a?: Record<string, string[]>; aaaa?: Record<string, string[]> }) {
  const queries: string[] = [];
  const answer = <T>(type: string, table: Record<string, T[]> | undefined, name: string): Promise<T[]> => {
    queries.push(`${type} ${name}`);
    const hit = table?.[name];
    if (hit) return Promise.resolve(hit);
    return Promise.reject(Object.assign(new Error(`${type} ${name}: ENODATA`), { code: 'ENODATA' }));
  };
  const resolver: DnsResolver = {
    resolveNaptr: (n) => answer('NAPTR', records.naptr, n),
    resolveSrv: (n) => answer('SRV', records.srv, n),
    resolve4: (n) => answer('A', records.a, n),
    resolve6: (n) => answer('AAAA', records.aaaa, n),
  };
  return { resolver, queries };
}

const naptr = (order: number, preference: number, service: string, replacement: string): NaptrRecord => ({ order, preference, service, replacement, flags: 's', regexp: '' });
const srv = (priority: number, weight: number, port: number, name: string): SrvRecord => ({ priority, weight, port, name });

describe('ServerLocator (RFC 3263 §4)', () => {
  it('follows NAPTR in order/preference, then SRV, then A, keeping only transports the phone has', async () => {
    const { resolver } = zone({
      naptr: {
        'pbx.example': [naptr(50, 50, 'SIP+D2U', '_sip._udp.pbx.example'), naptr(10, 50, 'SIPS+D2T', '_sips._tcp.pbx.example'), naptr(20, 10, 'SIP+D2T', '_sip._tcp.pbx.example')],
      },
      srv: {
        '_sips._tcp.pbx.example': [srv(0, 0, 5061, 'tls.pbx.example')],
        '_sip._tcp.pbx.example': [srv(0, 0, 5060, 'tcp.pbx.example')],
        '_sip._udp.pbx.example': [srv(0, 0, 5060, 'udp.pbx.example')],
      },
      a: { 'tls.pbx.example': ['192.0.2.1'], 'tcp.pbx.example': ['192.0.2.2'], 'udp.pbx.example': ['192.0.2.3'] },
    });
    const targets = await new ServerLocator({ resolver, transports: ['UDP', 'TCP'] }).locate({ host: 'pbx.example' });
    expect(targets).toEqual([
      { protocol: 'TCP', address: '192.0.2.2', port: 5060, serverName: 'pbx.example' },
      { protocol: 'UDP', address: '192.0.2.3', port: 5060, serverName: 'pbx.example' },
    ]);
  });

  it('queries SRV for each supported transport when there is no NAPTR', async () => {
    const { resolver, queries } = zone({
      srv: { '_sip._udp.pbx.example': [srv(10, 0, 5080, 'a.pbx.example'), srv(5, 0, 5090, 'b.pbx.example')] },
      a: { 'a.pbx.example': ['192.0.2.10'], 'b.pbx.example': ['192.0.2.11'] },
      aaaa: { 'b.pbx.example': ['2001:db8::11'] },
    });
    const targets = await new ServerLocator({ resolver, transports: ['UDP', 'TCP'] }).locate({ host: 'pbx.example' });
    expect(targets.map((t) => `${t.protocol} ${t.address} ${t.port}`)).toEqual([
      'UDP 192.0.2.11 5090',
      'UDP 2001:db8::11 5090',
      'UDP 192.0.2.10 5080',
    ]);
    expect(queries).toContain('SRV _sip._tcp.pbx.example');
  });

  it('falls back to A records on the default port when there is no NAPTR or SRV', async () => {
    const { resolver } = zone({ a: { 'pbx.example': ['192.0.2.7'] } });
    const locator = new ServerLocator({ resolver, transports: ['UDP', 'TCP', 'TLS'] });
    expect(await locator.locate({ host: 'pbx.example' })).toEqual([{ protocol: 'UDP', address: '192.0.2.7', port: 5060, serverName: 'pbx.example' }]);
    expect(await locator.locate({ host: 'pbx.example', secure: true })).toEqual([{ protocol: 'TLS', address: '192.0.2.7', port: 5061, serverName: 'pbx.example' }]);
  });

  it('uses A/AAAA only when the URI has a port, and nothing at all for an IP literal', async () => {
    const { resolver, queries } = zone({ a: { 'pbx.example': ['192.0.2.7'] } });
    const locator = new ServerLocator({ resolver, transports: ['UDP', 'TCP'] });
    expect(await locator.locate({ host: 'pbx.example', port: 5070, transport: 'tcp' })).toEqual([{ protocol: 'TCP', address: '192.0.2.7', port: 5070, serverName: 'pbx.example' }]);
    expect(queries).toEqual(['A pbx.example', 'AAAA pbx.example']);
    expect(await locator.locate({ host: '[2001:db8::1]' })).toEqual([{ protocol: 'UDP', address: '2001:db8::1', port: 5060, serverName: '2001:db8::1' }]);
    expect(queries).toHaveLength(2);
  });

  it('refuses a transport the phone has not enabled, and a name with no records', async () => {
    const { resolver } = zone({});
    const locator = new ServerLocator({ resolver, transports: ['UDP'] });
    await expect(locator.locate({ host: '127.0.0.1', transport: 'tls' })).rejects.toBeInstanceOf(ServerLocationError);
    await expect(locator.locate({ host: 'nowhere.example' })).rejects.toThrow(/no NAPTR, SRV, A or AAAA/);
  });

  it('passes real resolver failures (not "no data") to the caller', async () => {
    const resolver: DnsResolver = {
      resolveNaptr: () => Promise.reject(Object.assign(new Error('timeout'), { code: 'ETIMEOUT' })),
      resolveSrv: () => Promise.resolve([]),
      resolve4: () => Promise.resolve([]),
      resolve6: () => Promise.resolve([]),
    };
    await expect(new ServerLocator({ resolver, transports: ['UDP'] }).locate({ host: 'pbx.example' })).rejects.toThrow('timeout');
  });
});

describe('orderSrv (RFC 2782 usage rules)', () => {
  it('orders by priority first', () => {
    const order = orderSrv([srv(20, 100, 1, 'c'), srv(10, 0, 1, 'a'), srv(15, 5, 1, 'b')], () => 0.5);
    expect(order.map((r) => r.name)).toEqual(['a', 'b', 'c']);
  });

  it('picks by weight within a priority using the running sum', () => {
    const records = [srv(10, 60, 1, 'heavy'), srv(10, 20, 1, 'light'), srv(10, 20, 1, 'other')];
    // threshold = floor(r * 101): 0.1 → 10 ≤ 60 picks heavy; 0.7 → 70 > 60 picks light.
    expect(orderSrv(records, () => 0.1)[0]!.name).toBe('heavy');
    expect(orderSrv(records, () => 0.7)[0]!.name).toBe('light');
    expect(orderSrv(records, () => 0.99)[0]!.name).toBe('other');
  });

  it('selects servers in proportion to weight over many draws', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 4000; i++) counts[orderSrv([srv(0, 75, 1, 'a'), srv(0, 25, 1, 'b')], random)[0]!.name as 'a' | 'b']++;
    expect(counts.a / 4000).toBeGreaterThan(0.7);
    expect(counts.a / 4000).toBeLessThan(0.8);
  });
});
