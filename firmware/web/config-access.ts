import { formatPath, KeyPathError, parseKeyPath as parseConfigKeyPath, type ConfigError, type KeyPath } from '../config/index.js';
import { WebError } from './web-error.js';

export { ConfigAccess, maskSecrets, SECRET_MASK, type ConfigChange, type KeyPath } from '../config/index.js';

/** A key path from a request: a malformed one is the client's mistake (400). */
export function parseKeyPath(text: string): KeyPath {
  try {
    return parseConfigKeyPath(text);
  } catch (err) {
    if (err instanceof KeyPathError) throw new WebError(400, 'BAD_KEY_PATH', err.message);
    throw err;
  }
}

/** A ConfigError as an API error: 400 with every issue and its key path. */
export function configRefusal(err: ConfigError, path?: KeyPath): WebError {
  const where = path ? ` (${formatPath(path)})` : '';
  return new WebError(400, 'CONFIG_INVALID', `the configuration was not changed${where}: ${err.issues.map((i) => `${i.path || '(file)'}: ${i.message}`).join('; ')}`, {
    issues: err.issues.map(({ path: p, message }) => ({ path: p, message })),
  });
}
