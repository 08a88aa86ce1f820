import { CSeq, SipHeaders, SipRequest, type SipResponse } from '../message/index.js';

/**
 * Requests the stack derives from another request, not built by a user:
 * the ACK for a non-2xx final response and CANCEL.
 */

/**
 * §17.1.1.3: the ACK for a 300–699 response to INVITE is part of the INVITE
 * transaction: same Request-URI, Call-ID, From and CSeq number, To from the
 * response (with its tag), one Via equal to the INVITE's top Via (so it has
 * the same branch), and the INVITE's Route headers.
 */
export function buildNon2xxAck(invite: SipRequest, response: SipResponse): SipRequest {
  const headers = new SipHeaders();
  const via = invite.headers.getAll('via')[0];
  if (via !== undefined) headers.append('Via', firstListValue(via));
  headers.append('Max-Forwards', 70);
  copy(invite.headers, headers, 'From');
  const to = response.headers.get('to');
  if (to !== undefined) headers.append('To', to);
  copy(invite.headers, headers, 'Call-ID');
  headers.append('CSeq', new CSeq(invite.cseq.seq, 'ACK'));
  for (const route of invite.headers.getAll('route')) headers.append('Route', route);
  headers.append('Content-Length', 0);
  return new SipRequest('ACK', invite.uri, headers);
}

/**
 * §9.1: CANCEL copies Request-URI, Call-ID, To, From and the CSeq number of
 * the request it cancels, with method CANCEL; one Via equal to the request's
 * top Via (the server matches it to the INVITE transaction by that branch,
 * §9.2) and the same Route headers.
 */
export function buildCancel(request: SipRequest): SipRequest {
  const headers = new SipHeaders();
  const via = request.headers.getAll('via')[0];
  if (via !== undefined) headers.append('Via', firstListValue(via));
  headers.append('Max-Forwards', 70);
  copy(request.headers, headers, 'From');
  copy(request.headers, headers, 'To');
  copy(request.headers, headers, 'Call-ID');
  headers.append('CSeq', new CSeq(request.cseq.seq, 'CANCEL'));
  for (const route of request.headers.getAll('route')) headers.append('Route', route);
  headers.append('Content-Length', 0);
  return new SipRequest('CANCEL', request.uri, headers);
}

function copy(from: SipHeaders, to: SipHeaders, name: string): void {
  const value = from.get(name);
  if (value !== undefined) to.append(name, value);
}

/** A Via field may hold several comma-separated values; the topmost is the first. */
function firstListValue(value: string): string {
  return value.indexOf(',') < 0 ? value : String(new SipHeaders([['Via', value]]).list('via')[0]);
}
