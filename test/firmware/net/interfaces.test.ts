import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../support/fake-clock.js';
import { InterfaceWatcher, diffInterfaces, onLinkAddress, snapshotInterfaces, type InterfaceAddress } from '../../../firmware/net/index.js';

const v4 = (address: string, netmask: string, internal = false): NetworkInterfaceInfo =>
  ({ address, netmask, family: 'IPv4', mac: '02:00:00:00:00:01', internal, cidr: null }) as NetworkInterfaceInfo;
const v6 = (address: string, prefix: number): NetworkInterfaceInfo =>
  ({ address, netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '02:00:00:00:00:01', internal: false, cidr: `${address}/${prefix}`, scopeid: 0 }) as NetworkInterfaceInfo;

const entry = (name: string, address: string, prefix: number, family: 4 | 6 = 4): InterfaceAddress => ({ name, address, family, prefix, internal: false });

describe('interface snapshots', () => {
  it('flattens os.networkInterfaces(), takes prefixes from netmask or CIDR and leaves IPv6 link-local out', () => {
    const snap = snapshotInterfaces({
      lo: [v4('127.0.0.1', '255.0.0.0', true)],
      eth0: [v4('192.168.1.10', '255.255.255.0'), v6('2001:db8:1::10', 64), v6('fe80::1', 64)],
    });
    expect(snap).toEqual([
      { name: 'eth0', address: '192.168.1.10', family: 4, prefix: 24, internal: false },
      { name: 'eth0', address: '2001:db8:1::10', family: 6, prefix: 64, internal: false },
      { name: 'lo', address: '127.0.0.1', family: 4, prefix: 8, internal: true },
    ]);
  });

  it('reports an address that went away and one that came, and a changed netmask as both', () => {
    const before = [entry('eth0', '192.168.1.10', 24), entry('tun0', '10.8.0.2', 24)];
    const after = [entry('eth0', '192.168.1.20', 24), entry('tun0', '10.8.0.2', 16)];
    expect(diffInterfaces(before, after)).toEqual([
      { kind: 'removed', entry: entry('eth0', '192.168.1.10', 24) },
      { kind: 'removed', entry: entry('tun0', '10.8.0.2', 24) },
      { kind: 'added', entry: entry('eth0', '192.168.1.20', 24) },
      { kind: 'added', entry: entry('tun0', '10.8.0.2', 16) },
    ]);
    expect(diffInterfaces(before, [...before])).toEqual([]);
  });

  it('picks the address on the destination’s own subnet, the longest prefix winning, and none for an off-link host', () => {
    const list = [entry('eth0', '192.168.1.10', 24), entry('vpn0', '10.8.0.2', 8), entry('lab0', '10.8.5.2', 24), entry('eth0', '2001:db8:1::10', 64, 6)];
    expect(onLinkAddress('192.168.1.77', list)).toBe('192.168.1.10');
    expect(onLinkAddress('10.8.5.9', list)).toBe('10.8.5.2');
    expect(onLinkAddress('10.9.0.1', list)).toBe('10.8.0.2');
    expect(onLinkAddress('2001:db8:1::99', list)).toBe('2001:db8:1::10');
    expect(onLinkAddress('2001:db8:2::99', list)).toBeUndefined();
    expect(onLinkAddress('203.0.113.5', list)).toBeUndefined();
    expect(onLinkAddress('pbx.example.com', list)).toBeUndefined();
  });
});

describe('InterfaceWatcher', () => {
  function watcher(initial: InterfaceAddress[]) {
    const clock = new FakeClock();
    let table = initial;
    let failing = false;
    const w = new InterfaceWatcher({
      clock,
      intervalMs: 2000,
      read: () => {
        if (failing) throw new Error('netlink hiccup');
        return table;
      },
    });
    const seen: string[][] = [];
    w.onChange((changes) => seen.push(changes.map((c) => `${c.kind} ${c.entry.address}`)));
    return {
      clock,
      w,
      seen,
      set: (t: InterfaceAddress[]) => (table = t),
      fail: (f: boolean) => (failing = f),
    };
  }

  it('says nothing about the first snapshot and reports a change at the next poll, once', () => {
    const t = watcher([entry('eth0', '192.168.1.10', 24)]);
    t.w.start();
    t.clock.advance(2000);
    expect(t.seen).toEqual([]);
    t.set([entry('eth0', '192.168.1.20', 24)]);
    t.clock.advance(1999);
    expect(t.seen).toEqual([]);
    t.clock.advance(1);
    expect(t.seen).toEqual([['removed 192.168.1.10', 'added 192.168.1.20']]);
    t.clock.advance(10_000);
    expect(t.seen).toHaveLength(1);
  });

  it('skips a read that fails and compares the next one with the last good snapshot', () => {
    const t = watcher([entry('eth0', '192.168.1.10', 24)]);
    t.w.start();
    t.fail(true);
    t.clock.advance(2000);
    t.set([]);
    t.fail(false);
    t.clock.advance(2000);
    expect(t.seen).toEqual([['removed 192.168.1.10']]);
  });

  it('stops polling when stopped', () => {
    const t = watcher([entry('eth0', '192.168.1.10', 24)]);
    t.w.start();
    t.w.stop();
    t.set([]);
    t.clock.advance(60_000);
    expect(t.seen).toEqual([]);
    expect(t.clock.pendingTimers).toBe(0);
  });
});
