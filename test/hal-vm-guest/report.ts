/**
 * How guest programs hand results to the host test: one console line per
 * check, `@@RESULT <name> <json>`. The serial console also carries kernel
 * messages and stray output, so the host picks out only these lines.
 */
export const RESULT_PREFIX = '@@RESULT ';

export interface CheckResult {
  readonly ok: boolean;
  /** Why the check failed, when it did. */
  readonly error?: string;
  /** What the check measured or observed; the host asserts on these. */
  readonly [key: string]: unknown;
}

export function formatResult(name: string, result: CheckResult): string {
  return `${RESULT_PREFIX}${name} ${JSON.stringify(result)}`;
}

/** Reads every result line out of a VM's output. A later line for the same check wins. */
export function parseResults(output: string): Map<string, CheckResult> {
  const results = new Map<string, CheckResult>();
  for (const raw of output.replaceAll('\r', '').split('\n')) {
    const at = raw.indexOf(RESULT_PREFIX);
    if (at < 0) continue;
    const line = raw.slice(at + RESULT_PREFIX.length);
    const space = line.indexOf(' ');
    if (space < 0) continue;
    try {
      results.set(line.slice(0, space), JSON.parse(line.slice(space + 1)) as CheckResult);
    } catch {
      // A result line cut by a kernel message: the check then shows as missing, with the console in the failure.
    }
  }
  return results;
}
