/**
 * A 3-way conference hosted on the phone (issue 4 §8): the handset (one audio
 * port) and two calls (two MediaStreams). The bridge gives each stream a
 * virtual port (a "leg") and mixes with ConferenceMixer: each party hears the
 * other two, never itself.
 *
 * Leg A drives the bridge: each time stream A's clock takes a frame, the
 * bridge takes one microphone frame, mixes it with the last frame each call
 * played, sends the handset its mix and keeps B's mix for stream B's next
 * frame. Both streams run at the same ptime, so B is at most one frame behind.
 * A paced handset's frames go through a FIFO, so its clock and the streams'
 * may differ by the FIFO's slack without audio piling up.
 */
import { ConferenceMixer } from '../mixer/index.js';
import type { MediaAudioPort } from './audio-port.js';
import { SampleFifo } from './sample-fifo.js';

class Leg implements MediaAudioPort {
  readonly paced = false;
  constructor(
    readonly sampleRate: number,
    private readonly onRead: (out: Int16Array) => boolean,
    private readonly onWrite: (samples: Int16Array) => void,
  ) {}
  read(out: Int16Array): boolean {
    return this.onRead(out);
  }
  write(samples: Int16Array): void {
    this.onWrite(samples);
  }
}

export class ConferenceBridge {
  /** Port for the first call's stream. */
  readonly legA: MediaAudioPort;
  /** Port for the second call's stream. */
  readonly legB: MediaAudioPort;
  private readonly mixer: ConferenceMixer;
  private readonly mic: Int16Array;
  private readonly fromA: Int16Array;
  private readonly fromB: Int16Array;
  private readonly toB: Int16Array;
  private readonly micFifo: SampleFifo | undefined;
  private readonly unsubscribe: (() => void) | undefined;
  private haveB = false;

  constructor(
    /** The handset (or headset, speaker): the local party. */
    readonly device: MediaAudioPort,
    readonly frameSamples: number,
  ) {
    this.mixer = new ConferenceMixer({ frameSamples, sampleRate: device.sampleRate });
    this.mic = new Int16Array(frameSamples);
    this.fromA = new Int16Array(frameSamples);
    this.fromB = new Int16Array(frameSamples);
    this.toB = new Int16Array(frameSamples);
    if (device.paced && device.onFrame) {
      // Two frames of slack between the handset's clock and the streams' scheduler.
      const fifo = new SampleFifo(4 * frameSamples);
      this.micFifo = fifo;
      this.unsubscribe = device.onFrame((samples) => fifo.push(samples));
    }
    this.legA = new Leg(
      device.sampleRate,
      (out) => this.step(out),
      (s) => this.fromA.set(s.subarray(0, frameSamples)),
    );
    this.legB = new Leg(
      device.sampleRate,
      (out) => {
        out.set(this.toB);
        return this.haveB;
      },
      (s) => this.fromB.set(s.subarray(0, frameSamples)),
    );
  }

  /** Local mute: the microphone leaves both calls' mixes (the calls still hear each other). */
  setMicMuted(muted: boolean): void {
    this.mixer.setGain('local', muted ? 0 : 1);
  }

  /** Ends the bridge: the device is the caller's again. */
  close(): void {
    this.unsubscribe?.();
  }

  private step(outA: Int16Array): boolean {
    let gotMic: boolean;
    if (this.micFifo) gotMic = this.micFifo.pull(this.mic);
    else gotMic = this.device.read ? this.device.read(this.mic) : false;
    if (!gotMic) this.mic.fill(0);
    const mix = this.mixer.mix(this.mic, this.fromA, this.fromB);
    outA.set(mix.toA);
    this.toB.set(mix.toB);
    this.haveB = true;
    this.device.write(mix.toLocal);
    return true;
  }
}
