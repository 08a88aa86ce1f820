import type { SipLog } from '../ua/index.js';
import type { Call } from './call.js';

/**
 * After the phone's address changed (issue 5 point 11): every call in progress whose SDP names an address
 * that is no longer the one toward its peer gets a re-INVITE with a new offer — the new c= and o= address,
 * the same o= session id with the version one higher (RFC 3264 §8: "the version ... MUST be incremented
 * by one") — and our new Contact, which is a target refresh for the dialog (RFC 3261 §12.2: the remote
 * target is updated from the Contact of a target refresh request). Calls still ringing are left alone:
 * their 200 is built later and carries the new address anyway.
 *
 * Returns the calls re-offered.
 */
export function readdressCalls(calls: Iterable<Call>, addressFor: (call: Call) => string | undefined, log?: SipLog): Call[] {
  const moved: Call[] = [];
  for (const call of calls) {
    if (call.state !== 'active') continue;
    const address = addressFor(call);
    const before = call.sdp.localAddress;
    if (address === undefined || address === before) continue;
    try {
      call.renegotiate({ address });
      moved.push(call);
      log?.info({ callId: call.callId, before, after: address }, 'call: address changed; re-INVITE with the new address');
    } catch (err) {
      log?.warn({ err, callId: call.callId }, 'call: could not re-offer after an address change');
    }
  }
  return moved;
}
