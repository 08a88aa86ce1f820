import { createAlsaAudioDevice } from '../../../hal/audio/index.js';
import type { AudioDeviceEvent } from '../../../hal/audio/index.js';
import { SystemClock } from '../../../firmware/clock/index.js';
import { ALSA_LOOPBACK_CARD } from '../../../scripts/vm/guest-devices.js';
import { measureTone, tone } from '../signal.js';
import { waitFor } from '../sleep.js';
import type { CheckResult } from '../report.js';

const RATE = 8000;
const PERIOD_MS = 20;
const FRAME = (RATE * PERIOD_MS) / 1000;
/** The rate of a USB handset that cannot run at 8 kHz (issue 6: "open at its native rate and resample inside the driver"). */
export const CARD_RATE = 48_000;
export const TONE_HZ = 1000;
export const TONE_AMPLITUDE = 8000;
const TONE_FRAMES = 75; // 1.5 s
const PLAYING_FRAMES = 150; // capture this long, then measure the middle of the tone

/**
 * hal/audio's device on a route whose card runs at 48 kHz: the phone's
 * 8 kHz stream is resampled up for aplay and down from alsa-capture inside
 * the driver, through snd-aloop at 48 kHz. Not bit-exact by nature, so a
 * 1 kHz tone is measured on the way back: its level and how clean it is.
 */
export async function halAudioResampled(): Promise<CheckResult> {
  const device = createAlsaAudioDevice({
    clock: new SystemClock(),
    name: 'loopback-48k',
    volume: 100,
    playbackBufferMs: 120,
    maxPlaybackMs: 5_000,
    routes: {
      handset: { captureDevice: `hw:${ALSA_LOOPBACK_CARD},1,1`, playbackDevice: `hw:${ALSA_LOOPBACK_CARD},0,1`, hardwareRate: CARD_RATE },
    },
  });
  const signal = tone(TONE_HZ, TONE_AMPLITUDE, RATE, FRAME * TONE_FRAMES);
  const captured: Int16Array[] = [];
  const events: string[] = [];
  let written = 0;
  device.onEvent((e: AudioDeviceEvent) => {
    if (e.type === 'resampling') events.push(`resampling ${e.direction} ${e.hardwareRate}→${e.streamRate}`);
    else if (e.type === 'xrun') events.push(`xrun ${e.direction} ${e.kind}`);
    else events.push(e.type);
  });
  device.onFrame((samples) => {
    captured.push(samples.slice());
    // Playback paced by capture, as the media engine does; the tone is phase-continuous across frames.
    if (written < TONE_FRAMES) device.write(signal.subarray(written * FRAME, ++written * FRAME));
  });
  await device.start({ sampleRate: RATE, periodMs: PERIOD_MS });
  try {
    await waitFor(() => captured.length >= PLAYING_FRAMES, 30_000, `${PLAYING_FRAMES} captured frames`);
    const all = new Int16Array(captured.length * FRAME);
    captured.forEach((f, i) => all.set(f, i * FRAME));
    // The loudest half second is where the tone came back (after start-up latency, before it ended).
    const window = RATE / 2;
    let best = 0;
    let bestEnergy = -1;
    for (let start = 0; start + window <= all.length; start += FRAME) {
      let e = 0;
      for (let i = start; i < start + window; i++) e += all[i]! * all[i]!;
      if (e > bestEnergy) {
        bestEnergy = e;
        best = start;
      }
    }
    const measured = measureTone(all.subarray(best, best + window), TONE_HZ, RATE);
    return { ok: true, framesCaptured: captured.length, frameSamples: captured[0]?.length ?? 0, ...measured, stats: { ...device.stats }, events };
  } finally {
    await device.stop();
  }
}
