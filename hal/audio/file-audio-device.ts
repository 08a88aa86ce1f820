import type { HalClock } from '../clock.js';
import type { HalLog } from '../log.js';
import { silentLog } from '../log.js';
import type { AudioDevice, AudioRoute, AudioStreamConfig } from './audio-device.js';
import { samplesPerPeriod } from './audio-device.js';
import { AudioDeviceBase, volumeToGain } from './audio-device-base.js';
import { FrameScheduler } from './frame-scheduler.js';
import { PlaybackQueue } from './playback-queue.js';
import { readWavAsMono, WavWriter } from './wav.js';

export interface FileAudioDeviceOptions {
  clock: HalClock;
  name?: string;
  /** WAV heard by the microphone (any PCM rate/channels; mixed to mono, resampled). Absent: silence. */
  inputPath?: string;
  /** Start the input again when it ends; otherwise silence follows and `input-ended` is emitted once. */
  loop?: boolean;
  /** WAV that records the speaker: mono S16 at the stream rate, one sample per sample period of real time. */
  outputPath?: string;
  /** Playback latency bound: writes beyond this much queued audio are dropped (default 100 ms). */
  maxPlaybackMs?: number;
  log?: HalLog;
}

/**
 * The audio device of the simulator and of media tests: the microphone reads a
 * WAV file and the speaker writes one, paced in real time by a drift-free
 * scheduler on the injected clock (DESIGN.md: media timing on the simulator
 * comes from absolute deadlines, not setInterval). The output is a faithful
 * recording of what a speaker would have played, underruns included as
 * silence, so a test can line it up sample for sample with what was sent.
 */
export class FileAudioDevice extends AudioDeviceBase implements AudioDevice {
  private readonly options: FileAudioDeviceOptions;
  private readonly log: HalLog;
  private scheduler: FrameScheduler | undefined;
  private input: Int16Array = new Int16Array(0);
  private cursor = 0;
  private inputEnded = false;
  private frame = new Int16Array(0);
  private out = new Int16Array(0);
  private queue = new PlaybackQueue(0);
  private writer: WavWriter | undefined;
  private gain = 1;

  constructor(options: FileAudioDeviceOptions) {
    super(options.name ?? 'file-audio');
    this.options = options;
    this.log = options.log ?? silentLog;
    this.gain = volumeToGain(this.volume_);
  }

  async start(config: AudioStreamConfig): Promise<void> {
    const c = this.validate(config);
    if (this.config !== undefined) await this.stop();
    const period = samplesPerPeriod(c);
    this.input = this.options.inputPath === undefined ? new Int16Array(0) : await readWavAsMono(this.options.inputPath, c.sampleRate);
    this.writer = this.options.outputPath === undefined ? undefined : await WavWriter.create(this.options.outputPath, c.sampleRate);
    this.cursor = 0;
    this.inputEnded = false;
    this.frame = new Int16Array(period);
    this.out = new Int16Array(period);
    this.queue = new PlaybackQueue(Math.max(period, Math.round(((this.options.maxPlaybackMs ?? 100) * c.sampleRate) / 1000)));
    this.config = c;
    this.scheduler = new FrameScheduler({
      clock: this.options.clock,
      periodMs: c.periodMs,
      tick: (i) => this.period(i * period),
      onSkip: (skipped) => this.skipped(skipped, period),
    });
    this.scheduler.start();
    this.log.info({ device: this.name, input: this.options.inputPath, output: this.options.outputPath, ...c }, 'file audio started');
    this.emit({ type: 'started', config: c });
  }

  async stop(): Promise<void> {
    if (this.config === undefined) return;
    this.scheduler?.stop();
    this.scheduler = undefined;
    this.config = undefined;
    const writer = this.writer;
    this.writer = undefined;
    if (writer !== undefined) {
      await writer.close();
      if (writer.error !== undefined) this.emit({ type: 'error', error: writer.error });
    }
    this.emit({ type: 'stopped' });
  }

  write(samples: Int16Array): void {
    if (this.config === undefined) return;
    if (!this.queue.push(samples)) this.stats_.playbackDropped++;
  }

  async setVolume(percent: number): Promise<void> {
    this.volume_ = this.checkVolume(percent);
    this.gain = volumeToGain(this.volume_);
  }

  async setMute(muted: boolean): Promise<void> {
    this.muted_ = muted;
  }

  async setRoute(route: AudioRoute): Promise<void> {
    this.route_ = this.checkRoute(route);
    this.emit({ type: 'route-changed', route });
  }

  /** One period of real time: the microphone's period goes out, one period of the speaker's queue is played. */
  private period(sampleIndex: number): void {
    this.fillFromInput(this.frame);
    this.deliver(this.frame, sampleIndex);
    if (this.queue.pull(this.out, this.gain)) {
      this.stats_.underruns++;
      this.emit({ type: 'xrun', direction: 'playback', kind: 'underrun', count: this.stats_.underruns });
    }
    this.stats_.framesPlayed++;
    this.writer?.append(this.out);
  }

  /** The event loop stalled past the catch-up limit: those microphone periods are lost, as in a capture overrun. */
  private skipped(periods: number, period: number): void {
    this.stats_.overruns++;
    this.cursor += periods * period;
    if (this.options.loop === true && this.input.length > 0) this.cursor %= this.input.length;
    this.emit({ type: 'xrun', direction: 'capture', kind: 'overrun', count: this.stats_.overruns });
    this.out.fill(0);
    for (let i = 0; i < periods; i++) this.writer?.append(this.out); // the speaker was silent meanwhile
  }

  private fillFromInput(frame: Int16Array): void {
    let filled = 0;
    const input = this.input;
    while (filled < frame.length) {
      if (this.cursor >= input.length) {
        if (this.options.loop === true && input.length > 0) {
          this.cursor = 0;
          continue;
        }
        frame.fill(0, filled);
        if (!this.inputEnded && this.options.inputPath !== undefined) {
          this.inputEnded = true;
          this.emit({ type: 'input-ended' });
        }
        return;
      }
      const n = Math.min(frame.length - filled, input.length - this.cursor);
      frame.set(input.subarray(this.cursor, this.cursor + n), filled);
      filled += n;
      this.cursor += n;
    }
  }
}

export function createFileAudioDevice(options: FileAudioDeviceOptions): FileAudioDevice {
  return new FileAudioDevice(options);
}
