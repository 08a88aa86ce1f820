/**
 * Call transfer (issue 5 point 5): REFER (RFC 3515) with message/sipfrag NOTIFY progress, Replaces
 * (RFC 3891) for attended transfer and for an INVITE that replaces one of our calls, Referred-By (RFC 3892).
 *
 * - `new CallTransfer(callManager, { clock })` once, beside the CallManager (it registers REFER and NOTIFY
 *   on the calls' dialogs, `Supported: replaces`, and looks at INVITEs with Replaces before they ring).
 * - Transferor: `transfer.blind(call, '201')`, `transfer.attended(call, consultCall)` → OutgoingTransfer with
 *   events `accepted`, `progress` ({ status, words, final } per NOTIFY) and `done` ({ succeeded, words }).
 *   On success the transferred call is hung up (option `hangupOnSuccess`).
 * - Transferee: event `referred` ({ call, target, newCall }): the new call to the target is already placed;
 *   attach its media like any outgoing call. The old call ends when the new one is answered.
 * - Target of an attended transfer: event `replaced` ({ call, replaced }): `call` is answered at once, `replaced`
 *   hung up.
 */
export { CallTransfer, OutgoingTransfer, type CallTransferEvents, type CallTransferOptions, type IncomingTransfer, type OutgoingTransferEvents, type Replacement, type TransferOutcome, type TransferProgress } from './transfer.js';
export { ReferError } from './refer-error.js';
export { parseReferTo, formatReferTo, type ReferTarget } from './refer-to.js';
export { parseReplaces, formatReplaces, replacesFor, type Replaces } from './replaces.js';
export { parseSipfrag, formatSipfrag, SIPFRAG, type SipfragStatus } from './sipfrag.js';
