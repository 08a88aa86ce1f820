import type { KeyName } from '../../hal/index.js';

/** Where the phone's audio goes: the handset, the loudspeaker (hands-free) or a headset. */
export type AudioRoute = 'handset' | 'speaker' | 'headset';

/** The timers the phone machine asks for (the app owns them). */
export type TimerName = 'dial' | 'notice' | 'auto-answer' | 'call-info';

export type ToneName = 'dial' | 'second-dial' | 'ringback' | 'busy' | 'congestion' | 'call-waiting' | 'confirmation';

/** What the call layer (SIP sessions) reports about a call, by the phone's own call id. */
export type CallEvent =
  /** `autoAnswerAfterS`: the caller asked for intercom answering (the phone decides whether to honour it). */
  | { type: 'incoming'; callId: string; remoteUri: string; remoteName?: string; number: string; autoAnswerAfterS?: number }
  /** 180/183: the far end is ringing; `earlyMedia` when a 183 brought SDP (the network plays the ringback). */
  | { type: 'ringing'; callId: string; earlyMedia: boolean }
  | { type: 'answered'; callId: string }
  | { type: 'remote-hold'; callId: string; held: boolean }
  /** The far end of a call changed (we were transferred, or an INVITE with Replaces took the call over). */
  | { type: 'remote-changed'; callId: string; remoteUri: string; remoteName?: string; number: string }
  /** Our blind transfer of this call failed (the call stays on hold); success simply ends the call. */
  | { type: 'transfer-failed'; callId: string; reason: string }
  /** The far end sent a DTMF digit (RFC 4733 events, SIP INFO, or in-band tones detected). */
  | { type: 'dtmf-received'; callId: string; digit: string; via: 'rfc4733' | 'info' | 'inband' }
  /** The call is over; `reason` in words for the screen ("Busy", "Declined", "Number not found"). */
  | { type: 'ended'; callId: string; reason: string; cause: 'local' | 'remote' | 'failed' | 'busy' | 'cancelled' };

export type PhoneInput =
  | { type: 'key'; key: KeyName; event: 'down' | 'long-press' }
  | { type: 'hook'; event: 'off-hook' | 'on-hook' | 'flash' }
  | { type: 'timer'; name: TimerName }
  /** Call this number or URI now, hands-free (the web page's dial box, a contact, a history entry). */
  | { type: 'dial'; number: string }
  /** Remote control of one call by id (the REST API). */
  | { type: 'call-action'; callId: string; action: 'answer' | 'hold' | 'resume' | 'hangup' }
  | { type: 'call-action'; callId: string; action: 'transfer'; target: string }
  | CallEvent;

/** What the phone asks the rest of the firmware to do. */
export type PhoneAction =
  | { type: 'place-call'; callId: string; number: string; emergency: boolean }
  | { type: 'answer'; callId: string }
  | { type: 'reject'; callId: string; status: 486 | 480 | 603 }
  | { type: 'hangup'; callId: string }
  | { type: 'hold'; callId: string }
  | { type: 'resume'; callId: string }
  | { type: 'dtmf'; callId: string; digit: string }
  /** Blind-transfer the call (on hold) to `target` (RFC 3515 REFER). */
  | { type: 'transfer'; callId: string; target: string }
  /** Attended transfer: the held call is referred to the consultation call's party, with Replaces (RFC 3891). */
  | { type: 'transfer-attended'; callId: string; consultId: string }
  /** Join the two calls and the handset (a 3-way conference hosted on the phone). */
  | { type: 'conference'; callIds: [string, string] }
  /** End the conference: `keep` stays with the handset, the other call is put on hold. */
  | { type: 'split'; keep: string }
  | { type: 'mute'; on: boolean }
  /** The user asked what the call sounds like (OK while talking): fetch its codec and quality figures. */
  | { type: 'call-info'; callId: string }
  | { type: 'route'; route: AudioRoute | null }
  | { type: 'tone'; tone: ToneName | null }
  | { type: 'ring'; on: boolean }
  | { type: 'volume'; target: AudioRoute | 'ringer'; level: number }
  | { type: 'start-timer'; name: TimerName; ms: number }
  | { type: 'stop-timer'; name: TimerName }
  /** A call is over: the app writes the call log entry. */
  | { type: 'call-ended'; call: import('./phone-call.js').PhoneCall; reason: string; cause: 'local' | 'remote' | 'failed' | 'busy' | 'cancelled' | 'rejected' };
