import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { ALSA_LOOPBACK_CARD } from '../../../scripts/vm/guest-devices.js';
import { alignSignal, matchFrames, testSignal } from '../signal.js';
import type { CheckResult } from '../report.js';
import type { AlsaCaptureConstructor } from '../../../hal/audio/index.js';

const require = createRequire(import.meta.url);

const RATE = 8000;
const PERIOD = 160; // 20 ms at 8 kHz: the phone's frame
const SECONDS = 1;
const PLAYBACK = `hw:${ALSA_LOOPBACK_CARD},0,0`;
const CAPTURE = `hw:${ALSA_LOOPBACK_CARD},1,0`;

/**
 * snd-aloop's two ends: what `aplay` plays on device 0 is what alsa-capture
 * records on device 1 of the same subdevice, at the real-time pace of the
 * kernel's timer. Checks that one second of noise arrives bit-exact and that
 * capture delivers about 50 periods a second. What alsa-capture negotiated is
 * reported as it is: alsa-capture 0.3.0 passes an uninitialised `dir` to
 * snd_pcm_hw_params_set_rate_near / set_period_size_near, so on a device
 * with a continuous rate range (snd-aloop, plug layers) it may get 8001 Hz
 * and 161-frame periods, depending on what its thread's stack last held.
 * The cable then carries aplay's samples at that rate, still unchanged.
 */
export async function alsaLoopback(): Promise<CheckResult> {
  const AlsaCapture = require('alsa-capture') as AlsaCaptureConstructor;
  const signal = testSignal(RATE * SECONDS);
  const chunks: Buffer[] = [];
  const events: Record<string, number> = { overrun: 0, shortRead: 0, readError: 0 };
  const capture = new AlsaCapture({ device: CAPTURE, channels: 1, rate: RATE, format: 'S16_LE', periodSize: PERIOD });
  const failed = new Promise<never>((_, reject) => capture.on('error', (e: Error) => reject(e)));
  failed.catch(() => {}); // raced below; an error after the race is over must not crash the guest program
  for (const name of Object.keys(events)) capture.on(name, () => (events[name] = (events[name] ?? 0) + 1));
  // What the driver negotiated, when it differs from what was asked (delivered as strings).
  const deviations: Record<string, string> = {};
  for (const name of ['rateDeviating', 'periodSizeDeviating', 'periodTime']) {
    capture.on(name, (v: unknown) => (deviations[name] = String(v)));
  }
  const firstPeriod = new Promise<void>((resolve) => capture.on('audio', () => resolve()));
  let periods = 0;
  capture.on('audio', (data: Uint8Array) => {
    periods++;
    chunks.push(Buffer.from(data));
  });
  try {
    await Promise.race([firstPeriod, failed]);
    const t0 = performance.now();
    const periodsBefore = periods;
    const aplay = spawn('aplay', ['-q', '-D', PLAYBACK, '-t', 'raw', '-f', 'S16_LE', '-r', String(RATE), '-c', '1'], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let aplayErr = '';
    aplay.stderr.setEncoding('utf8').on('data', (s: string) => (aplayErr += s));
    aplay.stdin.end(Buffer.from(signal.buffer, signal.byteOffset, signal.byteLength));
    const [code] = (await Promise.race([once(aplay, 'close'), failed])) as [number | null];
    if (code !== 0) throw new Error(`aplay exited ${code}: ${aplayErr.trim()}`);
    // Let the last periods of the signal come through the loop.
    await new Promise((r) => setTimeout(r, 400));
    const elapsedS = (performance.now() - t0) / 1000;
    const periodsPerSecond = (periods - periodsBefore) / elapsedS;
    const bytes = Buffer.concat(chunks);
    const captured = new Int16Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 2));
    const alignment = alignSignal(captured, signal);
    // Frame by frame as well: an aplay starved by a stalled guest underruns, snd-aloop plays silence, the rest comes later.
    const frames = matchFrames(captured, signal, PERIOD);
    return {
      ok: true,
      periods,
      periodBytes: [...new Set(chunks.map((c) => c.length))],
      deviations,
      periodsPerSecond,
      signalSamples: signal.length,
      ...alignment,
      frames: { ...frames, total: signal.length / PERIOD },
      ...events,
    };
  } finally {
    capture.close();
  }
}
