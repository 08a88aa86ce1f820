import { isIP } from 'node:net';
import type { SipRequest, Via } from '../message/index.js';
import type { TransactionTarget } from '../transaction/index.js';
import { defaultPort, type InboundMessage, type TransportProtocol } from '../transport/index.js';

/**
 * Server-side Via processing of an incoming request (RFC 3261 §18.2.1 and
 * RFC 3581 §4): note where the request really came from in the top Via, so
 * the response finds its way back through NAT.
 *
 * - §18.2.1: "the server MUST add a 'received' parameter ... if the host portion of the 'sent-by' field
 *   contains a domain name, or if it contains an IP address that differs from the packet source address".
 * - RFC 3581 §4: "when a server ... receives a request with an rport parameter without a value, it MUST
 *   set the value of the parameter to the source port of the request", and MUST then add received too.
 */
export function stampTopVia(request: SipRequest, source: InboundMessage['remote']): void {
  const values = request.headers.getAll('via');
  if (values.length === 0) return;
  const top = request.topVia;
  let via: Via = top;
  const host = top.host.startsWith('[') ? top.host.slice(1, -1) : top.host;
  const rportRequested = top.rport === null;
  if (isIP(host) === 0 || host.toLowerCase() !== source.address.toLowerCase() || rportRequested) {
    via = via.withParam('received', source.address);
  }
  if (rportRequested) via = via.withParam('rport', String(source.port));
  if (via === top) return;
  // Only the topmost Via value changes; the rest are kept as they came.
  const rest = request.vias.slice(1);
  request.headers.set('Via', [via, ...rest]);
}

/**
 * §18.2.2 where to send responses: on a reliable transport, back over the connection the request came on; on
 * UDP to the source address (`received`) and, with rport, the source port (RFC 3581 §4), else the sent-by port.
 */
export function responseTarget(request: SipRequest, inbound: InboundMessage): TransactionTarget {
  const protocol: TransportProtocol = inbound.protocol;
  if (protocol !== 'UDP') {
    return { protocol, address: inbound.remote.address, port: inbound.remote.port, connectionId: inbound.connectionId };
  }
  const top = request.topVia;
  const port = top.rport !== undefined ? inbound.remote.port : (top.port ?? defaultPort(transportOf(top)));
  return { protocol, address: inbound.remote.address, port };
}

function transportOf(via: Via): TransportProtocol {
  return via.transport === 'TLS' ? 'TLS' : via.transport === 'TCP' ? 'TCP' : 'UDP';
}
