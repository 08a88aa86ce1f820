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

/**
 * One call's media quality as it stands (issue 7 §6: live figures on the
 * status page and in GET /api/v1/status), from the call's media stream.
 */
export interface CallQualityReport {
  /** The phone's call id (the one the REST API and the call list use). */
  callId: string;
  codec: string;
  packetsSent: number;
  packetsReceived: number;
  lost: number;
  lossPercent: number;
  /** RFC 3550 §6.4.1 interarrival jitter, ms. */
  jitterMs: number;
  /** From RTCP (RFC 3550 §6.4.1 LSR/DLSR); absent until the far end has answered a report. */
  rttMs?: number;
  /** Mean time from a packet's arrival to its playout, ms. */
  playoutDelayMs: number;
  concealedMs: number;
  /** ITU-T G.107 E-model estimate, 1–4.5. */
  mos: number;
}

/** The calls' quality, asked for when someone looks (the media worker answers by message). */
export interface CallQualitySource {
  quality(): Promise<CallQualityReport[]>;
}
