import type { AudioDevice, AudioRoute, AudioStreamConfig } from './audio-device.js';
import { samplesPerPeriod } from './audio-device.js';
import { AudioDeviceBase } from './audio-device-base.js';

/**
 * The audio device as a test instrument (DESIGN.md "The simulated device is
 * also a test instrument"): a test pushes microphone frames with emitFrame()
 * and reads what the phone played from `played`; routing, volume and mute are
 * recorded, not applied, so a test asserts the phone's decisions exactly.
 */
export class SimulatedAudioDevice extends AudioDeviceBase implements AudioDevice {
  /** Every sample written for playback since start, in order. */
  readonly played: number[] = [];
  /** Each write() as it came, for tests that care about framing. */
  readonly writes: Int16Array[] = [];
  private sampleIndex = 0;
  private frame = new Int16Array(0);

  constructor(name = 'sim-audio') {
    super(name);
  }

  async start(config: AudioStreamConfig): Promise<void> {
    const c = this.validate(config);
    this.config = c;
    this.sampleIndex = 0;
    this.frame = new Int16Array(samplesPerPeriod(c));
    this.emit({ type: 'started', config: c });
  }

  async stop(): Promise<void> {
    if (this.config === undefined) return;
    this.config = undefined;
    this.emit({ type: 'stopped' });
  }

  /** The period size the phone opened the device with (0 when stopped). */
  get periodSamples(): number {
    return this.config === undefined ? 0 : this.frame.length;
  }

  /** Delivers one microphone period, as the sound card would at the end of a period. */
  emitFrame(pcm: ArrayLike<number>): void {
    if (this.config === undefined) throw new Error(`${this.name}: emitFrame while stopped`);
    if (pcm.length !== this.frame.length) throw new Error(`${this.name}: emitFrame needs ${this.frame.length} samples, got ${pcm.length}`);
    this.frame.set(pcm);
    this.deliver(this.frame, this.sampleIndex);
    this.sampleIndex += this.frame.length;
  }

  /** Simulates an xrun or a lost/restored device so the phone's reactions can be tested. */
  inject(event: Parameters<AudioDeviceBase['emit']>[0]): void {
    if (event.type === 'xrun') this.stats_[event.kind === 'overrun' ? 'overruns' : 'underruns']++;
    if (event.type === 'device-lost') this.stats_.deviceLosses++;
    this.emit(event);
  }

  write(samples: Int16Array): void {
    if (this.config === undefined) return; // like a closed PCM: nothing is heard
    this.writes.push(samples.slice());
    for (const s of samples) this.played.push(s);
    this.stats_.framesPlayed++;
  }

  async setVolume(percent: number): Promise<void> {
    this.volume_ = this.checkVolume(percent);
  }

  async setMute(muted: boolean): Promise<void> {
    this.muted_ = muted;
  }

  async setRoute(route: AudioRoute): Promise<void> {
    this.route_ = this.checkRoute(route);
    this.emit({ type: 'route-changed', route });
  }
}

export function createSimulatedAudioDevice(options: { name?: string } = {}): SimulatedAudioDevice {
  return new SimulatedAudioDevice(options.name);
}
