/**
 * Links a main-thread audio device (hal's AudioDevice has this shape) to a
 * worker stream through two SharedAudioRings: each captured period goes into
 * the capture ring (the worker's paced port wakes on it, so the device's clock
 * still paces the sender), and for each captured period one period of
 * playback is taken from the playback ring and written to the device
 * (silence while the worker has not produced any yet — the start of a call).
 *
 * This costs one main-thread hop per period; a device opened inside the
 * worker (the 'module' AudioSpec) avoids even that.
 */
import type { AudioFrameCallback } from './audio-port.js';
import type { AudioSpec } from './messages.js';
import { SharedAudioRing } from './shared-audio-ring.js';

/** What the link needs of a device: hal's AudioDevice satisfies it. */
export interface LinkableAudioDevice {
  onFrame(listener: AudioFrameCallback): () => void;
  write(samples: Int16Array): void;
}

export interface AudioDeviceLink {
  /** Pass as `audio` to MediaEngine.openStream. */
  readonly spec: AudioSpec;
  /** Periods played as silence because the worker had none ready. */
  readonly underruns: number;
  /** Stops forwarding; the device is free for another stream. */
  close(): void;
}

export function linkAudioDevice(device: LinkableAudioDevice, periodSamples: number, bufferedPeriods = 16): AudioDeviceLink {
  const capture = new SharedAudioRing(periodSamples * bufferedPeriods);
  const playback = new SharedAudioRing(periodSamples * bufferedPeriods);
  const out = new Int16Array(periodSamples);
  let underruns = 0;
  const unsubscribe = device.onFrame((samples) => {
    capture.write(samples);
    const n = Math.min(samples.length, out.length);
    const view = n === out.length ? out : out.subarray(0, n);
    if (!playback.read(view)) {
      view.fill(0);
      underruns++;
    }
    device.write(view);
  });
  return {
    spec: { kind: 'shared', capture: capture.buffer, playback: playback.buffer, paced: true, periodSamples },
    get underruns() {
      return underruns;
    },
    close: unsubscribe,
  };
}
