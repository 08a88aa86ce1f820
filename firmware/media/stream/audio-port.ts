/**
 * What a media stream needs of an audio device (firmware/media does not import
 * hal/; the phone adapts its AudioDevice to this, or the media worker opens a
 * port of its own). The shape matches hal's AudioDevice (`onFrame(listener)`
 * with the frame's first sample index, `write(samples)`) so the adapter is thin.
 *
 * Two ways to be timed (issue 4 §6):
 * - paced: capture frames arrive on the sound card's clock and each one drives
 *   a send; there is no timer at all;
 * - unpaced (simulator, test signals): the stream's drift-free scheduler ticks
 *   every ptime and pulls a frame with read().
 */
import { SAMPLE_RATE } from '../constants.js';
import { ToneGenerator } from '../tones/index.js';
import type { ToneSpec } from '../tones/index.js';
import { SampleFifo } from './sample-fifo.js';

export type AudioFrameCallback = (samples: Int16Array, sampleIndex: number) => void;

export interface MediaAudioPort {
  readonly sampleRate: number;
  /** True when capture frames are paced by hardware: the stream sends on each one. */
  readonly paced: boolean;
  /** Paced ports: subscribe to capture frames (the frame is reused after the callback). */
  onFrame?(listener: AudioFrameCallback): () => void;
  /** Unpaced ports: fill `out` with the next captured samples; false when none were available (silence is sent). */
  read?(out: Int16Array): boolean;
  /** Plays one frame (copied before return). */
  write(samples: Int16Array): void;
  /** Releases whatever the port holds (called when its stream closes). */
  close?(): void;
}

/** Capture silence, discard playback: a stream that only sends DTMF or tests the network. */
export class SilentAudioPort implements MediaAudioPort {
  readonly paced = false;
  framesWritten = 0;
  constructor(readonly sampleRate = SAMPLE_RATE) {}
  read(out: Int16Array): boolean {
    out.fill(0);
    return true;
  }
  write(): void {
    this.framesWritten++;
  }
}

/** A test signal as the microphone (e.g. a 1 kHz tone), and a bounded record of what was played. */
export class GeneratorAudioPort implements MediaAudioPort {
  readonly paced = false;
  private readonly gen: ToneGenerator;
  private readonly played: SampleFifo;

  constructor(
    tone: ToneSpec,
    readonly sampleRate = SAMPLE_RATE,
    recordSamples = 0,
  ) {
    this.gen = new ToneGenerator(tone, { sampleRate });
    this.played = new SampleFifo(Math.max(1, recordSamples));
  }

  read(out: Int16Array): boolean {
    this.gen.next(out);
    return true;
  }

  write(samples: Int16Array): void {
    this.played.push(samples);
  }

  /** The most recent playback (up to the record length), oldest first. */
  takePlayed(): Int16Array {
    const out = new Int16Array(this.played.length);
    this.played.pull(out);
    return out;
  }
}

/**
 * Adapts a device that pushes capture frames without a hardware clock (the
 * simulated handset's emitFrame) to the scheduler: frames queue in a small FIFO
 * and each tick takes one frame's worth.
 */
export class BufferedAudioPort implements MediaAudioPort {
  readonly paced = false;
  private readonly fifo: SampleFifo;

  constructor(
    private readonly sink: (samples: Int16Array) => void,
    readonly sampleRate = SAMPLE_RATE,
    capacitySamples = 4 * 480,
  ) {
    this.fifo = new SampleFifo(capacitySamples);
  }

  /** Capture side: the device delivered these samples. */
  capture(samples: Int16Array): void {
    this.fifo.push(samples);
  }

  read(out: Int16Array): boolean {
    if (this.fifo.pull(out)) return true;
    out.fill(0);
    return false;
  }

  write(samples: Int16Array): void {
    this.sink(samples);
  }
}
