import { describe, expect, it } from 'vitest';
import { rtpBindAddress } from '../../../../firmware/media/stream/bind-address.js';

// The phone opens its RTP socket on "any address"; an IPv4 any-address socket
// cannot send to an IPv6 peer, so the call over IPv6 had one-way audio (found by
// test/interop/ipv6.test.ts: baresip on [::1] received nothing). The socket's
// family follows the peer's c= address (RFC 4566 §5.7, RFC 6157 §3.2).

describe('rtpBindAddress: the RTP socket is of the remote address’s family', () => {
  it('0.0.0.0 toward an IPv6 peer binds ::', () => {
    expect(rtpBindAddress('0.0.0.0', '::1')).toBe('::');
    expect(rtpBindAddress('0.0.0.0', '2001:db8::20')).toBe('::');
  });

  it('0.0.0.0 toward an IPv4 peer stays 0.0.0.0', () => {
    expect(rtpBindAddress('0.0.0.0', '192.0.2.20')).toBe('0.0.0.0');
  });

  it(':: toward an IPv4 peer binds 0.0.0.0 (an IPv6 socket would send from a mapped address, or not at all)', () => {
    expect(rtpBindAddress('::', '192.0.2.20')).toBe('0.0.0.0');
  });

  it('a specific local address is kept as given, whatever the peer', () => {
    expect(rtpBindAddress('127.0.0.1', '127.0.0.1')).toBe('127.0.0.1');
    expect(rtpBindAddress('2001:db8::10', '2001:db8::20')).toBe('2001:db8::10');
    expect(rtpBindAddress('192.0.2.10', '2001:db8::20')).toBe('192.0.2.10');
  });

  it('a peer named by host name (RFC 4566 §5.7 allows an FQDN in c=) leaves the address as given', () => {
    expect(rtpBindAddress('0.0.0.0', 'media.example.com')).toBe('0.0.0.0');
  });
});
