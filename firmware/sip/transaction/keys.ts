import { BRANCH_MAGIC_COOKIE, type SipRequest, type SipResponse } from '../message/index.js';

/**
 * Transaction matching keys (RFC 3261 §17.1.3 and §17.2.3). Keys are strings
 * so the transaction table is a plain Map. All of these read parsed headers
 * and throw SipParseError when a needed one is missing or malformed; the
 * caller answers such a request statelessly with 400.
 */

/** §17.1.3: a response matches the client transaction whose branch and CSeq method it carries. */
export function clientKey(branch: string, method: string): string {
  return `c|${branch}|${method}`;
}

export function clientKeyOfResponse(response: SipResponse): string | undefined {
  const branch = response.topVia.branch;
  if (branch === undefined) return undefined;
  return clientKey(branch, response.cseq.method);
}

/**
 * §17.2.3: with an RFC 3261 branch, the key is branch + sent-by + method, where
 * an ACK matches the INVITE ("the method of the request matches the one that
 * created the transaction, except for ACK, where the method ... is INVITE").
 * Without the magic cookie, the RFC 2543 rule: Request-URI, From tag, Call-ID,
 * CSeq and top Via (To tag left out: the INVITE had none, its ACK carries ours).
 */
export function serverKey(request: SipRequest, methodOverride?: string): string {
  const method = methodOverride ?? (request.method === 'ACK' ? 'INVITE' : request.method);
  const via = request.topVia;
  const branch = via.branch;
  if (branch !== undefined && branch.startsWith(BRANCH_MAGIC_COOKIE)) {
    const port = via.port ?? (via.transport === 'TLS' ? 5061 : 5060);
    return `s|${branch}|${via.host.toLowerCase()}:${port}|${method}`;
  }
  return `s2543|${request.uri.toString()}|${request.from.tag ?? ''}|${request.callId}|${request.cseq.seq}|${method}|${via.toString()}`;
}

/** §9.2: the INVITE server transaction a CANCEL cancels is found "using the procedures described in Section 17.2.3", as if the CANCEL were the INVITE. */
export function cancelTargetKey(cancel: SipRequest): string {
  return serverKey(cancel, 'INVITE');
}

/**
 * §8.2.2.2 merged requests: no To tag, and From tag, Call-ID and CSeq equal to
 * a request already being served through another transaction (a forked request
 * arriving twice by different paths).
 */
export function mergeKey(request: SipRequest): string | undefined {
  if (request.to.tag !== undefined) return undefined;
  return `${request.from.tag ?? ''}|${request.callId}|${request.cseq.seq}|${request.cseq.method}`;
}
