import { spawnSync } from 'node:child_process';

/**
 * Interop tests use real SIP software from Debian (LAB.md). On a developer's
 * machine without those packages a test skips with a one-line reason; in CI
 * (DESKPHONE_REQUIRE_INTEROP=1, set by .ci/run) a missing peer is a failure,
 * so a green CI always means the peers really ran.
 */
export const INSTALL_HINT = 'sudo bash scripts/install-test-packages.sh';

export const requireInterop = process.env.DESKPHONE_REQUIRE_INTEROP === '1';

const found = new Map<string, boolean>();

export function hasCommand(command: string): boolean {
  let ok = found.get(command);
  if (ok === undefined) {
    ok = spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
    found.set(command, ok);
  }
  return ok;
}

/**
 * Returns undefined when every command exists, or the reason to skip. Throws
 * instead when interop is required, naming what is missing.
 */
export function missingPeers(...commands: string[]): string | undefined {
  const missing = commands.filter((c) => !hasCommand(c));
  if (missing.length === 0) return undefined;
  const reason = `needs ${missing.join(', ')} (install with: ${INSTALL_HINT})`;
  if (requireInterop) throw new Error(`DESKPHONE_REQUIRE_INTEROP=1 but ${reason}`);
  return reason;
}
