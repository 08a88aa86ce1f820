import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import { DeskphoneError } from '../errors.js';

/** No route to a destination: the phone has no interface that reaches it (cable out, address gone). */
export class NoRouteError extends DeskphoneError {
  constructor(
    readonly destination: string,
    cause?: unknown,
  ) {
    super('NET_NO_ROUTE', `no route to ${destination}`, { cause });
  }
}

/**
 * The local address the kernel would send from toward `destination`: connect a UDP socket (which sends
 * nothing, it only runs the route lookup and source address selection — RFC 6724 for IPv6) and read its
 * address. This is the address of the interface a packet to that host actually leaves by.
 */
export function probeSourceAddress(destination: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(isIPv6(destination) ? 'udp6' : 'udp4');
    const fail = (err: unknown) => {
      socket.close();
      reject(new NoRouteError(destination, err));
    };
    socket.once('error', fail);
    try {
      // Port 9 (discard): any port works, connect() on UDP only picks the route.
      socket.connect(9, destination, () => {
        try {
          const address = socket.address().address;
          socket.close();
          resolve(address);
        } catch (err) {
          fail(err);
        }
      });
    } catch (err) {
      fail(err);
    }
  });
}
