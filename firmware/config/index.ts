export { configSchema, accountSchema, TRANSPORTS, CODECS, TONE_REGIONS, SECRET_KEYS } from './schema.js';
export type { Config, ConfigInput, AccountConfig } from './schema.js';
export { validateConfig, describeValue } from './validate.js';
export { ConfigError, formatIssue, formatPath, type ConfigIssue } from './config-error.js';
export { loadConfigFile, parseConfigText, updateConfigFile, type LoadedConfig } from './load.js';
export { writeFileAtomic, JsonStore } from './atomic-store.js';
export { didYouMean, editDistance } from './did-you-mean.js';
export { ConfigAccess, KeyPathError, parseKeyPath, maskSecrets, SECRET_MASK, type ConfigChange, type KeyPath } from './config-access.js';
export { hashPassword, verifyPassword, isPasswordHash, constantTimeEqual, DEFAULT_SCRYPT_COST, type ScryptCost } from './admin-password.js';
