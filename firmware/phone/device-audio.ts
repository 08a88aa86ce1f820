import type { AudioDevice } from '../../hal/index.js';
import { callProgressTone, SharedAudioRing, ToneGenerator, type AudioSpec, type ToneKind } from '../media/index.js';
import type { PhoneAudio } from './phone-ports.js';
import type { AudioRoute, ToneName } from './phone-events.js';

const SAMPLE_RATE = 8000;
const PERIOD_MS = 20;
const PERIOD = (SAMPLE_RATE * PERIOD_MS) / 1000;
const RING_PERIODS = 16;

const TONE_KINDS: Record<ToneName, ToneKind> = {
  dial: 'dial',
  'second-dial': 'stutterDial',
  ringback: 'ringback',
  busy: 'busy',
  congestion: 'congestion',
  'call-waiting': 'callWaiting',
  confirmation: 'confirmation',
};

interface CallLink {
  capture: SharedAudioRing;
  playback: SharedAudioRing;
}

/**
 * The phone's one audio device, shared between the phone's own sounds and the
 * call. The device runs for as long as the phone does and its capture clock
 * paces everything: each captured period goes to the active call's media
 * stream (a worker, through a shared ring, so the sound card still paces the
 * sender) and one period is played back — the call's audio, with a local tone
 * mixed in (call waiting), or the tone alone (dial tone, ringback, busy), or
 * silence. Only the call being talked to is linked; a held call hears nothing.
 */
export class DeviceAudio implements PhoneAudio {
  private tone: ToneGenerator | undefined;
  private readonly toneFrame = new Int16Array(PERIOD);
  private readonly out = new Int16Array(PERIOD);
  private active: CallLink | undefined;
  private route: AudioRoute | null = null;
  private readonly volumes: Record<AudioRoute, number> = { handset: 70, headset: 70, speaker: 60 };
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly device: AudioDevice,
    private region: string,
  ) {}

  /** The tone region changed (settings): tones from now on follow the new table. */
  setRegion(region: string): void {
    this.region = region;
  }

  async start(): Promise<void> {
    this.unsubscribe = this.device.onFrame((samples) => this.onFrame(samples));
    await this.device.start({ sampleRate: SAMPLE_RATE, periodMs: PERIOD_MS });
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    await this.device.stop();
  }

  playTone(tone: ToneName | null): void {
    this.tone = tone === null ? undefined : new ToneGenerator(callProgressTone(this.region, TONE_KINDS[tone]), { sampleRate: SAMPLE_RATE });
  }

  setRoute(route: AudioRoute | null): void {
    this.route = route;
    if (route === null) return;
    void this.device.setRoute(route).then(() => this.device.setVolume(this.volumes[route]));
  }

  setVolume(target: AudioRoute | 'ringer', level: number): void {
    if (target === 'ringer') return; // the ringer has its own device (hal Ringer)
    this.volumes[target] = level;
    if (target === this.route) void this.device.setVolume(level);
  }

  setMuted(muted: boolean): void {
    void this.device.setMute(muted);
  }

  /** Audio for a call's media stream (pass as `audio` to MediaEngine.openStream); call `activate` to hear it. */
  createLink(): { spec: AudioSpec; link: CallLink } {
    const link = { capture: new SharedAudioRing(PERIOD * RING_PERIODS), playback: new SharedAudioRing(PERIOD * RING_PERIODS) };
    return { link, spec: { kind: 'shared', capture: link.capture.buffer, playback: link.playback.buffer, paced: true, periodSamples: PERIOD } };
  }

  /** The call being talked to (undefined: none). */
  activate(link: CallLink | undefined): void {
    this.active = link;
  }

  private onFrame(samples: Int16Array): void {
    const n = Math.min(samples.length, PERIOD);
    const out = n === PERIOD ? this.out : this.out.subarray(0, n);
    const link = this.active;
    if (link) {
      link.capture.write(samples);
      if (!link.playback.read(out)) out.fill(0);
    } else out.fill(0);
    if (this.tone) {
      const tone = n === PERIOD ? this.toneFrame : this.toneFrame.subarray(0, n);
      this.tone.next(tone);
      for (let i = 0; i < n; i++) {
        const v = out[i]! + tone[i]!;
        out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
      }
    }
    // Nothing is heard with the phone on-hook (the handset is in the cradle, the speaker off).
    if (this.route === null) out.fill(0);
    this.device.write(out);
  }
}
