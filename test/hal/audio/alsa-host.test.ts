/**
 * Tier B (issue 6 "Real libraries on the host"): the ALSA driver with the real
 * alsa-capture and the real aplay, on PCMs that exist only for this process.
 * alsa-lib reads $XDG_CONFIG_HOME/alsa/asoundrc, so this file gives itself:
 * - `mic*`: a `type file` PCM whose infile is a FIFO the test writes at
 *   real-time pace (a regular file would be read unpaced, HAL-TESTING.md);
 * - `speaker`: a `type file` PCM over `null` that records what aplay plays.
 * Each test moves a second or less of audio and compares it bit for bit.
 */
import { spawnSync } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAlsaAudioDevice } from '../../../hal/audio/index.js';
import type { AlsaAudioDevice, AudioDeviceEvent } from '../../../hal/audio/index.js';
import { HostClock } from './host-clock.js';
import { measureFrequency, tone } from './signal.js';
import { importOptional } from '../../../hal/optional-module.js';

const required = process.env.DESKPHONE_REQUIRE_INTEROP === '1';

async function missingPrerequisite(): Promise<string | undefined> {
  if (spawnSync('aplay', ['--version']).status !== 0) return 'aplay (alsa-utils) is not installed';
  try {
    await importOptional('alsa-capture');
  } catch (e) {
    return `alsa-capture cannot load (libasound2 missing or not built): ${(e as Error).message}`;
  }
  return undefined;
}
const missing = await missingPrerequisite();
if (missing !== undefined && !required) console.warn(`skipping ALSA host tests: ${missing}`);

const dir = mkdtempSync(join(tmpdir(), 'deskphone-alsa-'));
const fifo = (name: string) => join(dir, `${name}.fifo`);
const speakerFile = join(dir, 'speaker.raw');

beforeAll(() => {
  if (required && missing !== undefined) throw new Error(`DESKPHONE_REQUIRE_INTEROP=1 but ${missing}`);
  mkdirSync(join(dir, 'alsa'));
  const filePcm = (name: string, extra: string) => `pcm.${name} { type file slave.pcm "null" format "raw" ${extra} }\n`;
  writeFileSync(
    join(dir, 'alsa', 'asoundrc'),
    filePcm('mic', `file "/dev/null" infile "${fifo('mic')}"`) +
      filePcm('mic48', `file "/dev/null" infile "${fifo('mic48')}"`) +
      filePcm('late', `file "/dev/null" infile "${fifo('late')}"`) +
      filePcm('speaker', `file "${speakerFile}"`),
  );
  execFileSync('mkfifo', [fifo('mic'), fifo('mic48')]);
  // Set before alsa-lib first reads its configuration in this process; aplay children inherit it.
  process.env.XDG_CONFIG_HOME = dir;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Writes `pcm` into the FIFO at real-time pace (one period per period, on
 * absolute deadlines). Opening the FIFO returns only once alsa-lib opened it
 * for capture. Leading and trailing silence keep the capture fed while the
 * test's own periods go through.
 */
class FifoMic {
  private handle: FileHandle | undefined;
  private stopped = false;
  done: Promise<void>;

  constructor(path: string, rate: number, pcm: Int16Array, periodMs = 20) {
    this.done = this.run(path, rate, pcm, periodMs);
  }

  private async run(path: string, rate: number, pcm: Int16Array, periodMs: number): Promise<void> {
    this.handle = await open(path, 'w');
    const period = (rate * periodMs) / 1000;
    const start = performance.now();
    let n = 0;
    // Keep writing silence after the signal until stopped, as a live microphone would.
    while (!this.stopped) {
      const chunk = new Int16Array(period);
      const offset = n * period;
      if (offset < pcm.length) chunk.set(pcm.subarray(offset, offset + period));
      try {
        await this.handle.write(new Uint8Array(chunk.buffer));
      } catch {
        break; // the capture closed its end
      }
      n++;
      const wait = start + n * periodMs - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done.catch(() => {});
    await this.handle?.close().catch(() => {});
  }
}

describe.skipIf(missing !== undefined && !required)('ALSA driver on the real alsa-capture and aplay (file PCMs)', () => {
  let device: AlsaAudioDevice | undefined;
  let mic: FifoMic | undefined;
  afterEach(async () => {
    await device?.stop();
    await mic?.stop();
    device = undefined;
    mic = undefined;
  });

  /** Collects captured frames until `count` samples have arrived after the first non-silent one. */
  function collect(d: AlsaAudioDevice, count: number): Promise<number[]> {
    return new Promise((resolve) => {
      const got: number[] = [];
      const off = d.onFrame((pcm) => {
        for (const s of pcm) if (got.length > 0 || s !== 0) got.push(s);
        if (got.length >= count) {
          off();
          resolve(got.slice(0, count));
        }
      });
    });
  }

  it('captures from the FIFO-fed PCM bit-exact, in 20 ms periods of 160 samples', async () => {
    device = createAlsaAudioDevice({ clock: new HostClock(), routes: { handset: { captureDevice: 'mic', playbackDevice: 'speaker' } } });
    const sent = tone(8000, 697, 0.6, 9000, 0.3); // starts non-zero, so the first sample marks the start
    const sizes = new Set<number>();
    device.onFrame((pcm) => sizes.add(pcm.length));
    const heard = collect(device, sent.length);
    await device.start({ sampleRate: 8000, periodMs: 20 });
    mic = new FifoMic(fifo('mic'), 8000, sent);
    expect(await heard).toEqual(Array.from(sent));
    expect([...sizes]).toEqual([160]);
    expect(device.stats.overruns).toBe(0);
  });

  it('plays through aplay into the recording PCM bit-exact', async () => {
    rmSync(speakerFile, { force: true });
    device = createAlsaAudioDevice({
      clock: new HostClock(),
      routes: { handset: { captureDevice: 'mic', playbackDevice: 'speaker' } },
      maxPlaybackMs: 10_000, // the recording PCM is not paced: let the whole second through at once
      volume: 100,
    });
    mic = new FifoMic(fifo('mic'), 8000, new Int16Array(0));
    await device.start({ sampleRate: 8000, periodMs: 20 });
    const sent = tone(8000, 1209, 1, 12000, 0.5);
    for (let i = 0; i < sent.length; i += 160) device.write(sent.subarray(i, i + 160));
    // aplay keeps its last ALSA buffer until more comes (as a live call would send): follow with silence.
    for (let i = 0; i < 20; i++) device.write(new Int16Array(160));
    await expect.poll(async () => (existsSync(speakerFile) ? (await stat(speakerFile)).size : 0), { timeout: 5000 }).toBeGreaterThanOrEqual(sent.length * 2);
    const bytes = await readFile(speakerFile);
    const recorded = new Int16Array(bytes.buffer, bytes.byteOffset, sent.length);
    expect(Array.from(recorded)).toEqual(Array.from(sent));
  });

  it('opens a 48 kHz-only microphone at 48 kHz and resamples to 8 kHz frames', async () => {
    device = createAlsaAudioDevice({
      clock: new HostClock(),
      routes: { handset: { captureDevice: 'mic48', playbackDevice: 'speaker', hardwareRate: 48000 } },
    });
    const heard = collect(device, 4000);
    await device.start({ sampleRate: 8000, periodMs: 20 });
    mic = new FifoMic(fifo('mic48'), 48000, tone(48000, 1000, 0.8, 10000, 0.2));
    const got = await heard;
    expect(measureFrequency(got.slice(400), 8000)).toBeCloseTo(1000, 0);
  });

  it('reports a microphone that is not there yet, and picks it up when it appears', async () => {
    const events: AudioDeviceEvent[] = [];
    device = createAlsaAudioDevice({
      clock: new HostClock(),
      routes: { handset: { captureDevice: 'late', playbackDevice: 'speaker' } },
      retry: { initialMs: 50, maxMs: 200 },
    });
    device.onEvent((e) => events.push(e));
    await device.start({ sampleRate: 8000, periodMs: 20 });
    await expect.poll(() => events.some((e) => e.type === 'device-lost'), { timeout: 5000 }).toBe(true);
    execFileSync('mkfifo', [fifo('late')]); // "plugged in"
    mic = new FifoMic(fifo('late'), 8000, tone(8000, 440, 2, 5000, 0.1));
    await expect.poll(() => events.find((e) => e.type === 'device-restored'), { timeout: 10_000 }).toMatchObject({ direction: 'capture', device: 'late' });
    expect(events.filter((e) => e.type === 'device-lost').length).toBe(1);
  });
});
