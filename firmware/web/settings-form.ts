import { CODECS, formatPath, TONE_REGIONS, TRANSPORTS, type Config } from '../config/index.js';
import type { ConfigChange, KeyPath } from './config-access.js';

/** One input of the settings form, named by its config key path. */
export interface SettingField {
  path: KeyPath;
  label: string;
  kind: 'text' | 'password' | 'number' | 'select' | 'checkbox' | 'list';
  options?: readonly string[];
  /** An optional key: an empty input removes it from the file. */
  optional?: boolean;
  hint?: string;
}

export interface SettingGroup {
  title: string;
  fields: SettingField[];
  /** The blank account at the end of the list: written only when filled in. */
  newAccount?: boolean;
}

const ACCOUNT_FIELDS: Array<Omit<SettingField, 'path'> & { key: string }> = [
  { key: 'displayName', label: 'Display name', kind: 'text' },
  { key: 'user', label: 'User', kind: 'text', hint: 'the user part of sip:user@domain' },
  { key: 'domain', label: 'Domain', kind: 'text' },
  { key: 'password', label: 'Password', kind: 'password', hint: 'leave empty to keep the current one' },
  { key: 'authUser', label: 'Authentication user', kind: 'text', optional: true, hint: 'only when it differs from User' },
  { key: 'registrar', label: 'Registrar', kind: 'text', optional: true, hint: 'host[:port]; the domain when empty' },
  { key: 'outboundProxy', label: 'Outbound proxy', kind: 'text', optional: true },
  { key: 'transport', label: 'Transport', kind: 'select', options: TRANSPORTS },
  { key: 'registerExpires', label: 'Registration lifetime (s)', kind: 'number' },
  { key: 'enabled', label: 'Enabled', kind: 'checkbox' },
];

/** The common settings (issue 7 §6): accounts, audio volumes, codecs, tone region, time zone. */
export function settingGroups(config: Config): SettingGroup[] {
  const accounts = config.accounts.map(
    (_a, i): SettingGroup => ({ title: `Account ${i + 1}`, fields: ACCOUNT_FIELDS.map(({ key, ...f }) => ({ ...f, path: ['accounts', i, key] })) }),
  );
  const n = config.accounts.length;
  const newAccount: SettingGroup[] =
    n < 8
      ? [{ title: 'Add an account', newAccount: true, fields: ACCOUNT_FIELDS.filter((f) => f.key !== 'enabled').map(({ key, ...f }) => ({ ...f, path: ['accounts', n, key] })) }]
      : [];
  return [
    ...accounts,
    ...newAccount,
    {
      title: 'Audio',
      fields: [
        ...(['handset', 'headset', 'speaker', 'ringer'] as const).map((route): SettingField => ({ path: ['audio', 'volumes', route], label: `${route[0]!.toUpperCase()}${route.slice(1)} volume (0–100)`, kind: 'number' })),
        { path: ['audio', 'codecs'], label: 'Codecs, in order of preference', kind: 'list', hint: `comma-separated; known: ${CODECS.join(', ')}` },
      ],
    },
    {
      title: 'Region and time',
      fields: [
        { path: ['toneRegion'], label: 'Tone region', kind: 'select', options: TONE_REGIONS },
        { path: ['timeZone'], label: 'Time zone', kind: 'text', hint: 'IANA name, e.g. Europe/Berlin' },
      ],
    },
  ];
}

export function fieldName(path: KeyPath): string {
  return formatPath(path);
}

/** The value the form shows for a field. */
export function currentValue(config: Config, path: KeyPath): unknown {
  let v: unknown = config;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

/**
 * Turns a submitted form into config changes: only fields whose value differs
 * from the running config, typed as the schema expects (numbers stay text when
 * they are not numbers, so the schema's message names what was typed). An empty
 * password keeps the old one; an empty optional field removes its key.
 */
export function collectChanges(config: Config, form: Record<string, string | undefined>): ConfigChange[] {
  const changes: ConfigChange[] = [];
  for (const group of settingGroups(config)) {
    if (group.newAccount) {
      const account: Record<string, unknown> = {};
      for (const f of group.fields) {
        const value = coerce(f, form[fieldName(f.path)]);
        if (value !== undefined && value !== '') account[String(f.path[2])] = value;
      }
      const filled = Object.keys(account).some((k) => k !== 'transport' && k !== 'registerExpires');
      if (filled) changes.push({ path: group.fields[0]!.path.slice(0, 2), value: account });
      continue;
    }
    for (const f of group.fields) {
      const value = coerce(f, form[fieldName(f.path)]);
      if (f.kind === 'password' && value === '') continue;
      const current = currentValue(config, f.path);
      if (JSON.stringify(value) === JSON.stringify(current === '' && f.optional ? undefined : current)) continue;
      if (value === undefined && current === undefined) continue;
      changes.push({ path: f.path, value });
    }
  }
  return changes;
}

function coerce(field: SettingField, raw: string | undefined): unknown {
  if (field.kind === 'checkbox') return raw !== undefined;
  const text = (raw ?? '').trim();
  switch (field.kind) {
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
    case 'list':
      return text.split(/[\s,]+/).filter((s) => s !== '');
    case 'password':
      return raw ?? '';
    default:
      return text === '' && field.optional ? undefined : text;
  }
}
