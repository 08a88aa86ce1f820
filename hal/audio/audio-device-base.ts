import { HardwareError, HardwareErrorCode } from '../errors.js';
import type {
  AudioDeviceEvent,
  AudioEventListener,
  AudioFrameListener,
  AudioRoute,
  AudioStats,
  AudioStreamConfig,
} from './audio-device.js';
import { AUDIO_ROUTES } from './audio-device.js';

/**
 * What every AudioDevice shares: listeners, the state the phone sets (route,
 * volume, mute), statistics, config checks, and the one place a captured
 * frame is handed out (so mute means the same thing on every driver).
 */
export abstract class AudioDeviceBase {
  readonly name: string;
  protected readonly stats_: AudioStats = {
    framesCaptured: 0,
    framesPlayed: 0,
    overruns: 0,
    underruns: 0,
    playbackDropped: 0,
    deviceLosses: 0,
  };
  protected config: AudioStreamConfig | undefined;
  protected route_: AudioRoute;
  protected volume_: number;
  protected muted_ = false;
  private readonly frameListeners = new Set<AudioFrameListener>();
  private readonly eventListeners = new Set<AudioEventListener>();

  protected constructor(name: string, route: AudioRoute = 'handset', volume = 70) {
    this.name = name;
    this.route_ = route;
    this.volume_ = volume;
  }

  get running(): boolean {
    return this.config !== undefined;
  }
  get route(): AudioRoute {
    return this.route_;
  }
  get volume(): number {
    return this.volume_;
  }
  get muted(): boolean {
    return this.muted_;
  }
  get stats(): Readonly<AudioStats> {
    return { ...this.stats_ };
  }

  onFrame(listener: AudioFrameListener): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  onEvent(listener: AudioEventListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  protected emit(event: AudioDeviceEvent): void {
    for (const l of this.eventListeners) {
      try {
        l(event);
      } catch {
        // A listener's bug must not stop the audio path; the phone's own logging sees its errors.
      }
    }
  }

  /** Hands one captured period to the listeners; a muted microphone sends silence but keeps the clock. */
  protected deliver(frame: Int16Array, sampleIndex: number): void {
    if (this.muted_) frame.fill(0);
    this.stats_.framesCaptured++;
    for (const l of this.frameListeners) l(frame, sampleIndex);
  }

  protected validate(config: AudioStreamConfig): AudioStreamConfig {
    if (config.sampleRate !== 8000 && config.sampleRate !== 16000) {
      throw new HardwareError(HardwareErrorCode.BAD_SETTING, this.name, `${this.name}: sample rate ${String(config.sampleRate)} Hz is not supported (8000 or 16000)`);
    }
    if (!(config.periodMs >= 10 && config.periodMs <= 20)) {
      throw new HardwareError(HardwareErrorCode.BAD_SETTING, this.name, `${this.name}: period ${String(config.periodMs)} ms is outside 10–20 ms`);
    }
    if (!Number.isInteger((config.sampleRate * config.periodMs) / 1000)) {
      throw new HardwareError(HardwareErrorCode.BAD_SETTING, this.name, `${this.name}: a ${config.periodMs} ms period is not a whole number of samples at ${config.sampleRate} Hz`);
    }
    return { ...config };
  }

  protected checkVolume(percent: number): number {
    if (!(percent >= 0 && percent <= 100)) {
      throw new HardwareError(HardwareErrorCode.BAD_SETTING, this.name, `${this.name}: volume ${percent} % is outside 0–100`);
    }
    return Math.round(percent);
  }

  protected checkRoute(route: AudioRoute): AudioRoute {
    if (!AUDIO_ROUTES.includes(route)) {
      throw new HardwareError(HardwareErrorCode.BAD_SETTING, this.name, `${this.name}: unknown route '${String(route)}' (${AUDIO_ROUTES.join(', ')})`);
    }
    return route;
  }
}

/**
 * Software volume for devices without a mixer: 0–100 % mapped on a 50 dB
 * scale (100 % = unity, 0 % = silence), so each step is heard as an equal
 * step the way ALSA's dB-mapped mixer controls behave.
 */
export function volumeToGain(percent: number): number {
  if (percent <= 0) return 0;
  return 10 ** ((50 * (percent / 100 - 1)) / 20);
}
