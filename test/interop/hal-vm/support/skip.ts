import { createRequire } from 'node:module';
import { missingPackages, requiredPackages } from '../../../../scripts/vm/index.js';

/** The npm packages the guest checks load from the host's node_modules. */
const GUEST_NPM_PACKAGES = ['onoff', 'i2c-bus', 'alsa-capture', 'serialport', 'esbuild'];

/**
 * Why the tier-A suite cannot run on this host, in one line, or undefined
 * when it can. With DESKPHONE_REQUIRE_INTEROP=1 (CI) a missing prerequisite
 * is an error instead, so a green CI means the VM really booted.
 */
export async function vmRigSkipReason(): Promise<string | undefined> {
  const reasons: string[] = [];
  try {
    const missing = await missingPackages(await requiredPackages());
    if (missing.length > 0) {
      reasons.push(`needs Debian packages ${missing.join(' ')} (apt-get install -y --no-install-recommends ${missing.join(' ')}; see scripts/vm/debian-packages.txt)`);
    }
  } catch (err) {
    reasons.push(`cannot ask dpkg which packages are installed (${(err as Error).message})`);
  }
  const require = createRequire(import.meta.url);
  const absent = GUEST_NPM_PACKAGES.filter((name) => {
    try {
      require.resolve(name);
      return false;
    } catch {
      return true;
    }
  });
  if (absent.length > 0) reasons.push(`needs npm packages ${absent.join(', ')} (npm install)`);
  if (reasons.length === 0) return undefined;
  const reason = reasons.join('; ');
  if (process.env['DESKPHONE_REQUIRE_INTEROP'] === '1') throw new Error(`DESKPHONE_REQUIRE_INTEROP=1 but the VM rig ${reason}`);
  return reason;
}
