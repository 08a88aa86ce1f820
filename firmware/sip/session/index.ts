/**
 * Calls (issue 5): INVITE sessions (RFC 3261 §13–§15) on the UA core, with
 * offer/answer from ../sdp, hold (RFC 3264 §8.4), glare back-off (§14.1),
 * 100rel (RFC 3262), UPDATE (RFC 3311), session timers (RFC 4028) and DTMF by
 * INFO.
 *
 * - `CallManager(core, { clock }, { localMedia, accountFor? })`: `call(target, account) → Call`,
 *   `onIncoming(call => …)`.
 * - `Call`: `answer()`, `reject(status)`, `hangup()`, `hold()`, `resume()`, `sendDtmfInfo(digit)`,
 *   `renegotiate()`; events `state`, `progress`, `media` (NegotiatedMedia for the media stream),
 *   `hold`, `dtmf`, `ended` (reason in words).
 */
export { Call, CallError, type CallAccount, type CallContext, type CallDirection, type CallEvents, type CallState } from './call.js';
export { CallManager, callAccount, targetUri, type CallManagerDeps, type CallManagerOptions } from './call-manager.js';
export { statusWords, rejectedBy, type CallEndReason } from './call-outcome.js';
export { glareBackoffMs } from './glare.js';
export { DTMF_RELAY, formatDtmfRelay, parseDtmfInfo, isDtmfDigit, type DtmfInfo } from './dtmf-info.js';
export {
  DEFAULT_SESSION_TIMER,
  MIN_SE_FLOOR,
  readSessionExpires,
  formatSessionExpires,
  readMinSE,
  refreshDelayMs,
  expiryDelayMs,
  type Refresher,
  type SessionExpires,
  type SessionTimerConfig,
} from './session-timer.js';
export { readRSeq, readRAck, formatRAck, type RAck } from './reliable-provisional.js';
export { ResponseRetransmitter } from './response-retransmitter.js';
export { SessionRefresh, type SessionRefreshActions } from './session-refresh.js';
export { readdressCalls } from './readdress.js';
