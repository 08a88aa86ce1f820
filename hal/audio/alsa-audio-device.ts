import type { HalClock, HalTimerHandle } from '../clock.js';
import { HardwareError, HardwareErrorCode } from '../errors.js';
import type { HalLog } from '../log.js';
import { silentLog } from '../log.js';
import type { AlsaCaptureConstructor } from './alsa-capture-stream.js';
import { AlsaCaptureStream } from './alsa-capture-stream.js';
import type { AlsaMixerTarget, CommandRunner } from './alsa-mixer.js';
import { AlsaMixer, execFileRunner } from './alsa-mixer.js';
import { AplayPlayback, spawnChild } from './aplay-playback.js';
import type { SpawnPlayback } from './aplay-playback.js';
import type { AudioDevice, AudioDirection, AudioRoute, AudioStreamConfig } from './audio-device.js';
import { samplesPerPeriod } from './audio-device.js';
import { AudioDeviceBase, volumeToGain } from './audio-device-base.js';
import { FrameAssembler } from './frame-assembler.js';
import { Resampler } from './resampler.js';
import type { RetryBackoffOptions } from './retry-backoff.js';
import { RetryBackoff } from './retry-backoff.js';
import { importOptional } from '../optional-module.js';

/** Where one route's sound goes: the board's ALSA PCM names and mixer controls. */
export interface AlsaRouteConfig {
  /** PCM for the microphone, e.g. 'plughw:CARD=Device,DEV=0' or 'hw:1,0'. */
  captureDevice: string;
  /** PCM for the earpiece/speaker. */
  playbackDevice: string;
  /**
   * The card's native rate when it cannot run at 8/16 kHz (a USB handset at
   * 48 kHz on a `hw:` PCM): the driver opens at this rate and resamples. When
   * absent the driver asks for the stream rate and switches to resampling if
   * the card answers with another rate.
   */
  hardwareRate?: number;
  mixer?: AlsaMixerTarget & {
    /** Simple control for this route's loudness (e.g. 'Speaker', 'Headphone', 'PCM'). */
    playbackControl?: string;
    /** Capture switch for a hardware microphone mute (e.g. 'Mic'). */
    captureControl?: string;
  };
}

export interface AlsaAudioDeviceOptions {
  clock: HalClock;
  name?: string;
  /** The board's routes; a phone with only a handset names only `handset`. */
  routes: Partial<Record<AudioRoute, AlsaRouteConfig>>;
  route?: AudioRoute;
  volume?: number;
  aplayPath?: string;
  amixerPath?: string;
  /** ALSA buffer of the playback PCM (default 60 ms: three 20 ms periods). */
  playbackBufferMs?: number;
  /** Most audio allowed to wait for the speaker before writes are dropped (default 120 ms). */
  maxPlaybackMs?: number;
  /** How long a restarted aplay must survive to count as restored (default 500 ms). */
  playbackHealthyMs?: number;
  /**
   * A capture that delivers nothing for this long is treated as lost (default
   * 2000 ms): snd_pcm_readi can block for ever on a wedged USB card, and no
   * event would ever say so. Each re-open then costs a thread-pool thread
   * until the blocked read returns, which the back-off keeps rare.
   */
  captureStallMs?: number;
  retry?: RetryBackoffOptions;
  log?: HalLog;
  /** Test seams: the alsa-capture class, how aplay is spawned, how amixer is run. */
  loadCapture?: () => Promise<AlsaCaptureConstructor>;
  spawn?: SpawnPlayback;
  runCommand?: CommandRunner;
}

/**
 * The live path's resampler: stopband at 1.15 × Nyquist, so residual aliases
 * fall only between 3.4 and 4 kHz (at 8 kHz), outside the G.712 telephone band,
 * for half the taps of a filter that allows none — it runs twice per period
 * (capture and playback) on the phone's CPU.
 */
const LIVE_RESAMPLING = { passband: 0.85, stopband: 1.15, attenuationDb: 80 } as const;

async function loadAlsaCapture(): Promise<AlsaCaptureConstructor> {
  // Lazy: alsa-capture is a native optional dependency; boards without ALSA never load it.
  return importOptional<AlsaCaptureConstructor>('alsa-capture');
}

interface Outage {
  since: number;
  backoff: RetryBackoff;
  timer: HalTimerHandle | undefined;
}

/**
 * The handset audio on ALSA: capture with alsa-capture, playback through an
 * aplay child (see aplay-playback.ts for why), mixer through amixer.
 *
 * Recovery is the driver's job, never the phone's: an xrun is counted and
 * reported and the stream goes on; a capture that fails or an aplay that
 * exits marks that direction lost (reported once), and it is re-opened with
 * exponential back-off until it delivers again (reported once more as
 * restored). That covers a USB sound card unplugged and plugged back.
 */
export class AlsaAudioDevice extends AudioDeviceBase implements AudioDevice {
  private readonly opts: AlsaAudioDeviceOptions;
  private readonly clock: HalClock;
  private readonly log: HalLog;
  private readonly run: CommandRunner;
  private Capture: AlsaCaptureConstructor | undefined;
  /** Bumped on stop/route change so callbacks of streams already closed are ignored. */
  private generation = 0;
  /** Rates cards answered with, by PCM name, so a re-open asks for the right rate at once. */
  private readonly learnedRates = new Map<string, number>();
  private gain = 1;

  private capture: AlsaCaptureStream | undefined;
  private captureResampler: Resampler | undefined;
  private captureScratch = new Int16Array(0);
  private assembler: FrameAssembler | undefined;
  private sampleIndex = 0;
  private captureOutage: Outage | undefined;
  private lastCaptureMs = 0;
  private watchdog: HalTimerHandle | undefined;

  private playback: AplayPlayback | undefined;
  private playbackRate = 0;
  private playbackResampler: Resampler | undefined;
  private playbackScratch = new Int16Array(0);
  private playbackResampled = new Int16Array(0);
  private playbackStartMs = 0;
  private playbackFrames = 0;
  private playbackOutage: Outage | undefined;
  private healthyTimer: HalTimerHandle | undefined;

  constructor(options: AlsaAudioDeviceOptions) {
    super(options.name ?? 'alsa-audio', options.route ?? 'handset', options.volume ?? 70);
    this.opts = options;
    this.clock = options.clock;
    this.log = options.log ?? silentLog;
    this.run = options.runCommand ?? execFileRunner;
    for (const [route, r] of Object.entries(options.routes)) {
      const where = `${this.name}: route '${route}'`;
      if (typeof r.captureDevice !== 'string' || r.captureDevice === '' || typeof r.playbackDevice !== 'string' || r.playbackDevice === '') {
        throw new HardwareError(HardwareErrorCode.BAD_SETTING, this.name, `${where} needs captureDevice and playbackDevice (ALSA PCM names)`);
      }
      if (r.hardwareRate !== undefined && !(Number.isInteger(r.hardwareRate) && r.hardwareRate >= 8000 && r.hardwareRate <= 192000)) {
        throw new HardwareError(HardwareErrorCode.BAD_SETTING, this.name, `${where}: hardwareRate ${r.hardwareRate} is not a sound card rate (8000–192000 Hz)`);
      }
    }
    if (options.routes[this.route_] === undefined) {
      throw new HardwareError(HardwareErrorCode.BAD_SETTING, this.name, `${this.name}: the board defines no '${this.route_}' route (it has: ${Object.keys(options.routes).join(', ') || 'none'})`);
    }
  }

  private get routeConfig(): AlsaRouteConfig {
    return this.opts.routes[this.route_]!;
  }

  async start(config: AudioStreamConfig): Promise<void> {
    const c = this.validate(config);
    if (this.config !== undefined) await this.stop();
    if (this.Capture === undefined) {
      try {
        this.Capture = await (this.opts.loadCapture ?? loadAlsaCapture)();
      } catch (cause) {
        throw new HardwareError(HardwareErrorCode.DRIVER_UNAVAILABLE, this.name, `${this.name}: alsa-capture cannot be loaded (install libasound2 and the optional dependency): ${(cause as Error).message}`, { cause });
      }
    }
    this.config = c;
    this.sampleIndex = 0;
    const gen = ++this.generation;
    try {
      this.openCapture(gen, true);
    } catch (error) {
      this.config = undefined;
      throw error;
    }
    this.openPlayback(gen);
    await this.applyMixer().catch((error: Error) => this.emit({ type: 'error', error }));
    this.log.info({ device: this.name, route: this.route_, ...c }, 'alsa audio started');
    this.emit({ type: 'started', config: c });
  }

  async stop(): Promise<void> {
    if (this.config === undefined) return;
    this.generation++;
    this.config = undefined;
    await this.closeStreams();
    this.endOutage('capture');
    this.endOutage('playback');
    this.emit({ type: 'stopped' });
  }

  write(samples: Int16Array): void {
    const c = this.config;
    const sink = this.playback;
    if (c === undefined || sink === undefined || !sink.alive) return; // while lost, the call goes on deaf
    let pcm = samples;
    if (this.gain !== 1) {
      if (this.playbackScratch.length < samples.length) this.playbackScratch = new Int16Array(samples.length);
      pcm = this.playbackScratch.subarray(0, samples.length);
      for (let i = 0; i < samples.length; i++) pcm[i] = Math.round(samples[i]! * this.gain);
    }
    if (this.playbackResampler !== undefined) {
      const need = this.playbackResampler.maxOutputLength(pcm.length);
      if (this.playbackResampled.length < need) this.playbackResampled = new Int16Array(need);
      pcm = this.playbackResampled.subarray(0, this.playbackResampler.process(pcm, this.playbackResampled));
    }
    // Bound the latency: aplay's stdin pipe holds seconds of audio, so estimate
    // what is still queued from the frames written and the time elapsed.
    const now = this.clock.now();
    let queued = this.playbackFrames - ((now - this.playbackStartMs) * this.playbackRate) / 1000;
    if (queued < 0) {
      this.playbackStartMs = now; // the queue ran dry (idle or an underrun): restart the estimate
      this.playbackFrames = 0;
      queued = 0;
    }
    const maxFrames = ((this.opts.maxPlaybackMs ?? 120) * this.playbackRate) / 1000;
    if (queued + pcm.length > maxFrames) {
      this.stats_.playbackDropped++;
      return;
    }
    const bytes = Buffer.allocUnsafe(pcm.length * 2); // owned by the pipe until flushed, so one per write
    for (let i = 0; i < pcm.length; i++) bytes.writeInt16LE(pcm[i]!, i * 2);
    sink.write(bytes);
    this.playbackFrames += pcm.length;
    this.stats_.framesPlayed++;
  }

  async setVolume(percent: number): Promise<void> {
    this.volume_ = this.checkVolume(percent);
    await this.applyVolume();
  }

  async setMute(muted: boolean): Promise<void> {
    this.muted_ = muted;
    const control = this.routeConfig.mixer?.captureControl;
    if (control !== undefined) await this.mixer().setCapture(control, !muted);
  }

  async setRoute(route: AudioRoute): Promise<void> {
    this.checkRoute(route);
    const next = this.opts.routes[route];
    if (next === undefined) {
      throw new HardwareError(HardwareErrorCode.BAD_SETTING, this.name, `${this.name}: the board defines no '${route}' route (it has: ${Object.keys(this.opts.routes).join(', ')})`);
    }
    const prev = this.routeConfig;
    this.route_ = route;
    if (this.config !== undefined && (prev.captureDevice !== next.captureDevice || prev.playbackDevice !== next.playbackDevice)) {
      // Another card or PCM: close both directions and open the new route's, which is a switch, not an outage.
      const gen = ++this.generation;
      await this.closeStreams();
      this.endOutage('capture');
      this.endOutage('playback');
      this.openCapture(gen, false);
      this.openPlayback(gen);
    }
    await this.applyMixer();
    this.emit({ type: 'route-changed', route });
  }

  // ---- capture ----

  private openCapture(gen: number, throwOnBadOption: boolean): void {
    const c = this.config!;
    const device = this.routeConfig.captureDevice;
    const rate = this.routeConfig.hardwareRate ?? this.learnedRates.get(`capture:${device}`) ?? c.sampleRate;
    const period = samplesPerPeriod(c);
    this.assembler ??= new FrameAssembler(period, (frame) => this.onPeriod(frame));
    if (this.assembler.frame.length !== period) this.assembler = new FrameAssembler(period, (frame) => this.onPeriod(frame));
    this.assembler.reset();
    this.setCaptureRate(rate, device);
    try {
      this.capture = new AlsaCaptureStream(
        this.Capture!,
        { device, channels: 1, rate, format: 'S16_LE', periodSize: Math.round((rate * c.periodMs) / 1000) },
        {
          samples: (pcm, r) => gen === this.generation && this.onCaptured(pcm, r, device),
          overrun: () => gen === this.generation && this.onOverrun(),
          rate: (r) => {
            if (gen !== this.generation) return;
            this.learnedRates.set(`capture:${device}`, r);
            this.setCaptureRate(r, device);
          },
          lost: (reason) => gen === this.generation && this.lose('capture', device, reason),
        },
      );
      this.armWatchdog(gen, device);
    } catch (cause) {
      if (throwOnBadOption) {
        throw new HardwareError(HardwareErrorCode.BAD_SETTING, device, `${this.name}: alsa-capture refused the settings for ${device}: ${(cause as Error).message}`, { cause });
      }
      this.lose('capture', device, (cause as Error).message);
    }
  }

  private setCaptureRate(rate: number, device: string): void {
    const streamRate = this.config!.sampleRate;
    if (rate === streamRate) {
      this.captureResampler = undefined;
      return;
    }
    if (this.captureResampler?.inputRate === rate) return;
    this.captureResampler = new Resampler(rate, streamRate, LIVE_RESAMPLING);
    this.log.info({ device, hardwareRate: rate, streamRate }, 'capture resampled in the driver');
    this.emit({ type: 'resampling', direction: 'capture', device, hardwareRate: rate, streamRate });
  }

  private onCaptured(pcm: Int16Array, rate: number, device: string): void {
    this.lastCaptureMs = this.clock.now();
    if (this.captureOutage !== undefined) {
      // The media clock counts samples of real time: skip the periods the outage swallowed,
      // so RTP timestamps after the gap say how long it was.
      const c = this.config!;
      const period = samplesPerPeriod(c);
      this.sampleIndex += Math.floor((this.clock.now() - this.captureOutage.since) * c.sampleRate / 1000 / period) * period;
      this.restore('capture', device);
    }
    if (rate !== this.config!.sampleRate) {
      if (this.captureResampler?.inputRate !== rate) this.setCaptureRate(rate, device);
      const r = this.captureResampler!;
      const need = r.maxOutputLength(pcm.length);
      if (this.captureScratch.length < need) this.captureScratch = new Int16Array(need);
      const n = r.process(pcm, this.captureScratch);
      this.assembler!.push(this.captureScratch.subarray(0, n));
    } else {
      this.assembler!.push(pcm);
    }
  }

  private onPeriod(frame: Int16Array): void {
    this.deliver(frame, this.sampleIndex);
    this.sampleIndex += frame.length;
  }

  private onOverrun(): void {
    this.stats_.overruns++;
    this.captureResampler?.reset();
    this.emit({ type: 'xrun', direction: 'capture', kind: 'overrun', count: this.stats_.overruns });
  }

  // ---- playback ----

  private openPlayback(gen: number): void {
    const c = this.config!;
    const device = this.routeConfig.playbackDevice;
    const rate = this.routeConfig.hardwareRate ?? this.learnedRates.get(`playback:${device}`) ?? c.sampleRate;
    this.playbackRate = rate;
    this.playbackResampler = rate === c.sampleRate ? undefined : new Resampler(c.sampleRate, rate, LIVE_RESAMPLING);
    if (this.playbackResampler !== undefined) {
      this.emit({ type: 'resampling', direction: 'playback', device, hardwareRate: rate, streamRate: c.sampleRate });
    }
    this.playbackStartMs = this.clock.now();
    this.playbackFrames = 0;
    const bufferMs = this.opts.playbackBufferMs ?? 60;
    try {
      const sink = new AplayPlayback(
        this.opts.spawn ?? spawnChild,
        { aplay: this.opts.aplayPath ?? 'aplay', device, rate, bufferUs: bufferMs * 1000, periodUs: c.periodMs * 1000 },
        {
          underrun: () => {
            if (gen !== this.generation) return;
            this.stats_.underruns++;
            this.emit({ type: 'xrun', direction: 'playback', kind: 'underrun', count: this.stats_.underruns });
          },
          rateMismatch: (actual) => {
            if (gen !== this.generation || sink !== this.playback) return;
            // aplay plays on at the card's rate, so our 8 kHz would come out six times too fast: reopen and resample.
            this.learnedRates.set(`playback:${device}`, actual);
            this.playback = undefined;
            void sink.stop((fn) => this.clock.setTimeout(fn, 1000));
            this.openPlayback(gen);
          },
          exited: (reason) => {
            if (gen !== this.generation || sink !== this.playback) return;
            this.playback = undefined;
            this.lose('playback', device, reason);
          },
        },
      );
      this.playback = sink;
      if (this.playbackOutage !== undefined) {
        this.clock.clearTimeout(this.healthyTimer);
        this.healthyTimer = this.clock.setTimeout(() => {
          if (gen === this.generation && this.playback === sink && sink.alive) this.restore('playback', device);
        }, this.opts.playbackHealthyMs ?? 500);
      }
    } catch (cause) {
      this.lose('playback', device, (cause as Error).message);
    }
  }

  // ---- recovery ----

  private lose(direction: AudioDirection, device: string, reason: string): void {
    if (this.config === undefined) return;
    const gen = this.generation;
    let outage = direction === 'capture' ? this.captureOutage : this.playbackOutage;
    if (outage === undefined) {
      outage = { since: this.clock.now(), backoff: new RetryBackoff(this.opts.retry), timer: undefined };
      if (direction === 'capture') this.captureOutage = outage;
      else this.playbackOutage = outage;
      this.stats_.deviceLosses++;
      this.log.warn({ device, direction, reason }, 'audio device lost; retrying in the background');
      this.emit({ type: 'device-lost', direction, device, reason });
    } else {
      this.log.debug({ device, direction, reason, attempt: outage.backoff.attempts }, 'audio device still missing');
    }
    if (direction === 'capture') {
      this.capture?.close();
      this.capture = undefined;
    }
    this.clock.clearTimeout(outage.timer);
    const o = outage;
    o.timer = this.clock.setTimeout(() => {
      o.timer = undefined;
      if (gen !== this.generation || this.config === undefined) return;
      if (direction === 'capture') this.openCapture(gen, false);
      else this.openPlayback(gen);
    }, outage.backoff.next());
  }

  private restore(direction: AudioDirection, device: string): void {
    const outage = direction === 'capture' ? this.captureOutage : this.playbackOutage;
    if (outage === undefined) return;
    this.endOutage(direction);
    const downtimeMs = this.clock.now() - outage.since;
    this.log.info({ device, direction, downtimeMs }, 'audio device restored');
    this.emit({ type: 'device-restored', direction, device, downtimeMs });
  }

  private endOutage(direction: AudioDirection): void {
    const outage = direction === 'capture' ? this.captureOutage : this.playbackOutage;
    if (outage !== undefined) this.clock.clearTimeout(outage.timer);
    if (direction === 'capture') this.captureOutage = undefined;
    else this.playbackOutage = undefined;
  }

  /** Checks twice per stall period that the open capture still delivers (see captureStallMs). */
  private armWatchdog(gen: number, device: string): void {
    const stallMs = this.opts.captureStallMs ?? 2000;
    this.clock.clearTimeout(this.watchdog);
    this.lastCaptureMs = this.clock.now();
    const check = () => {
      this.watchdog = undefined;
      if (gen !== this.generation || this.capture === undefined) return;
      const silentFor = this.clock.now() - this.lastCaptureMs;
      if (silentFor >= stallMs) return this.lose('capture', device, `no audio for ${Math.round(silentFor)} ms`);
      this.watchdog = this.clock.setTimeout(check, stallMs / 2);
    };
    this.watchdog = this.clock.setTimeout(check, stallMs / 2);
  }

  private async closeStreams(): Promise<void> {
    this.clock.clearTimeout(this.watchdog);
    this.watchdog = undefined;
    this.capture?.close();
    this.capture = undefined;
    this.captureResampler?.reset();
    this.clock.clearTimeout(this.healthyTimer);
    const sink = this.playback;
    this.playback = undefined;
    if (sink !== undefined) await sink.stop((fn) => this.clock.setTimeout(fn, 1000));
  }

  // ---- mixer ----

  private mixer(): AlsaMixer {
    return new AlsaMixer(this.routeConfig.mixer ?? {}, this.run, this.opts.amixerPath ?? 'amixer', this.name);
  }

  private async applyVolume(): Promise<void> {
    const control = this.routeConfig.mixer?.playbackControl;
    if (control === undefined) {
      this.gain = volumeToGain(this.volume_); // no mixer control on this route (snd-aloop has none): scale in software
      return;
    }
    this.gain = 1;
    await this.mixer().setVolume(control, this.volume_);
  }

  private async applyMixer(): Promise<void> {
    await this.applyVolume();
    const control = this.routeConfig.mixer?.captureControl;
    if (control !== undefined) await this.mixer().setCapture(control, !this.muted_);
  }
}

export function createAlsaAudioDevice(options: AlsaAudioDeviceOptions): AlsaAudioDevice {
  return new AlsaAudioDevice(options);
}
