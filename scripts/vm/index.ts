export { buildRig, REPO_ROOT } from './rig-build.js';
export type { Rig, BuildOptions } from './rig-build.js';
export { runInVm, DEFAULT_TIMEOUT_MS } from './vm-run.js';
export type { VmRunOptions, VmRunResult } from './vm-run.js';
export { checkPrerequisites, missingPackages, requiredPackages } from './prerequisites.js';
export { VmRigError } from './errors.js';
export type { VmRigErrorCode } from './errors.js';
export { GPIO_MOCKUP, I2C_STUB_ADDRESS, ALSA_LOOPBACK_CARD, GUEST_UART } from './guest-devices.js';
