import { DeskphoneError } from '../../errors.js';

export type PcapErrorCode = 'PCAP_INVALID' | 'PCAP_UNSUPPORTED';

/** A capture file we cannot read, with the byte offset where it went wrong. */
export class PcapError extends DeskphoneError {
  readonly offset: number;
  constructor(code: PcapErrorCode, offset: number, message: string) {
    super(code, message);
    this.offset = offset;
  }
}
