import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { validateConfig } from './validate.js';
import { ConfigError } from './config-error.js';
import { writeFileAtomic } from './atomic-store.js';
import type { Config } from './schema.js';

type Path = ReadonlyArray<PropertyKey>;

/**
 * A config file as it is on disk: the validated Config plus the YAML document
 * it came from, so a change made by the phone (web admin, console `config set`)
 * is written back with the admin's comments and key order intact.
 */
export interface LoadedConfig {
  config: Config;
  file: string | undefined;
  document: Document;
}

export async function loadConfigFile(file: string): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new ConfigError(file, [{ path: '', message: e.code === 'ENOENT' ? 'file not found' : `cannot read the file (${e.code ?? e.message})` }]);
  }
  return parseConfigText(text, file);
}

export function parseConfigText(text: string, file?: string): LoadedConfig {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      file,
      document.errors.map((e) => ({
        path: '',
        message: `not valid YAML: ${e.message.split('\n')[0]}`,
        line: lines.linePos(e.pos[0]).line,
      })),
    );
  }
  const data: unknown = document.toJS() ?? {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(file, [{ path: '', message: 'expected a section of key: value pairs at the top of the file' }]);
  }
  const lineOf = (path: Path): number | undefined => {
    // The deepest node that exists along the path: an unknown key's own line,
    // or a missing key's parent section.
    for (let n = path.length; n >= 0; n--) {
      const node = nodeAt(document, path.slice(0, n));
      if (node?.range) return lines.linePos(node.range[0]).line;
    }
    return undefined;
  };
  const config = validateConfig(data, { ...(file !== undefined ? { file } : {}), lineOf });
  return { config, file, document };
}

function nodeAt(document: Document, path: Path): { range?: [number, number, number] | null } | undefined {
  let node: unknown = document.contents;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(part));
      if (!pair) return undefined;
      // For the last part, point at the key (where an unknown or wrong key is written).
      node = part === path[path.length - 1] && !isMap(pair.value) && !isSeq(pair.value) ? pair.key : pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      node = node.items[part];
    } else return undefined;
  }
  return node as { range?: [number, number, number] | null } | undefined;
}

/**
 * Sets one key (e.g. `['audio', 'volumes', 'handset']`) and writes the file
 * atomically, only if the result still validates: a bad value is refused with
 * the same error `config check` would print, and the file is left untouched.
 */
export async function updateConfigFile(loaded: LoadedConfig, path: Path, value: unknown): Promise<LoadedConfig> {
  const document = loaded.document.clone();
  document.setIn(path as unknown[], value);
  const text = document.toString();
  const next = parseConfigText(text, loaded.file);
  if (loaded.file !== undefined) await writeFileAtomic(loaded.file, text);
  return next;
}
