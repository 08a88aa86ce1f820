export { RegistrationClient, refreshDelayMs } from './registration-client.js';
export type {
  RegistrationAccount,
  RegistrationContext,
  RegistrationListener,
  RegistrationOptions,
  RegistrationState,
  RegistrationStatus,
} from './registration-client.js';
export { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
export type { BackoffOptions } from './backoff.js';
