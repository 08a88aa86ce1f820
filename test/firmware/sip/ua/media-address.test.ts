import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../support/fake-clock.js';
import { SipStack } from '../../../../firmware/sip/index.js';
import type { InterfaceAddress } from '../../../../firmware/net/index.js';

// The SDP connection address of a call (RFC 4566 §5.7, issue 5 point 11): the interface toward the call's
// signalling peer. The stack here opens no sockets (no transports); routes and interfaces are tables.

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

const INTERFACES: InterfaceAddress[] = [
  { name: 'lo', address: '127.0.0.1', family: 4, prefix: 8, internal: true },
  { name: 'vpn0', address: '10.8.0.2', family: 4, prefix: 24, internal: false },
  { name: 'eth0', address: '192.168.1.10', family: 4, prefix: 24, internal: false },
];

async function stack(routes: Record<string, string>, config: { bindAddress?: string; advertisedAddress?: string } = {}) {
  const probed: string[] = [];
  const s = await SipStack.create(
    { bindAddress: config.bindAddress ?? '0.0.0.0', ...(config.advertisedAddress ? { advertisedAddress: config.advertisedAddress } : {}), transports: [], accounts: [] },
    {
      clock: new FakeClock(),
      readInterfaces: () => INTERFACES,
      probeSourceAddress: (d) => {
        probed.push(d);
        return routes[d] ? Promise.resolve(routes[d]) : Promise.reject(new Error('ENETUNREACH'));
      },
    },
  );
  cleanup.push(() => s.stop(0));
  return { s, probed };
}

describe('the SDP address of a call', () => {
  it('is the source toward the peer once the kernel was asked', async () => {
    const { s } = await stack({ '203.0.113.9': '10.8.0.2' });
    await s.core.resolveSourceAddress('203.0.113.9');
    expect(s.mediaAddressFor('203.0.113.9')).toBe('10.8.0.2');
    expect(s.routedMediaAddressFor('203.0.113.9')).toBe('10.8.0.2');
  });

  it('is the on-link interface for a peer on a local subnet before any route is known, and learns the route for next time', async () => {
    const { s, probed } = await stack({ '192.168.1.77': '192.168.1.10' });
    expect(s.mediaAddressFor('192.168.1.77')).toBe('192.168.1.10');
    expect(s.mediaAddressFor('10.8.0.9')).toBe('10.8.0.2');
    await new Promise((r) => setImmediate(r));
    expect(probed).toContain('192.168.1.77');
    expect(s.core.sourceAddressToward('192.168.1.77')).toBe('192.168.1.10');
  });

  it('falls back to the address the registrar is reached from for an unknown off-link peer or a host name', async () => {
    const { s } = await stack({ '192.0.2.1': '192.168.1.10' });
    await s.core.resolveSourceAddress('192.0.2.1');
    expect(s.mediaAddressFor('198.51.100.50')).toBe('192.168.1.10');
    expect(s.mediaAddressFor('pbx.example.com')).toBe('192.168.1.10');
    expect(s.mediaAddressFor(undefined)).toBe('192.168.1.10');
    // …but after an address change only a known route counts: a re-INVITE toward no route would only fail.
    expect(s.routedMediaAddressFor('198.51.100.50')).toBeUndefined();
  });

  it('is the loopback address for a peer on loopback, and never 0.0.0.0', async () => {
    const { s } = await stack({});
    expect(s.mediaAddressFor('127.0.0.1')).toBe('127.0.0.1');
    expect(s.mediaAddressFor(undefined)).toBe('10.8.0.2');
  });

  it('is the bound address of a phone bound to one address, or the configured advertised address', async () => {
    expect((await stack({}, { bindAddress: '192.168.1.10' })).s.mediaAddressFor('10.8.0.9')).toBe('192.168.1.10');
    expect((await stack({}, { advertisedAddress: '198.51.100.4' })).s.mediaAddressFor('10.8.0.9')).toBe('198.51.100.4');
  });
});
