// The device bundle's entry point (scripts/device/release.js bundles it to
// dist/firmware/cli/deskphone.js): what scripts/deskphone.js does for the
// per-file build, without the tsx branch a release never needs.
import { run } from '../../firmware/cli/run.ts';

const code = await run(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
