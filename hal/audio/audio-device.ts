/**
 * The handset audio interface (issue 6 §1, §5): one capture stream and one
 * playback stream, 8 or 16 kHz mono signed 16-bit, moved in periods of 10–20 ms.
 *
 * The shape is chosen for a media engine that lives in a worker thread
 * (DESIGN.md "Real time on Node.js"): a frame is a plain Int16Array holding
 * exactly one period, preallocated by the device and reused after the callback
 * returns (copy or transfer it to keep it), and time is counted in samples —
 * `sampleIndex` is the media clock, never wall-clock time.
 */
export type AudioRoute = 'handset' | 'headset' | 'speaker';
export const AUDIO_ROUTES: readonly AudioRoute[] = ['handset', 'headset', 'speaker'];

/** The two rates G.711 (8 kHz) and G.722 (16 kHz audio) need. */
export type AudioSampleRate = 8000 | 16000;

export interface AudioStreamConfig {
  sampleRate: AudioSampleRate;
  /** Period length; 10–20 ms so one period is one RTP packet or half of one. */
  periodMs: number;
}

export type AudioDirection = 'capture' | 'playback';

/**
 * What a device reports besides frames. Recovery is visible but never fatal:
 * an xrun is counted and the stream goes on; a lost device is reported once
 * and re-opened in the background until `restored`.
 */
export type AudioDeviceEvent =
  | { type: 'started'; config: AudioStreamConfig }
  | { type: 'stopped' }
  | { type: 'xrun'; direction: AudioDirection; kind: 'overrun' | 'underrun'; count: number }
  | { type: 'device-lost'; direction: AudioDirection; device: string; reason: string }
  | { type: 'device-restored'; direction: AudioDirection; device: string; downtimeMs: number }
  | { type: 'resampling'; direction: AudioDirection; device: string; hardwareRate: number; streamRate: number }
  | { type: 'route-changed'; route: AudioRoute }
  | { type: 'input-ended' }
  | { type: 'error'; error: Error };

/** Called once per period with that period's samples and the index of its first sample. */
export type AudioFrameListener = (samples: Int16Array, sampleIndex: number) => void;
export type AudioEventListener = (event: AudioDeviceEvent) => void;

export interface AudioStats {
  framesCaptured: number;
  framesPlayed: number;
  overruns: number;
  underruns: number;
  /** Playback frames dropped because the output queue was already full (bounded latency). */
  playbackDropped: number;
  deviceLosses: number;
}

export interface AudioDevice {
  /** The name the board gave this device (used in events and errors). */
  readonly name: string;
  readonly running: boolean;
  readonly route: AudioRoute;
  readonly volume: number;
  readonly muted: boolean;
  readonly stats: Readonly<AudioStats>;

  /** Opens capture and playback and starts delivering frames. Rejects on bad config, not on a missing device (that is recovered). */
  start(config: AudioStreamConfig): Promise<void>;
  /** Stops both streams; safe to call twice. */
  stop(): Promise<void>;

  onFrame(listener: AudioFrameListener): () => void;
  onEvent(listener: AudioEventListener): () => void;

  /**
   * Queues one playback period (any length is accepted; a period is expected).
   * The samples are copied before write returns, so the caller may reuse its buffer.
   */
  write(samples: Int16Array): void;

  /** Playback volume for the current route, 0–100 %. */
  setVolume(percent: number): Promise<void>;
  /** Microphone mute: frames keep coming (the media clock runs on) but carry silence. */
  setMute(muted: boolean): Promise<void>;
  setRoute(route: AudioRoute): Promise<void>;
}

export function samplesPerPeriod(config: AudioStreamConfig): number {
  return Math.round((config.sampleRate * config.periodMs) / 1000);
}
