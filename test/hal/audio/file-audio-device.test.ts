import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WaveFile } from 'wavefile';
import { FakeClock } from '../../support/fake-clock.js';
import { createFileAudioDevice, decodeWav, toMonoS16 } from '../../../hal/audio/index.js';
import type { AudioDeviceEvent } from '../../../hal/audio/index.js';
import { audioDeviceContract } from './audio-device-contract.js';
import { amplitudeAt, measureFrequency, tone } from './signal.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deskphone-file-audio-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes a WAV with wavefile (an independent writer), so our reader is checked against another's output. */
async function wav(name: string, rate: number, channels: number, bitDepth: string, samples: number[] | number[][]): Promise<string> {
  const w = new WaveFile();
  w.fromScratch(channels, rate, bitDepth, samples);
  const path = join(dir, name);
  await writeFile(path, w.toBuffer());
  return path;
}




audioDeviceContract('file-backed', () => {
  const clock = new FakeClock();
  const outputPath = join(dir, 'contract-out.wav');
  const inputPath = join(dir, 'contract-in.wav');
  const device = createFileAudioDevice({ clock, inputPath, outputPath });
  let periodMs = 20;
  return {
    device,
    prepareCapture: async (config, periods) => {
      periodMs = config.periodMs;
      const samples = periods.flatMap((p) => Array.from(p));
      await wav('contract-in.wav', config.sampleRate, 1, '16', samples.length > 0 ? samples : [0]);
    },
    nextCapturePeriod: () => clock.advance(periodMs),
    playPeriods: (n) => clock.advance(n * periodMs),
    played: async () => {
      await device.stop();
      const decoded = decodeWav(await readFile(outputPath));
      return Array.from(toMonoS16(decoded, decoded.sampleRate));
    },
    dispose: () => {},
  };
});

describe('FileAudioDevice', () => {
  it('hears a stereo 48 kHz 24-bit WAV as mono 8 kHz frames of the same tone', async () => {
    const t = Array.from({ length: 48000 }, (_, i) => Math.round(4_000_000 * Math.sin((2 * Math.PI * 1000 * i) / 48000)));
    const input = await wav('tone.wav', 48000, 2, '24', [t, t]);
    const clock = new FakeClock();
    const d = createFileAudioDevice({ clock, inputPath: input });
    const heard: number[] = [];
    d.onFrame((pcm) => heard.push(...pcm));
    await d.start({ sampleRate: 8000, periodMs: 20 });
    clock.advance(1000);
    expect(heard.length).toBe(8000);
    expect(measureFrequency(heard.slice(400), 8000)).toBeCloseTo(1000, 0);
    expect(amplitudeAt(heard.slice(400), 8000, 1000) / ((4_000_000 / 8_388_608) * 32768)).toBeCloseTo(1, 1); // the 24-bit level is kept
    await d.stop();
  });

  it('is paced in real time: one frame per period of clock time, none early', async () => {
    const clock = new FakeClock(5000);
    const d = createFileAudioDevice({ clock });
    const at: number[] = [];
    d.onFrame(() => at.push(clock.now()));
    await d.start({ sampleRate: 16000, periodMs: 10 });
    clock.advance(9);
    expect(at).toEqual([]);
    clock.advance(991);
    expect(at.length).toBe(100);
    expect(at.slice(0, 3)).toEqual([5010, 5020, 5030]);
    await d.stop();
    clock.advance(1000);
    expect(at.length).toBe(100);
  });

  it('follows the end of the input with silence and says so once; with loop it starts again', async () => {
    const input = await wav('short.wav', 8000, 1, '16', Array.from({ length: 240 }, () => 500));
    for (const loop of [false, true]) {
      const clock = new FakeClock();
      const d = createFileAudioDevice({ clock, inputPath: input, loop });
      const levels: number[] = [];
      const events: AudioDeviceEvent[] = [];
      d.onFrame((pcm) => levels.push(pcm[0]!, pcm[159]!));
      d.onEvent((e) => events.push(e));
      await d.start({ sampleRate: 8000, periodMs: 20 });
      clock.advance(60);
      // 240 samples = one and a half periods.
      expect(levels).toEqual(loop ? [500, 500, 500, 500, 500, 500] : [500, 500, 500, 0, 0, 0]);
      expect(events.filter((e) => e.type === 'input-ended').length).toBe(loop ? 0 : 1);
      await d.stop();
    }
  });

  it('records the speaker bit-exact: an echo of the microphone comes out as the input WAV', async () => {
    const samples = Array.from(tone(8000, 440, 0.5, 12000));
    const input = await wav('voice.wav', 8000, 1, '16', samples);
    const output = join(dir, 'speaker.wav');
    const clock = new FakeClock();
    const d = createFileAudioDevice({ clock, inputPath: input, outputPath: output });
    await d.setVolume(100);
    d.onFrame((pcm) => d.write(pcm));
    await d.start({ sampleRate: 8000, periodMs: 20 });
    clock.advance(500);
    await d.stop();
    const recorded = new WaveFile(await readFile(output));
    expect(recorded.fmt).toMatchObject({ sampleRate: 8000, numChannels: 1, bitsPerSample: 16 });
    expect(Array.from(recorded.getSamples(false, Int16Array) as unknown as Int16Array)).toEqual(samples);
  });

  it('plays silence where the writer was late and counts an underrun', async () => {
    const output = join(dir, 'gappy.wav');
    const clock = new FakeClock();
    const d = createFileAudioDevice({ clock, outputPath: output });
    await d.setVolume(100);
    const xruns: AudioDeviceEvent[] = [];
    d.onEvent((e) => e.type === 'xrun' && xruns.push(e));
    await d.start({ sampleRate: 8000, periodMs: 20 });
    d.write(new Int16Array(160).fill(700));
    clock.advance(40); // the second period finds nothing queued
    d.write(new Int16Array(160).fill(900));
    clock.advance(20);
    await d.stop();
    const s = Array.from(new WaveFile(await readFile(output)).getSamples(false, Int16Array) as unknown as Int16Array);
    expect([s[0], s[159], s[160], s[319], s[320], s[479]]).toEqual([700, 700, 0, 0, 900, 900]);
    expect(xruns).toEqual([{ type: 'xrun', direction: 'playback', kind: 'underrun', count: 1 }]);
    expect(d.stats.underruns).toBe(1);
  });

  it('bounds playback latency: writes beyond the queue limit are dropped and counted', async () => {
    const clock = new FakeClock();
    const d = createFileAudioDevice({ clock, maxPlaybackMs: 60 });
    await d.start({ sampleRate: 8000, periodMs: 20 });
    for (let i = 0; i < 5; i++) d.write(new Int16Array(160));
    expect(d.stats.playbackDropped).toBe(2);
    await d.stop();
  });

  it('keeps the recording readable if the phone dies mid-call: the header is brought up to date every second', async () => {
    const output = join(dir, 'crash.wav');
    const clock = new FakeClock();
    const d = createFileAudioDevice({ clock, outputPath: output });
    await d.start({ sampleRate: 8000, periodMs: 20 });
    clock.advance(1500);
    // No stop(): read the file as a crash would leave it, once the queued writes have landed.
    await expect.poll(async () => (await readFile(output)).length, { timeout: 5000 }).toBeGreaterThanOrEqual(44 + 2 * 8000);
    const bytes = await readFile(output);
    expect(bytes.readUInt32LE(40)).toBeGreaterThanOrEqual(2 * 8000); // data size in the header covers the first second
    expect(decodeWav(bytes).samples.length).toBeGreaterThanOrEqual(8000);
    await d.stop();
    expect((await readFile(output)).readUInt32LE(40)).toBe(2 * 12000);
  });

  it('names the missing input file in its error', async () => {
    const d = createFileAudioDevice({ clock: new FakeClock(), inputPath: join(dir, 'nope.wav') });
    await expect(d.start({ sampleRate: 8000, periodMs: 20 })).rejects.toThrow(/nope\.wav/);
    expect(d.running).toBe(false);
  });

  it('scales playback by the volume on a 50 dB scale', async () => {
    const output = join(dir, 'quiet.wav');
    const clock = new FakeClock();
    const d = createFileAudioDevice({ clock, outputPath: output });
    await d.setVolume(60); // −20 dB
    await d.start({ sampleRate: 8000, periodMs: 20 });
    d.write(new Int16Array(160).fill(10000));
    clock.advance(20);
    await d.stop();
    const s = new WaveFile(await readFile(output)).getSamples(false, Int16Array) as unknown as Int16Array;
    expect(s[0]).toBe(1000);
  });
});
