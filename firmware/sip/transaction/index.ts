export { TransactionLayer } from './transaction-layer.js';
export type {
  ClientTransaction,
  ServerTransaction,
  RequestDisposition,
  TransactionLayerOptions,
  TransactionTarget,
} from './transaction-layer.js';
export { ClientInviteTransaction } from './client-invite.js';
export type { ClientInviteState } from './client-invite.js';
export { ClientNonInviteTransaction } from './client-non-invite.js';
export type { ClientNonInviteState } from './client-non-invite.js';
export { ServerInviteTransaction } from './server-invite.js';
export type { ServerInviteState } from './server-invite.js';
export { ServerNonInviteTransaction } from './server-non-invite.js';
export type { ServerNonInviteState } from './server-non-invite.js';
export type { ClientTransactionUser, ServerTransactionUser, ResponseOrigin, TransactionEnv, TimerName } from './transaction.js';
export { buildNon2xxAck, buildCancel } from './derived-requests.js';
export { clientKey, serverKey, cancelTargetKey, mergeKey } from './keys.js';
