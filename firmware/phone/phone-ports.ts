import type { CallMediaInfo } from './phone-call.js';
import type { AudioRoute, CallEvent, ToneName } from './phone-events.js';

/**
 * What the phone needs from the call layer (SIP sessions with their media
 * streams), by the phone's own call ids. main.ts supplies the adapter over the
 * SIP stack and the media engine; tests supply a fake.
 */
export interface CallControl {
  place(callId: string, number: string, options: { emergency: boolean }): void;
  answer(callId: string): void;
  reject(callId: string, status: 486 | 480 | 603): void;
  hangup(callId: string): void;
  hold(callId: string): void;
  resume(callId: string): void;
  sendDtmf(callId: string, digit: string): void;
  setMuted(muted: boolean): void;
  /** Blind transfer (REFER) of a held call to `target`; the outcome comes back as `ended` or `transfer-failed`. */
  transfer(callId: string, target: string): void;
  /** Attended transfer: refer `callId`'s party to `consultId`'s, which replaces our consultation call. */
  transferAttended(callId: string, consultId: string): void;
  /** Mixes the two calls with the handset (both already connected). */
  conference(a: string, b: string): void;
  /** Ends the conference: `keep` talks with the handset alone. */
  split(keep: string): void;
  onEvent(listener: (event: CallEvent) => void): () => void;
  /** The codec and quality figures of a call, for the call screen; undefined when it has no media. */
  callInfo?(callId: string): Promise<CallMediaInfo | undefined>;
}

/** The local audio the phone itself makes: call-progress tones and which transducer is live. */
export interface PhoneAudio {
  playTone(tone: ToneName | null): void;
  setRoute(route: AudioRoute | null): void;
  setVolume(target: AudioRoute | 'ringer', level: number): void;
}
