import { DeskphoneError } from '../errors.js';

export type CaptureErrorCode = 'CAPTURE_ADDRESS' | 'CAPTURE_SIZE' | 'CAPTURE_DAMAGED' | 'CAPTURE_OFF';

/** A capture that cannot be taken or written: a bad address, a ring size out of range, a damaged snapshot. */
export class CaptureError extends DeskphoneError {
  constructor(code: CaptureErrorCode, message: string) {
    super(code, message);
  }
}
