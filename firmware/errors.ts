/**
 * The base of every error the firmware raises on purpose (DESIGN.md "Errors
 * share one base with a code"). `code` is stable and machine-readable
 * (e.g. 'SIP_PARSE', 'CONFIG_INVALID'); the message is for people; subclasses
 * add the context needed to act on the error (a byte offset, a key path).
 */
export class DeskphoneError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
