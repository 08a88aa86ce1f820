/** What the call screen shows on demand (OK while talking): the codec and the call's quality so far. */
export interface CallMediaInfo {
  codec: string;
  /** From the media stream's statistics; absent before media flows. */
  quality?: { lossPercent: number; jitterMs: number; mos: number };
}

/** One call as the phone's user sees it. */
export type CallPhase =
  /** We sent the INVITE, nothing back yet. */
  | 'calling'
  /** The far end rings (ringback). */
  | 'ringback'
  /** Ringing here, not answered yet. */
  | 'incoming'
  | 'connected'
  /** We put it on hold. */
  | 'on-hold';

export interface PhoneCall {
  id: string;
  direction: 'incoming' | 'outgoing';
  phase: CallPhase;
  number: string;
  remoteUri?: string;
  remoteName?: string;
  /** The far end has put us on hold (shown on the screen). */
  heldByRemote: boolean;
  /** The last DTMF digit the far end sent (shown while talking). */
  lastDigitReceived?: string;
  /** When it was answered, in the phone clock's ms (duration on screen). */
  connectedAt?: number;
}
