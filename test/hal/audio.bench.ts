/**
 * Audio frame delivery jitter from the file-backed device (issue 6
 * "Performance"): how far each 20 ms frame lands from its ideal instant
 * (start + n·20 ms), over BENCH_SECONDS (default 10 s) of real time, beside a
 * naive reader paced by setInterval(20) in the same run. Run on an idle event
 * loop and on one kept busy 5 ms in every 50 ms (DESIGN.md's load).
 *
 *   npm run bench -- audio
 */
import { performance } from 'node:perf_hooks';
import { createFileAudioDevice } from '../../hal/audio/index.js';
import { percentile, printBench } from '../support/bench-report.js';
import { HostClock } from './audio/host-clock.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const PERIOD_MS = 20;

interface Result {
  p50: number;
  p99: number;
  max: number;
  /** Lateness of the last frame: what accumulates (drift), not what jitters. */
  endDrift: number;
  frames: number;
  /** Periods skipped after stalls longer than the device's catch-up limit. */
  lost: number;
}

/** `arrivals[k]` = [period index the frame claims, arrival time]; its ideal instant is start + (index + 1)·period. */
function summarise(arrivals: Array<[number, number]>, start: number): Result {
  const dev = arrivals.map(([n, t]) => Math.abs(t - (start + (n + 1) * PERIOD_MS)));
  const sorted = Float64Array.from(dev).sort();
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1]!, endDrift: dev[dev.length - 1]!, frames: arrivals.length, lost: arrivals.length === 0 ? 0 : arrivals[arrivals.length - 1]![0] + 1 - arrivals.length };
}

/** Keeps the loop busy `busyMs` out of every `everyMs`, like a SIP parse burst or an LCD refresh. */
function load(busyMs: number, everyMs: number): () => void {
  if (busyMs === 0) return () => {};
  const t = setInterval(() => {
    const until = performance.now() + busyMs;
    while (performance.now() < until) {
      // spin
    }
  }, everyMs);
  return () => clearInterval(t);
}

async function fileDevice(busyMs: number): Promise<Result> {
  const d = createFileAudioDevice({ clock: new HostClock() });
  const arrivals: Array<[number, number]> = [];
  // The device numbers frames by sample count, so a period skipped after a long stall is lost audio (counted), not drift.
  d.onFrame((pcm, sampleIndex) => arrivals.push([sampleIndex / pcm.length, performance.now()]));
  const stopLoad = load(busyMs, 50);
  await d.start({ sampleRate: 8000, periodMs: PERIOD_MS });
  const start = performance.now(); // the scheduler took its start a few µs before start() returned
  await new Promise((r) => setTimeout(r, seconds * 1000 + PERIOD_MS / 2));
  await d.stop();
  stopLoad();
  return summarise(arrivals, start);
}

async function naiveInterval(busyMs: number): Promise<Result> {
  const arrivals: Array<[number, number]> = [];
  const frame = new Int16Array(160);
  const stopLoad = load(busyMs, 50);
  const start = performance.now();
  const t = setInterval(() => {
    frame.fill(0);
    arrivals.push([arrivals.length, performance.now()]); // a timer-paced reader can only count its ticks
  }, PERIOD_MS);
  await new Promise((r) => setTimeout(r, seconds * 1000 + PERIOD_MS / 2));
  clearInterval(t);
  stopLoad();
  return summarise(arrivals, start);
}

// Warm-up (JIT, first timers) so the first measured frames are not the compiler's.
{
  const d = createFileAudioDevice({ clock: new HostClock() });
  await d.start({ sampleRate: 8000, periodMs: PERIOD_MS });
  await new Promise((r) => setTimeout(r, 1000));
  await d.stop();
}

for (const [label, busy] of [['idle loop', 0], ['loop busy 5 ms in 50 ms', 5]] as const) {
  const ours = await fileDevice(busy);
  const naive = await naiveInterval(busy);
  const rows = (pick: (r: Result) => number) => [
    { name: 'file-audio-device (deadlines)', value: pick(ours), unit: 'ms', note: `${ours.frames} frames, ${ours.lost} skipped after stalls` },
    { name: 'setInterval(20) reader', value: pick(naive), unit: 'ms', note: `${naive.frames} frames` },
  ];
  printBench(`frame delivery, ${label}, ${seconds} s — p50 |deviation| from ideal`, rows((r) => r.p50), 'setInterval(20) reader');
  printBench(`frame delivery, ${label}, ${seconds} s — p99 |deviation|`, rows((r) => r.p99), 'setInterval(20) reader');
  printBench(`frame delivery, ${label}, ${seconds} s — max |deviation|`, rows((r) => r.max), 'setInterval(20) reader');
  printBench(`frame delivery, ${label}, ${seconds} s — lateness of the last frame (drift)`, rows((r) => r.endDrift), 'setInterval(20) reader');
}

// ---- the driver's resampler (a 48 kHz-only USB card at 8 kHz) beside wavefile's resamplers ----
{
  const { WaveFile } = await import('wavefile');
  const { Resampler } = await import('../../hal/audio/index.js');
  const { amplitudeAt } = await import('./audio/signal.js');
  const secondsOfAudio = 5;
  const input = new Int16Array(48000 * secondsOfAudio);
  // 1 kHz (in band) plus 5 kHz (must not fold to 3 kHz), each at half scale.
  for (let i = 0; i < input.length; i++) input[i] = Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / 48000) + 8000 * Math.sin((2 * Math.PI * 5000 * i) / 48000));

  const ours = (options?: { passband: number; stopband: number }) => (): Int16Array => {
    const r = new Resampler(48000, 8000, options);
    const out = new Int16Array(r.maxOutputLength(960) * (input.length / 960));
    const scratch = new Int16Array(r.maxOutputLength(960));
    let n = 0;
    for (let i = 0; i < input.length; i += 960) {
      const k = r.process(input.subarray(i, i + 960), scratch);
      out.set(scratch.subarray(0, k), n);
      n += k;
    }
    return out.subarray(0, n);
  };
  const theirs = (method: string) => (): Int16Array => {
    const w = new WaveFile();
    w.fromScratch(1, 48000, '16', input);
    w.toSampleRate(8000, { method });
    return w.getSamples(false, Int16Array) as unknown as Int16Array;
  };

  const contenders: Array<[string, () => Int16Array]> = [
    ['Resampler (polyphase Kaiser sinc)', ours()],
    ['Resampler, live setting (stopband 1.15)', ours({ passband: 0.85, stopband: 1.15 })],
    ['wavefile toSampleRate sinc', theirs('sinc')],
    ['wavefile toSampleRate cubic', theirs('cubic')],
  ];
  const speed: Array<{ name: string; value: number; unit: string }> = [];
  const alias: Array<{ name: string; value: number; unit: string }> = [];
  for (const [name, run] of contenders) {
    run(); // warm-up
    const t0 = performance.now();
    const out = run();
    const ms = performance.now() - t0;
    speed.push({ name, value: (ms / secondsOfAudio) , unit: 'ms per s of audio' });
    const steady = out.subarray(800);
    const level = 20 * Math.log10(amplitudeAt(steady, 8000, 3000) / amplitudeAt(steady, 8000, 1000));
    alias.push({ name, value: level, unit: 'dB (5 kHz folded to 3 kHz, relative to 1 kHz)' });
  }
  printBench('resampling 48 kHz → 8 kHz: time', speed, 'wavefile toSampleRate sinc');
  printBench('resampling 48 kHz → 8 kHz: aliasing (lower is better)', alias, 'wavefile toSampleRate sinc');
}
