import { DeskphoneError } from '../../firmware/errors.js';

/**
 * What went wrong while building or running the tier-A VM rig. The code says
 * which step failed so a CI log points at the fix:
 * - VM_PREREQ_MISSING: host commands are absent (`missingPackages` names the Debian packages)
 * - VM_APT: apt could not resolve or download a kernel package
 * - VM_BUILD: extracting the kernel, building gpio-mockup or the initramfs failed
 * - VM_BOOT: the VM stopped without printing the command's exit status
 * - VM_TIMEOUT: the VM was still running when the run's time budget ran out
 */
export type VmRigErrorCode = 'VM_PREREQ_MISSING' | 'VM_APT' | 'VM_BUILD' | 'VM_BOOT' | 'VM_TIMEOUT';

export interface VmRigErrorContext {
  /** The step that failed, e.g. 'apt-get download' or 'make gpio-mockup'. */
  readonly step: string;
  /** Debian packages to install on the host (VM_PREREQ_MISSING). */
  readonly missingPackages?: readonly string[];
  /** The tail of the failing command's output or of the VM console. */
  readonly output?: string;
}

export class VmRigError extends DeskphoneError {
  override readonly code: VmRigErrorCode;
  readonly step: string;
  readonly missingPackages: readonly string[];
  readonly output: string;

  constructor(code: VmRigErrorCode, message: string, context: VmRigErrorContext, options?: { cause?: unknown }) {
    super(code, message, options);
    this.code = code;
    this.step = context.step;
    this.missingPackages = context.missingPackages ?? [];
    this.output = context.output ?? '';
  }
}
