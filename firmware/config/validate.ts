import type * as z from 'zod';
import { configSchema, SECRET_KEYS, type Config } from './schema.js';
import { ConfigError, formatPath, type ConfigIssue } from './config-error.js';
import { didYouMean } from './did-you-mean.js';

type Path = ReadonlyArray<PropertyKey>;

/**
 * Validates a parsed config document. Returns the config with every default
 * filled in, or throws ConfigError listing every problem (not just the first):
 * an admin fixing a file wants all of them at once. `lineOf` locates a key path
 * in the source file when the caller has one (YAML keeps positions).
 */
export function validateConfig(input: unknown, options: { file?: string; lineOf?: (path: Path) => number | undefined } = {}): Config {
  const result = configSchema.safeParse(input ?? {}, { reportInput: true });
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap((issue) => describeIssue(issue, input));
  for (const issue of issues) {
    const line = options.lineOf?.(issue.pathParts);
    if (line !== undefined) issue.line = line;
  }
  issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  throw new ConfigError(
    options.file,
    issues.map(({ pathParts: _p, ...rest }) => rest),
  );
}

type LocatedIssue = ConfigIssue & { pathParts: Path };

function describeIssue(issue: z.core.$ZodIssue, root: unknown): LocatedIssue[] {
  const path = issue.path;
  const secret = SECRET_KEYS.has(String(path[path.length - 1]));
  const found = describeValue((issue as { input?: unknown }).input, secret);
  const at = (p: Path, message: string): LocatedIssue => ({ path: formatPath(p), pathParts: p, message });

  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const known = knownKeysAt(path);
        const guess = didYouMean(key, known);
        const hint = guess !== undefined ? `did you mean "${guess}"?` : `known keys here: ${known.join(', ')}`;
        return at([...path, key], `unknown key; ${hint}`);
      });
    case 'invalid_type':
      if (valueAt(root, path) === undefined) return [at(path, `required: expected ${article(issue.expected)}, but the key is missing`)];
      return [at(path, `expected ${article(issue.expected)}, found ${found}`)];
    case 'invalid_value':
      return [at(path, `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, found ${found}`)];
    case 'invalid_union': {
      const literals = unionLiterals(path);
      return [at(path, literals ? `expected one of ${literals.join(', ')}, found ${found}` : `${issue.message}, found ${found}`)];
    }
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const what =
        issue.origin === 'string'
          ? `a text of ${issue.code === 'too_small' ? 'at least' : 'at most'} ${bound} characters`
          : issue.origin === 'array'
            ? `${issue.code === 'too_small' ? 'at least' : 'at most'} ${bound} entries`
            : `a number ${issue.code === 'too_small' ? (issue.inclusive ? '≥' : '>') : issue.inclusive ? '≤' : '<'} ${bound}`;
      return [at(path, `expected ${what}, found ${found}`)];
    }
    case 'invalid_format':
      return [at(path, `expected ${issue.message.startsWith('Invalid') ? issue.format : issue.message}, found ${found}`)];
    default:
      return [at(path, `expected ${issue.message}, found ${found}`)];
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** A short, safe description of a value for an error message; secrets stay secret. */
export function describeValue(value: unknown, secret = false): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (secret) return `a ${typeof value} (value hidden)`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'a section (key: value pairs)';
  return typeof value;
}

function valueAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

interface SchemaDef {
  type: string;
  shape?: Record<string, { _zod: { def: SchemaDef } }>;
  innerType?: { _zod: { def: SchemaDef } };
  element?: { _zod: { def: SchemaDef } };
  in?: { _zod: { def: SchemaDef } };
  options?: Array<{ _zod: { def: SchemaDef } }>;
  values?: unknown[];
}

/** Walks the schema along a key path, through defaults, optionals and lists. */
function schemaAt(path: Path): SchemaDef | undefined {
  let def: SchemaDef | undefined = (configSchema as unknown as { _zod: { def: SchemaDef } })._zod.def;
  const unwrap = (d: SchemaDef | undefined): SchemaDef | undefined => {
    while (d && (d.type === 'default' || d.type === 'optional' || d.type === 'nullable' || d.type === 'pipe' || d.type === 'prefault')) {
      d = (d.innerType ?? d.in)?._zod.def;
    }
    return d;
  };
  def = unwrap(def);
  for (const part of path) {
    if (!def) return undefined;
    if (def.type === 'object') def = unwrap(def.shape?.[String(part)]?._zod.def);
    else if (def.type === 'array') def = unwrap(def.element?._zod.def);
    else return undefined;
  }
  return def;
}

function knownKeysAt(path: Path): string[] {
  const def = schemaAt(path);
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function unionLiterals(path: Path): string[] | undefined {
  const def = schemaAt(path);
  if (def?.type !== 'union' || !def.options) return undefined;
  const out: string[] = [];
  for (const o of def.options) {
    const d = o._zod.def;
    if (d.type !== 'literal' || !d.values) return undefined;
    out.push(...d.values.map((v) => JSON.stringify(v)));
  }
  return out;
}
