import { DeskphoneError } from '../errors.js';

/** One problem in a config file, located by its key path (and line, when the file gave one). */
export interface ConfigIssue {
  /** e.g. `accounts[0].registrar`; empty for the file as a whole. */
  path: string;
  /** What was expected and what was found, in words. */
  message: string;
  line?: number;
}

export class ConfigError extends DeskphoneError {
  readonly file: string | undefined;
  readonly issues: ConfigIssue[];

  constructor(file: string | undefined, issues: ConfigIssue[]) {
    super('CONFIG_INVALID', `${file ?? 'configuration'}: ${issues.length} error${issues.length === 1 ? '' : 's'}\n${issues.map(formatIssue).join('\n')}`);
    this.file = file;
    this.issues = issues;
  }
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.path === '' ? '(file)' : issue.path;
  return `  ${where}${issue.line !== undefined ? ` (line ${issue.line})` : ''}: ${issue.message}`;
}

/** `['accounts', 0, 'user']` → `accounts[0].user`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}
