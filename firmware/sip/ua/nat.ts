import type { SipResponse, Via } from '../message/index.js';
import type { HostPort } from '../transport/index.js';
import { normalise } from './source-addresses.js';

/** What the registrar's answer says about the path between the phone and it (RFC 3581). */
export interface NatObservation {
  /** The sent-by we wrote in our Via: the phone's own address and port. */
  local: HostPort;
  /** Where the server saw the request come from: `received` and `rport` (or our own values where absent). */
  public: HostPort;
  /** The two differ: something rewrote the source on the way (a NAT). */
  behindNat: boolean;
}

/**
 * Reads the top Via of a response to our request (RFC 3581 §4: the server "MUST set the value of the
 * [rport] parameter to the source port of the request" and adds `received` with the source IP; RFC 3261
 * §18.2.1 adds `received` whenever sent-by differs from the packet's source). When either differs from what
 * we sent, a NAT stands between us and the server, and the Contact we register must carry the public
 * address (PJSIP's contact_rewrite), or nothing sent to our Contact will reach the phone.
 *
 * Undefined when the response carries nothing to learn from (a server without RFC 3581 support and a
 * matching source) or our Via had no IP literal in it.
 */
export function observeNat(sentVia: Via, response: SipResponse): NatObservation | undefined {
  let top: Via;
  try {
    top = response.topVia;
  } catch {
    return undefined;
  }
  const localAddress = normalise(sentVia.host);
  const localPort = sentVia.port ?? 5060;
  const received = top.received;
  const rport = top.rport;
  if (received === undefined && (rport === undefined || rport === null)) return undefined;
  const publicAddress = received === undefined ? localAddress : normalise(received);
  const publicPort = typeof rport === 'number' && Number.isInteger(rport) && rport > 0 && rport < 65536 ? rport : localPort;
  return {
    local: { address: localAddress, port: localPort },
    public: { address: publicAddress, port: publicPort },
    behindNat: publicAddress !== localAddress || publicPort !== localPort,
  };
}
