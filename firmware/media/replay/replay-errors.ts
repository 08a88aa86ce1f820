import { DeskphoneError } from '../../errors.js';

export type ReplayErrorCode = 'REPLAY_NO_RTP' | 'REPLAY_SSRC_NOT_FOUND' | 'REPLAY_UNSUPPORTED_CODEC';

export class ReplayError extends DeskphoneError {
  constructor(code: ReplayErrorCode, message: string) {
    super(code, message);
  }
}
