export { SubscriptionClient } from './subscription-client.js';
export type {
  SubscriptionContext,
  SubscriptionNotification,
  SubscriptionNotifyListener,
  SubscriptionOptions,
  SubscriptionRequest,
  SubscriptionResource,
  SubscriptionSpec,
  SubscriptionState,
  SubscriptionStatus,
  SubscriptionStatusListener,
} from './subscription-client.js';
export { parseSubscriptionState } from './subscription-state.js';
export type { SubscriptionStateHeader, SubscriptionStateValue } from './subscription-state.js';
