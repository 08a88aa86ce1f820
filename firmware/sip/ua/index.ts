/**
 * The UA core and the SipStack facade.
 *
 * How the phone uses it (firmware/main.ts builds, firmware/phone drives):
 *
 *   const sip = await SipStack.create(config, { clock: new SystemClock(), log: logging.for('sip') });
 *   sip.onRegistration(({ accountId, status }) => screen.showLine(accountId, status.state));
 *   sip.start();                       // every account with register !== false registers
 *   ...
 *   await sip.stop();                  // REGISTER expires=0 (bounded wait), sockets closed
 *
 * Usages that come later (issue 5: INVITE sessions, SUBSCRIBE/NOTIFY, REFER) attach here:
 * - `sip.setHandler('INVITE', (incoming) => ...)` for out-of-dialog requests; the handler answers with
 *   `incoming.respond(status, { contact, body, contentType })` and learns of a CANCEL through
 *   `incoming.onCancel(...)` (without a listener the core answers 487 itself).
 * - `sip.core.dialogs.add(usage)` with a `DialogUsage` ({ dialog, onRequest, onAck }) to receive requests
 *   inside the dialog; the core answers 481 for unknown dialogs and 500 for out-of-order CSeq (§12.2.2).
 * - `sip.core.sendRequest(request, { onResponse(response, origin) })` to send (Via, Max-Forwards, RFC 3263
 *   location and failover are added; `onTransaction` hands back the transaction), `sip.core.transactions.sendCancel(inviteTx, user)` for CANCEL and
 *   `sip.core.sendAck(ack)` for the ACK of a 2xx; `Dialog.asUac/asUas` build the dialog from the messages.
 */
export { UserAgentCore } from './ua-core.js';
export type { DialogAdopter, DialogUsage, RequestHandler, SendRequestOptions, SipLog, UserAgentCoreOptions } from './ua-core.js';
export { IncomingRequest } from './incoming-request.js';
export { SipStack } from './sip-stack.js';
export type { AddressChangeEvent, RegistrationEvent, SipStackDeps } from './sip-stack.js';
export { observeNat, type NatObservation } from './nat.js';
export { SourceAddresses, type SourceChange, type SourceProbe } from './source-addresses.js';
export type { SipAccountConfig, SipStackConfig, SipTlsConfig, TransportName } from './config.js';
export { stampTopVia, responseTarget } from './rport.js';
export { checkMethod, checkRequire, checkUriScheme } from './request-checks.js';
export type { Rejection } from './request-checks.js';
