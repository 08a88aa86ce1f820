import { isIPv4, isIPv6 } from 'node:net';

/**
 * The address an RTP/RTCP socket binds for a stream toward `remote`.
 *
 * The phone asks for "any address" (0.0.0.0) and lets the kernel pick the
 * interface; but 0.0.0.0 is an IPv4 socket, which cannot send to an IPv6 peer
 * (`c=IN IP6`, RFC 4566 §5.7; RFC 6157 §3.2 a UA answers an IPv6 offer over
 * IPv6). So an unspecified address takes the family of the remote address: "::"
 * toward an IPv6 peer, "0.0.0.0" toward an IPv4 one. A specific address is the
 * caller's choice and is kept as given. A remote that is not an IP literal (an
 * FQDN in c=, RFC 4566 §5.7 allows it) leaves the address as given too.
 */
export function rtpBindAddress(local: string, remote: string): string {
  const unspecified = local === '0.0.0.0' || local === '::';
  if (!unspecified) return local;
  if (isIPv6(remote)) return '::';
  if (isIPv4(remote)) return '0.0.0.0';
  return local;
}
