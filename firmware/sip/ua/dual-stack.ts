import type { Transport } from '../transport/index.js';

/**
 * Opens one transport per address family on the same port: 0.0.0.0 for IPv4 and
 * [::] (IPv6 only) for IPv6.
 *
 * Why two sockets and not one dual-stack [::] socket: a dual-stack socket reports
 * IPv4 peers as ::ffff:a.b.c.d, and such an address in Via sent-by, Contact or
 * SDP c= is read by the other side as IPv6 (RFC 4291 §2.5.5.2 mapped addresses
 * are not meant for the wire). With one socket per family every message leaves
 * by the socket of its destination's family and carries a plain address of that
 * family: `IN IP4 a.b.c.d` or `IN IP6 x::y` (RFC 4566 §5.7, RFC 6157 §3), Via
 * and Contact with the IPv6 reference in brackets (RFC 3261 §19.1.1, §25.1).
 *
 * The same port for both families keeps one "SIP port" for the user, the
 * `listening` line and firewall rules. A host without IPv6 still gets a phone:
 * the IPv6 socket is left out, never the IPv4 one.
 */
export interface DualStackLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** Opens a transport of one protocol bound to `address:port` (0 picks a free port). */
export type OpenTransport = (address: string, port: number) => Promise<Transport>;

/** Errors that mean the host has no usable IPv6 (no stack, or no address on it). */
const NO_IPV6 = new Set(['EAFNOSUPPORT', 'EADDRNOTAVAIL', 'EPROTONOSUPPORT', 'EINVAL']);

/** A port picked by the kernel for IPv4 may be taken for IPv6 by someone else: try another this many times. */
const PORT_ATTEMPTS = 8;

export async function openDualStack(protocol: string, open: OpenTransport, port: number, log?: DualStackLog): Promise<Transport[]> {
  for (let attempt = 1; ; attempt++) {
    const v4 = await open('0.0.0.0', port);
    try {
      const v6 = await open('::', v4.local.port);
      return [v4, v6];
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (NO_IPV6.has(code)) {
        log?.info({ protocol, code }, 'sip: no IPv6 on this host; listening on IPv4 only');
        return [v4];
      }
      if (code === 'EADDRINUSE' && port === 0 && attempt < PORT_ATTEMPTS) {
        // The port was the kernel's choice: pick another pair rather than listen on one family only.
        await v4.close();
        continue;
      }
      if (code === 'EADDRINUSE') {
        // A fixed port held on IPv6 by another program: the phone still works over IPv4 (issue 2: keep running).
        log?.warn({ protocol, port: v4.local.port, code }, 'sip: the IPv6 port is taken; listening on IPv4 only');
        return [v4];
      }
      await v4.close();
      throw err;
    }
  }
}
