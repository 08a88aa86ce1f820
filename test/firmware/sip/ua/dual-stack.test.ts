import { afterEach, describe, expect, it } from 'vitest';
import { networkInterfaces } from 'node:os';
import { openDualStack, type OpenTransport } from '../../../../firmware/sip/ua/dual-stack.js';
import { SipStack } from '../../../../firmware/sip/index.js';
import type { Transport } from '../../../../firmware/sip/transport/index.js';
import { FakeClock } from '../../../support/fake-clock.js';

// The phone with no bind address listens on IPv4 and on IPv6, one socket per
// family on the same port, so that a registrar or a peer at an IPv6 address is
// reachable and every message carries a plain address of its own family
// (RFC 3261 §19.1.1 and §25.1 bracketed references; RFC 4566 §5.7 c=IN IP6;
// RFC 6157 §3 IPv6 in SIP). Found by test/interop/ipv6.test.ts: a phone with an
// outbound proxy at [::1] failed every REGISTER with 503 because it had no IPv6 socket.

/** A transport that only knows where it is bound, for the opening rules. */
function fakeTransport(address: string, port: number, closed: string[]): Transport {
  return {
    protocol: 'UDP',
    reliable: false,
    local: { address, port },
    send: () => Promise.reject(new Error('not used')),
    close: async () => {
      closed.push(`${address}:${port}`);
    },
  } as unknown as Transport;
}

function errno(code: string): Error {
  return Object.assign(new Error(code), { code });
}

/** An opener whose kernel hands out `ports` in turn for port 0 and fails IPv6 binds with `v6Errors` in turn. */
function scriptedOpener(ports: number[], v6Errors: Array<string | undefined>) {
  const opened: string[] = [];
  const closed: string[] = [];
  const open: OpenTransport = async (address, port) => {
    if (address === '::') {
      const code = v6Errors.shift();
      if (code) throw errno(code);
    }
    const bound = port === 0 ? ports.shift()! : port;
    opened.push(`${address}:${bound}`);
    return fakeTransport(address, bound, closed);
  };
  return { open, opened, closed };
}

describe('openDualStack: one socket per address family on one port', () => {
  it('opens 0.0.0.0 first, then [::] on the port the kernel gave IPv4', async () => {
    const o = scriptedOpener([40000], []);
    const transports = await openDualStack('udp', o.open, 0);
    expect(transports.map((t) => `${t.local.address}:${t.local.port}`)).toEqual(['0.0.0.0:40000', ':::40000']);
  });

  it('a fixed port is used for both families', async () => {
    const o = scriptedOpener([], []);
    const transports = await openDualStack('tcp', o.open, 5060);
    expect(transports.map((t) => `${t.local.address}:${t.local.port}`)).toEqual(['0.0.0.0:5060', ':::5060']);
  });

  it.each(['EAFNOSUPPORT', 'EADDRNOTAVAIL'])('a host without IPv6 (%s) still gets an IPv4 phone, and says so', async (code) => {
    const o = scriptedOpener([40000], [code]);
    const said: string[] = [];
    const log = { info: (_: object, msg?: string) => said.push(msg ?? ''), warn: (_: object, msg?: string) => said.push(msg ?? '') };
    const transports = await openDualStack('udp', o.open, 0, log);
    expect(transports.map((t) => t.local.address)).toEqual(['0.0.0.0']);
    expect(said).toEqual(['sip: no IPv6 on this host; listening on IPv4 only']);
  });

  it('a kernel-chosen port taken on IPv6 by someone else: another port is tried, the first one released', async () => {
    const o = scriptedOpener([40000, 40002], ['EADDRINUSE']);
    const transports = await openDualStack('udp', o.open, 0);
    expect(transports.map((t) => `${t.local.address}:${t.local.port}`)).toEqual(['0.0.0.0:40002', ':::40002']);
    expect(o.closed).toEqual(['0.0.0.0:40000']);
  });

  it('a fixed port taken on IPv6 leaves the phone running on IPv4, with a warning', async () => {
    const o = scriptedOpener([], ['EADDRINUSE']);
    const warned: string[] = [];
    const transports = await openDualStack('udp', o.open, 5060, { info: () => {}, warn: (_, msg) => warned.push(msg ?? '') });
    expect(transports.map((t) => t.local.address)).toEqual(['0.0.0.0']);
    expect(warned).toEqual(['sip: the IPv6 port is taken; listening on IPv4 only']);
  });

  it('any other IPv6 failure is the caller’s, with the IPv4 socket closed (no port left held)', async () => {
    const o = scriptedOpener([40000], ['EACCES']);
    await expect(openDualStack('udp', o.open, 0)).rejects.toThrow('EACCES');
    expect(o.closed).toEqual(['0.0.0.0:40000']);
  });
});

const hasIpv6Loopback = Object.values(networkInterfaces())
  .flat()
  .some((a) => a?.family === 'IPv6' && a.address === '::1');

describe.skipIf(!hasIpv6Loopback)('SipStack without a bind address, on real sockets', () => {
  let stack: SipStack | undefined;
  afterEach(async () => {
    await stack?.stop(0);
    stack = undefined;
  });

  it('listens on UDP and TCP for IPv4 and IPv6, each protocol on one port', async () => {
    stack = await SipStack.create({ accounts: [], ports: { udp: 0, tcp: 0 }, transports: ['udp', 'tcp'] }, { clock: new FakeClock() });
    const byProtocol = (p: string) => stack!.localTransports.filter((t) => t.protocol === p);
    for (const protocol of ['UDP', 'TCP']) {
      const [v4, v6] = byProtocol(protocol);
      expect(v4?.address).toBe('0.0.0.0');
      expect(v6?.address).toBe('::');
      expect(v6?.port).toBe(v4?.port);
    }
  });

  it('a configured bind address is used alone', async () => {
    stack = await SipStack.create({ accounts: [], bindAddress: '127.0.0.1', ports: { udp: 0 }, transports: ['udp'] }, { clock: new FakeClock() });
    expect(stack.localTransports.map((t) => t.address)).toEqual(['127.0.0.1']);
  });
});
