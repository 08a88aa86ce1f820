import { DeskphoneError } from '../errors.js';
import { parseConfigText, updateConfigFile, type LoadedConfig } from './load.js';
import { writeFileAtomic } from './atomic-store.js';
import { SECRET_KEYS, type Config } from './schema.js';

export type KeyPath = ReadonlyArray<string | number>;

export class KeyPathError extends DeskphoneError {
  constructor(readonly text: string) {
    super('CONFIG_KEY_PATH', `"${text}" is not a config key path; write it like audio.volumes.handset or accounts[0].user`);
  }
}

/** One change from the settings form: a new value, or `undefined` to remove an optional key. */
export interface ConfigChange {
  path: KeyPath;
  value: unknown;
}

/**
 * The running phone's handle on its configuration: the current LoadedConfig and
 * the only way anything (web admin, serial console, menus) changes it. Changes
 * are queued one after another, so two editors saving at once never write a file
 * built from a stale document. Without a file (direct-IP mode with no --config)
 * changes live in memory only.
 */
export class ConfigAccess {
  private loaded: LoadedConfig;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(config: Config, paths: KeyPath[]) => void>();

  constructor(loaded: LoadedConfig) {
    this.loaded = loaded;
  }

  get config(): Config {
    return this.loaded.config;
  }

  get file(): string | undefined {
    return this.loaded.file;
  }

  /** Sets one key through updateConfigFile: validated as a whole file, written atomically, refused with ConfigError. */
  set(path: KeyPath, value: unknown): Promise<Config> {
    return this.enqueue(async () => {
      this.loaded = await updateConfigFile(this.loaded, path, value);
      this.changed([path]);
      return this.loaded.config;
    });
  }

  /**
   * Applies several keys as one edit (the settings form): either all are
   * written in one atomic file write or none is, and a refusal lists every
   * problem at once, each with its key path, so the form can mark each field.
   */
  apply(changes: readonly ConfigChange[]): Promise<Config> {
    return this.enqueue(async () => {
      if (changes.length === 0) return this.loaded.config;
      const document = this.loaded.document.clone();
      for (const { path, value } of changes) {
        if (value === undefined) {
          if (document.hasIn(path as unknown[])) document.deleteIn(path as unknown[]);
        } else document.setIn(path as unknown[], value);
      }
      const text = document.toString();
      const next = parseConfigText(text, this.loaded.file);
      if (this.loaded.file !== undefined) await writeFileAtomic(this.loaded.file, text);
      this.loaded = next;
      this.changed(changes.map((c) => c.path));
      return next.config;
    });
  }

  onChange(listener: (config: Config, paths: KeyPath[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private changed(paths: KeyPath[]): void {
    for (const l of [...this.listeners]) l(this.loaded.config, paths);
  }
}

/** `accounts[0].user` or `audio.volumes.handset` → its parts; refuses anything else with a clear message. */
export function parseKeyPath(text: string): KeyPath {
  const parts: (string | number)[] = [];
  const re = /([A-Za-z_][A-Za-z0-9_]*)|\[(\d{1,3})\]|(\.)/gy;
  let expectName = true;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length && (m = re.exec(text)) !== null) {
    if (m[1] !== undefined) {
      if (!expectName) break;
      parts.push(m[1]);
      expectName = false;
    } else if (m[2] !== undefined) {
      if (expectName) break;
      parts.push(Number(m[2]));
    } else {
      if (expectName) break;
      expectName = true;
    }
  }
  if (text === '' || re.lastIndex !== text.length || expectName) {
    throw new KeyPathError(text);
  }
  return parts;
}

export const SECRET_MASK = '********';

/** The config as it is shown (web, console): every secret replaced by a mask (or '' when none is set). */
export function maskSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEYS.has(k) && typeof v === 'string' ? (v === '' ? '' : SECRET_MASK) : maskSecrets(v);
  }
  return out as T;
}

