/**
 * The message protocol between the main thread (SIP, phone, web) and the
 * media worker (DESIGN.md "Real time on Node.js"). Plain structured-clone
 * data: requests carry a requestId and get exactly one reply; stream events
 * flow from the worker unasked.
 */
import type { JitterBufferOptions } from '../jitter/index.js';
import type { DtmfSenderOptions } from '../dtmf/index.js';
import type { RemoteEndpoint } from '../rtp/index.js';
import type { ToneSpec } from '../tones/index.js';
import type { MediaDirection, MediaStreamEvent, MediaStreamStats } from './media-stream.js';

/** Where a worker stream's audio comes from and goes to. */
export type AudioSpec =
  /** Silence out, playback discarded. */
  | { kind: 'silent' }
  /** A test signal as the microphone; playback recorded (last `recordMs`) for `takePlayed`. */
  | { kind: 'tone'; tone: ToneSpec; recordMs?: number }
  /** A main-thread device through two SharedAudioRings (capture → worker, worker → playback). */
  | { kind: 'shared'; capture: SharedArrayBuffer; playback: SharedArrayBuffer; paced: boolean; periodSamples?: number }
  /**
   * A device opened inside the worker, so its clock paces the sender with no
   * main-thread hop: the worker imports `url` and calls `exportName(options)`,
   * which returns a MediaAudioPort (main.ts passes the board's audio driver here).
   */
  | { kind: 'module'; url: string; exportName?: string; options?: unknown };

export interface OpenStreamParams {
  /** Local address to bind (127.0.0.1, ::1 or the phone's interface address). */
  localAddress?: string;
  /** Local RTP port; 0 picks a free one. */
  localPort?: number;
  /** Local RTCP port without rtcp-mux; 0 picks a free one (signal it with RFC 3605 a=rtcp). */
  localRtcpPort?: number;
  remote: RemoteEndpoint;
  remoteRtcp?: RemoteEndpoint;
  rtcpMux?: boolean;
  /** Codec by name from the registry (PCMU, PCMA). */
  codec: string;
  payloadType: number;
  ptimeMs?: number;
  telephoneEventPayloadType?: number;
  comfortNoisePayloadType?: number;
  direction?: MediaDirection;
  cname: string;
  jitter?: JitterBufferOptions;
  dtmf?: DtmfSenderOptions;
  detectInbandDtmf?: boolean;
  dtmfLocalFeedback?: boolean;
  audio: AudioSpec;
}

export type MediaRequest =
  | { type: 'open'; requestId: number; params: OpenStreamParams }
  | { type: 'update'; requestId: number; streamId: number; remote?: RemoteEndpoint; remoteRtcp?: RemoteEndpoint; direction?: MediaDirection }
  | { type: 'dtmf'; requestId: number; streamId: number; digits: string; durationMs?: number }
  | { type: 'mute'; requestId: number; streamId: number; muted: boolean }
  | { type: 'tone'; requestId: number; streamId: number; tone: ToneSpec | null; mix?: boolean }
  | { type: 'stats'; requestId: number; streamId: number }
  | { type: 'played'; requestId: number; streamId: number }
  | { type: 'close'; requestId: number; streamId: number }
  /** Joins two calls and the handset in a 3-way conference: streamIds[0]'s audio port becomes the bridge's handset. */
  | { type: 'conference'; requestId: number; streamIds: [number, number] }
  /** Ends the conference: `keep` gets the handset back, the other call is left on a silent port (on hold). */
  | { type: 'split'; requestId: number; keep: number }
  /** Packet capture (issue 7 §6): a ring of this many bytes for every RTP/RTCP datagram, or off with null. */
  | { type: 'capture-config'; requestId: number; ringBytes: number | null; ownAddress?: string }
  /** The captured datagrams, oldest first (firmware/capture's snapshot format). */
  | { type: 'capture-snapshot'; requestId: number }
  /** The media thread's own CPU time (diagnostics and the pacing benchmark). */
  | { type: 'thread'; requestId: number }
  | { type: 'shutdown'; requestId: number };

export type MediaReply =
  | { type: 'ready'; finalWaitMs: number; priority?: { requested: number; applied: boolean; error?: string } }
  | { type: 'opened'; requestId: number; streamId: number; localPort: number; localRtcpPort: number | undefined; ssrc: number }
  | { type: 'ok'; requestId: number }
  | { type: 'stats'; requestId: number; stats: MediaStreamStats }
  | { type: 'played'; requestId: number; samples: Int16Array }
  | { type: 'closed'; requestId: number; stats: MediaStreamStats }
  | { type: 'capture'; requestId: number; bytes: Uint8Array }
  | { type: 'thread'; requestId: number; cpuMs: number | undefined }
  | { type: 'error'; requestId: number; code: string; message: string }
  | { type: 'event'; streamId: number; event: MediaStreamEvent };
