import { parse as parseYamlScalar, stringify as toYaml } from 'yaml';
import type { Clock } from '../clock/index.js';
import { ConfigError, didYouMean, hashPassword, maskSecrets, parseKeyPath, verifyPassword, type ConfigAccess, type KeyPath } from '../config/index.js';
import type { MaintenanceBackend, LoginVerifier } from '../../hal/index.js';
import type { RegistrationStatus } from '../sip/index.js';

export interface MaintenanceSources {
  version: string;
  board: string;
  clock: Clock;
  startedAtMs: number;
  config: ConfigAccess;
  registrations: () => Record<string, RegistrationStatus>;
  /** Account id → what to call it and where it registers. */
  accounts: () => Array<{ id: string; name: string; registrar: string }>;
  sipPorts: () => Record<string, number>;
  calls: () => Array<{ id: string; state: string; remote: string; direction?: 'in' | 'out'; durationS?: number }>;
  logTail: (count: number) => string[];
  /** Restarts the phone (on the device systemd starts it again). */
  reboot: () => Promise<void>;
}

/**
 * What the serial maintenance console (hal/serial) asks of the phone: status,
 * registrations, calls, recent log lines, and config get/set through the same
 * ConfigAccess the web admin uses (validated, atomic, secrets masked).
 */
export function createMaintenanceBackend(src: MaintenanceSources): MaintenanceBackend {
  return {
    async status() {
      const reg = src.registrations();
      return {
        version: src.version,
        board: src.board,
        uptime: formatUptime(src.clock.now() - src.startedAtMs),
        accounts: Object.keys(reg).length,
        registered: Object.values(reg).filter((r) => r.state === 'registered').length,
        ...Object.fromEntries(Object.entries(src.sipPorts()).map(([k, v]) => [`sip ${k}`, v])),
        config: src.config.file ?? '(none: direct-IP mode, changes are not saved)',
      };
    },
    async registrations() {
      const reg = src.registrations();
      return src.accounts().map((a) => {
        const s = reg[a.id];
        return {
          account: a.name,
          state: s ? (s.reason ? `${s.state} (${s.reason})` : s.state) : 'not registering',
          registrar: a.registrar,
          ...(s?.expires !== undefined ? { expiresInS: s.expires } : {}),
        };
      });
    },
    async calls() {
      return src.calls();
    },
    async logTail(count) {
      return src.logTail(count);
    },
    async configGet(key) {
      const path = keyPath(key);
      const value = valueAt(maskSecrets(src.config.config), path);
      if (value === undefined) throw new Error(unknownKey(key, path, src.config.config));
      return typeof value === 'object' && value !== null ? toYaml(value).trimEnd() : String(value);
    },
    async configSet(key, text) {
      const path = keyPath(key);
      if (valueAt(src.config.config, path.slice(0, -1)) === undefined && path.length > 1) throw new Error(unknownKey(key, path, src.config.config));
      let value: unknown = parseYamlScalar(text);
      // The admin password is stored hashed, as the web's password page does.
      if (path.length === 2 && path[0] === 'admin' && path[1] === 'password') value = await hashPassword(String(text));
      try {
        await src.config.set(path, value);
      } catch (err) {
        if (err instanceof ConfigError) throw new Error(err.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
        throw err;
      }
    },
    reboot: src.reboot,
  };
}

/** The console's login: the config's admin user and password (none set: nobody gets in). */
export function adminLogin(config: ConfigAccess): LoginVerifier {
  return async (user, password) => {
    const admin = config.config.admin;
    const passwordOk = await verifyPassword(password, admin.password);
    return passwordOk && user === admin.user;
  };
}

function keyPath(key: string): KeyPath {
  return parseKeyPath(key.trim());
}

function valueAt(root: unknown, path: KeyPath): unknown {
  let v = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

function unknownKey(key: string, path: KeyPath, config: unknown): string {
  const parent = valueAt(config, path.slice(0, -1));
  const last = String(path[path.length - 1]);
  const guess = parent && typeof parent === 'object' ? didYouMean(last, Object.keys(parent)) : undefined;
  return `unknown key ${key}${guess ? `; did you mean ${[...path.slice(0, -1), guess].join('.')}?` : ''}`;
}

function formatUptime(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${d > 0 ? `${d}d ` : ''}${h}h ${m}m`;
}
