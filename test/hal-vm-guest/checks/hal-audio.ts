import { readFile } from 'node:fs/promises';
import { createAlsaAudioDevice } from '../../../hal/audio/index.js';
import type { AudioDeviceEvent } from '../../../hal/audio/index.js';
import { SystemClock } from '../../../firmware/clock/index.js';
import { ALSA_LOOPBACK_CARD } from '../../../scripts/vm/guest-devices.js';
import { matchFrames, testSignal } from '../signal.js';
import { sleep, waitFor } from '../sleep.js';
import type { CheckResult } from '../report.js';

const RATE = 8000;
const PERIOD_MS = 20;
const FRAME = (RATE * PERIOD_MS) / 1000;
const SIGNAL_FRAMES = 50; // one second
/**
 * Frames queued before pacing by capture starts, a playback buffer larger
 * than a board's 60 ms, and a latency bound far above the driver's 120 ms:
 * a loaded host starves the TCG guest for up to a second, capture then hands
 * over a burst of frames, and the driver would rightly drop what exceeds its
 * bound. This check is about the audio path being exact; the bound has unit tests.
 */
const PREFILL_FRAMES = 4;
/**
 * Silence is played until the kernel shows the playback substream RUNNING and
 * this many frames more: a call's audio starts on a device already running,
 * and aplay's first start under TCG (libraries and ALSA config over 9p) can
 * take a second, which a phone on real hardware never sees.
 */
const WARMUP_FRAMES = 10;
const PLAYBACK_STATUS = `/proc/asound/${ALSA_LOOPBACK_CARD}/pcm0p/sub0/status`;
const PLAYBACK_BUFFER_MS = 120;
const MAX_PLAYBACK_MS = 5_000;

/**
 * hal/audio's ALSA device (alsa-capture in, a long-lived aplay out) with its
 * handset route on the two ends of snd-aloop, so what it plays comes back as
 * what it captures. It is driven as the media engine drives it: each captured
 * frame (the media clock) is answered by writing the next frame to play.
 * At 100 % volume the driver applies no gain, so the loop must be bit-exact.
 */
export async function halAudio(): Promise<CheckResult> {
  const device = createAlsaAudioDevice({
    clock: new SystemClock(),
    name: 'loopback-handset',
    volume: 100,
    playbackBufferMs: PLAYBACK_BUFFER_MS,
    maxPlaybackMs: MAX_PLAYBACK_MS,
    routes: { handset: { captureDevice: `hw:${ALSA_LOOPBACK_CARD},1,0`, playbackDevice: `hw:${ALSA_LOOPBACK_CARD},0,0` } },
  });
  const signal = testSignal(FRAME * SIGNAL_FRAMES, 0xa0d10);
  const silence = new Int16Array(FRAME);
  const captured: Int16Array[] = [];
  const events: string[] = [];
  let resampling = false;
  let nextIndex = 0;
  let indexGaps = 0;
  let framesWritten = 0;
  device.onEvent((e: AudioDeviceEvent) => {
    if (e.type === 'resampling') resampling = true;
    if (e.type === 'xrun') events.push(`xrun ${e.direction} ${e.kind}`);
    else if (e.type === 'resampling') events.push(`resampling ${e.direction} ${e.hardwareRate}→${e.streamRate}`);
    else if (e.type === 'device-lost') events.push(`device-lost ${e.direction}: ${e.reason}`);
    else events.push(e.type);
  });
  device.onFrame((samples, sampleIndex) => {
    if (sampleIndex !== nextIndex) indexGaps++;
    nextIndex = sampleIndex + samples.length;
    captured.push(samples.slice()); // the device reuses its buffer after the callback
    if (signalFrom === undefined || captured.length < signalFrom) {
      device.write(silence);
      return;
    }
    const burst = framesWritten === 0 ? PREFILL_FRAMES : 1;
    for (let i = 0; i < burst && framesWritten < SIGNAL_FRAMES; i++) {
      device.write(signal.subarray(framesWritten * FRAME, (framesWritten + 1) * FRAME));
      framesWritten++;
    }
  });
  let signalFrom: number | undefined;
  const t0 = performance.now();
  await device.start({ sampleRate: RATE, periodMs: PERIOD_MS });
  try {
    await waitFor(() => captured.length > 0, 10_000, 'the first captured frame');
    const playbackRunning = async (): Promise<boolean> =>
      /state: RUNNING/.test(await readFile(PLAYBACK_STATUS, 'utf8').catch(() => ''));
    const warmDeadline = performance.now() + 15_000;
    while (!(await playbackRunning())) {
      if (performance.now() > warmDeadline) throw new Error(`${PLAYBACK_STATUS} never showed RUNNING`);
      await sleep(20);
    }
    const warmupMs = performance.now() - t0;
    signalFrom = captured.length + WARMUP_FRAMES;
    await waitFor(() => framesWritten >= SIGNAL_FRAMES, 30_000, 'the signal to be written');
    const capturedSoFar = (): Int16Array => {
      const all = new Int16Array(captured.reduce((n, f) => n + f.length, 0));
      let at = 0;
      for (const f of captured) {
        all.set(f, at);
        at += f.length;
      }
      return all;
    };
    // Until every frame is back, or 5 s.
    const settled = (): boolean => matchFrames(capturedSoFar(), signal, FRAME).intact === SIGNAL_FRAMES;
    await waitFor(settled, 5_000, 'the signal to come back through the loop').catch(() => undefined);
    const elapsedS = (performance.now() - t0) / 1000;
    const all = capturedSoFar();
    const match = matchFrames(all, signal, FRAME);
    return {
      ok: true,
      framesCaptured: captured.length,
      frameSamples: captured[0]?.length ?? 0,
      framesPerSecond: captured.length / elapsedS,
      indexGaps,
      resampling,
      signalFrames: SIGNAL_FRAMES,
      ...match,
      warmupMs,
      // From writing the first signal frame to capturing it: buffer + loop + capture period.
      loopLatencyMs: match.offset >= 0 ? ((match.offset - signalFrom * FRAME) / RATE) * 1000 : undefined,
      stats: { ...device.stats },
      events,
    };
  } finally {
    await device.stop();
  }
}
