export { DigitMap, DialPlanError, type Classification } from './digit-map.js';
export { DialSession, rewriteNumber, type DialAction, type DialPlanOptions, type RewriteRule } from './dial-session.js';
export { resolveDialTarget, DialTargetError } from './dial-target.js';
