import { describe, expect, it } from 'vitest';
import { SourceAddresses } from '../../../../firmware/sip/ua/index.js';

/** A routing table as the kernel would answer it: destination → source address (a Map is mutable, as routes are). */
function table(routes: Record<string, string>) {
  const map = new Map(Object.entries(routes));
  const asked: string[] = [];
  const probe = (destination: string) => {
    asked.push(destination);
    const source = map.get(destination);
    return source === undefined ? Promise.reject(new Error(`ENETUNREACH ${destination}`)) : Promise.resolve(source);
  };
  return { map, asked, probe };
}

describe('source addresses (issue 5 point 11)', () => {
  it('asks the kernel once per destination, even for requests racing to the same one', async () => {
    const t = table({ '192.0.2.1': '192.168.1.10', '10.20.0.1': '10.8.0.2' });
    const s = new SourceAddresses(t.probe);
    const [a, b] = await Promise.all([s.resolve('192.0.2.1'), s.resolve('192.0.2.1')]);
    expect([a, b]).toEqual(['192.168.1.10', '192.168.1.10']);
    expect(await s.resolve('10.20.0.1')).toBe('10.8.0.2');
    expect(await s.resolve('192.0.2.1')).toBe('192.168.1.10');
    expect(t.asked).toEqual(['192.0.2.1', '10.20.0.1']);
    expect(s.cached('192.0.2.1')).toBe('192.168.1.10');
    expect(s.inUse()).toEqual(new Map([['192.168.1.10', ['192.0.2.1']], ['10.8.0.2', ['10.20.0.1']]]));
  });

  it('treats a v4-mapped or bracketed destination as the plain address', async () => {
    const t = table({ '192.0.2.1': '192.168.1.10', '2001:db8::1': '2001:db8::10' });
    const s = new SourceAddresses(t.probe);
    expect(await s.resolve('::ffff:192.0.2.1')).toBe('192.168.1.10');
    expect(await s.resolve('[2001:db8::1]')).toBe('2001:db8::10');
  });

  it('never hands out the unspecified address, and does not remember a failed probe', async () => {
    const t = table({ '192.0.2.1': '0.0.0.0' });
    const s = new SourceAddresses(t.probe);
    await expect(s.resolve('192.0.2.1')).rejects.toThrow(/no source address/);
    await expect(s.resolve('198.51.100.1')).rejects.toThrow(/ENETUNREACH/);
    t.map.set('198.51.100.1', '192.168.1.10');
    expect(await s.resolve('198.51.100.1')).toBe('192.168.1.10');
  });

  it('reports the routes whose source changed or vanished when asked again, and keeps the unchanged ones', async () => {
    const t = table({ '192.0.2.1': '192.168.1.10', '10.20.0.1': '10.8.0.2', '198.51.100.9': '192.168.1.10' });
    const s = new SourceAddresses(t.probe);
    await Promise.all(['192.0.2.1', '10.20.0.1', '198.51.100.9'].map((d) => s.resolve(d)));
    t.map.set('192.0.2.1', '192.168.1.20');
    t.map.set('198.51.100.9', '192.168.1.20');
    t.map.delete('10.20.0.1');
    const changes = await s.recheck();
    expect(changes).toEqual([
      { destination: '192.0.2.1', before: '192.168.1.10', after: '192.168.1.20' },
      { destination: '10.20.0.1', before: '10.8.0.2', after: undefined },
      { destination: '198.51.100.9', before: '192.168.1.10', after: '192.168.1.20' },
    ]);
    expect(s.cached('192.0.2.1')).toBe('192.168.1.20');
    expect(s.cached('10.20.0.1')).toBeUndefined();
    expect(await s.recheck()).toEqual([]);
    expect(s.latest).toBe('192.168.1.20');
  });

  it('remembers a destination whose route vanished and reports it again when it comes back from another address', async () => {
    const t = table({ '192.0.2.1': '192.168.1.10' });
    const s = new SourceAddresses(t.probe);
    await s.resolve('192.0.2.1');
    t.map.delete('192.0.2.1');
    expect(await s.recheck()).toEqual([{ destination: '192.0.2.1', before: '192.168.1.10', after: undefined }]);
    expect(await s.recheck()).toEqual([]);
    t.map.set('192.0.2.1', '192.168.1.20');
    expect(await s.recheck()).toEqual([{ destination: '192.0.2.1', before: '192.168.1.10', after: '192.168.1.20' }]);
    expect(s.cached('192.0.2.1')).toBe('192.168.1.20');
    expect(await s.recheck()).toEqual([]);
  });

  it('says nothing when a lost route comes back with the address it had (a cable out and in again)', async () => {
    const t = table({ '192.0.2.1': '192.168.1.10' });
    const s = new SourceAddresses(t.probe);
    await s.resolve('192.0.2.1');
    t.map.delete('192.0.2.1');
    await s.recheck();
    t.map.set('192.0.2.1', '192.168.1.10');
    expect(await s.recheck()).toEqual([]);
    expect(s.cached('192.0.2.1')).toBe('192.168.1.10');
  });

  it('remembers a bounded number of destinations, forgetting the least recently learned (a scanner cannot grow it)', async () => {
    const probe = (d: string) => Promise.resolve(d.startsWith('10.') ? '10.8.0.2' : '192.168.1.10');
    const s = new SourceAddresses(probe, 3);
    for (const d of ['192.0.2.1', '198.51.100.1', '198.51.100.2', '198.51.100.3']) await s.resolve(d);
    expect(s.cached('192.0.2.1')).toBeUndefined();
    expect(s.cached('198.51.100.3')).toBe('192.168.1.10');
    expect([...s.inUse().values()].flat()).toHaveLength(3);
  });
});
