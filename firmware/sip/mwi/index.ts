/**
 * Message waiting (RFC 3842). How main.ts uses it:
 *
 *   const from = new NotifySourcePolicy({ log });   // unsolicited NOTIFYs only from these (resolved) addresses
 *   from.setTrusted(registrarAndProxyAddresses);
 *   const mwi = startMwi(sip, config.accounts, { clock, log: logging.for('mwi'), unsolicitedFrom: from });   // after sip.start()
 *   mwi.onChange(({ accountId, waiting, newVoice }) => { led.set(waiting); phone.updateIdle({ voicemail: newVoice }); });
 *   ...
 *   await mwi.stop();   // unsubscribes (Expires: 0), before sip.stop()
 */
export { MwiClient, MESSAGE_SUMMARY_EVENT } from './mwi-client.js';
export type { MwiAccount, MwiClientOptions, MwiListener, MwiStatus } from './mwi-client.js';
export { startMwi } from './start-mwi.js';
export { NotifySourcePolicy } from './notify-source-policy.js';
export type { NotifySourcePolicyOptions } from './notify-source-policy.js';
export type { MwiDeps, MwiHandle } from './start-mwi.js';
export { MESSAGE_SUMMARY_TYPE, MwiParseError, parseMessageSummary, voiceCounts } from './message-summary.js';
export type { MessageCounts, MessageSummary } from './message-summary.js';
