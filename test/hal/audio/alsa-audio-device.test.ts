import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../support/fake-clock.js';
import { createAlsaAudioDevice } from '../../../hal/audio/index.js';
import type { AlsaAudioDevice, AlsaAudioDeviceOptions, AudioDeviceEvent } from '../../../hal/audio/index.js';
import { HardwareError, HardwareErrorCode } from '../../../hal/errors.js';
import { FakeAlsaCapture, FakeChild, fakeSpawn, recordingRunner } from './alsa-fakes.js';
import type { RecordingRunner } from './alsa-fakes.js';
import { audioDeviceContract } from './audio-device-contract.js';
import { amplitudeAt, db, measureFrequency, tone } from './signal.js';

const handset = { captureDevice: 'plughw:CARD=Handset,DEV=0', playbackDevice: 'plughw:CARD=Handset,DEV=0' };
const speaker = {
  captureDevice: 'hw:CARD=Board,DEV=0',
  playbackDevice: 'hw:CARD=Board,DEV=0',
  mixer: { card: 'Board', playbackControl: 'Speaker', captureControl: 'Mic' },
};

/** Lets the fakes' queued events (a missing device's 'error') run. */
const tick = () => new Promise<void>((r) => setImmediate(r));

function make(clock: FakeClock, runner: RecordingRunner, extra: Partial<AlsaAudioDeviceOptions> = {}): AlsaAudioDevice {
  return createAlsaAudioDevice({
    clock,
    name: 'handset-audio',
    routes: { handset, speaker },
    loadCapture: async () => FakeAlsaCapture,
    spawn: fakeSpawn,
    runCommand: runner.run,
    ...extra,
  });
}

beforeEach(() => {
  FakeAlsaCapture.reset();
  FakeChild.spawned = [];
});

audioDeviceContract('alsa (driver logic on fake alsa-capture/aplay)', () => {
  const clock = new FakeClock();
  const device = make(clock, recordingRunner(), { routes: { handset, speaker: handset } });
  let periods: Int16Array[] = [];
  return {
    device,
    prepareCapture: (_c, p) => {
      periods = p;
    },
    nextCapturePeriod: () => FakeAlsaCapture.last.audio(periods.shift()!),
    played: () => FakeChild.spawned.flatMap((c) => c.samples()),
    dispose: () => {},
  };
});

describe('AlsaAudioDevice', () => {
  let clock: FakeClock;
  let runner: RecordingRunner;
  let device: AlsaAudioDevice;
  let events: AudioDeviceEvent[];

  beforeEach(() => {
    clock = new FakeClock();
    runner = recordingRunner();
    device = make(clock, runner);
    events = [];
    device.onEvent((e) => events.push(e));
  });
  afterEach(async () => {
    await device.stop();
  });

  it('opens the route’s PCMs: capture mono S16 with one period per read, aplay as a raw S16 pipe', async () => {
    await device.start({ sampleRate: 8000, periodMs: 20 });
    expect(FakeAlsaCapture.last.options).toEqual({ device: handset.captureDevice, channels: 1, rate: 8000, format: 'S16_LE', periodSize: 160 });
    expect(FakeChild.last.command).toBe('aplay');
    expect(FakeChild.last.args).toEqual(['-q', '-D', handset.playbackDevice, '-t', 'raw', '-f', 'S16_LE', '-r', '8000', '-c', '1', '--buffer-time=60000', '--period-time=20000']);
  });

  it('drops the stale chunk alsa-capture emits after an overrun, and counts the xrun', async () => {
    const frames: number[] = [];
    device.onFrame((pcm) => frames.push(pcm[0]!));
    await device.start({ sampleRate: 8000, periodMs: 20 });
    const cap = FakeAlsaCapture.last;
    cap.audio(new Int16Array(160).fill(1));
    cap.emit('overrun', 'overrun occurred');
    cap.audio(new Int16Array(160).fill(1)); // the same buffer again: no new samples in it
    cap.audio(new Int16Array(160).fill(2));
    expect(frames).toEqual([1, 2]);
    expect(events.filter((e) => e.type === 'xrun')).toEqual([{ type: 'xrun', direction: 'capture', kind: 'overrun', count: 1 }]);
    expect(device.stats.overruns).toBe(1);
  });

  it('after a short read uses only the frames that were read, and still delivers whole periods', async () => {
    const frames: Array<[number, number, number]> = [];
    device.onFrame((pcm, index) => frames.push([index, pcm[0]!, pcm[159]!]));
    await device.start({ sampleRate: 8000, periodMs: 20 });
    const cap = FakeAlsaCapture.last;
    cap.emit('shortRead', '80'); // a string, as the native side sends it
    cap.audio([...new Array(80).fill(5), ...new Array(80).fill(-1)]); // tail is stale
    cap.audio(new Int16Array(160).fill(6));
    expect(frames).toEqual([[0, 5, 6]]);
  });

  it('reports a missing USB card once, retries with back-off, and reports it restored when audio flows', async () => {
    FakeAlsaCapture.missing.add(handset.captureDevice);
    await device.start({ sampleRate: 8000, periodMs: 20 }); // starting does not fail: the card may come later
    await tick();
    expect(events.filter((e) => e.type === 'device-lost')).toEqual([
      { type: 'device-lost', direction: 'capture', device: handset.captureDevice, reason: 'Unable to open PCM device: No such device' },
    ]);
    const opensAt: number[] = [];
    for (let t = 0; t < 4000; t += 50) {
      const before = FakeAlsaCapture.instances.length;
      clock.advance(50);
      await tick();
      if (FakeAlsaCapture.instances.length > before) opensAt.push(clock.now());
    }
    expect(opensAt).toEqual([250, 750, 1750, 3750]); // 250, 500, 1000, 2000 ms apart
    expect(events.filter((e) => e.type === 'device-lost').length).toBe(1);

    FakeAlsaCapture.missing.clear(); // plugged back in
    clock.advance(4000);
    await tick();
    FakeAlsaCapture.last.audio(new Int16Array(160));
    expect(events.at(-1)).toEqual({ type: 'device-restored', direction: 'capture', device: handset.captureDevice, downtimeMs: clock.now() });
    expect(device.stats.deviceLosses).toBe(1);
  });

  it('treats a read error (a card unplugged mid-call) as a lost device: closes the spinning capture and reopens it', async () => {
    await device.start({ sampleRate: 8000, periodMs: 20 });
    const first = FakeAlsaCapture.last;
    first.emit('readError', 'No such device');
    expect(first.closed).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'device-lost', direction: 'capture', reason: 'read error: No such device' });
    clock.advance(250);
    expect(FakeAlsaCapture.instances.length).toBe(2);
    const frames: Array<[number, number]> = [];
    device.onFrame((pcm, index) => frames.push([index, pcm[0]!]));
    first.audio(new Int16Array(160).fill(9)); // a late chunk of the dead stream is ignored
    FakeAlsaCapture.last.audio(new Int16Array(160).fill(3));
    // 250 ms without audio = 12 whole periods the media clock skips, so RTP timestamps show the gap.
    expect(frames).toEqual([[12 * 160, 3]]);
    expect(events.at(-1)).toMatchObject({ type: 'device-restored', direction: 'capture', downtimeMs: 250 });
  });

  it('declares a capture that went silent (a wedged card, no event at all) lost after 2 s, and reopens it', async () => {
    await device.start({ sampleRate: 8000, periodMs: 20 });
    const first = FakeAlsaCapture.last;
    for (let i = 0; i < 50; i++) {
      first.audio(new Int16Array(160));
      clock.advance(20);
    }
    expect(events.some((e) => e.type === 'device-lost')).toBe(false);
    clock.advance(2000);
    expect(events.at(-1)).toMatchObject({ type: 'device-lost', direction: 'capture', reason: expect.stringMatching(/^no audio for 20\d\d ms$/) });
    expect(first.closed).toBe(true);
    clock.advance(250);
    expect(FakeAlsaCapture.instances.length).toBe(2);
  });

  it('restarts aplay when it dies, and calls playback restored once the new one has lived 500 ms', async () => {
    await device.start({ sampleRate: 8000, periodMs: 20 });
    const first = FakeChild.last;
    first.say('aplay: pcm_write:2178: write error: No such device\n');
    first.exit(1);
    expect(events.at(-1)).toEqual({
      type: 'device-lost',
      direction: 'playback',
      device: handset.playbackDevice,
      reason: 'aplay exited (1): aplay: pcm_write:2178: write error: No such device',
    });
    device.write(new Int16Array(160)); // while lost: dropped quietly, the call goes on
    clock.advance(250);
    expect(FakeChild.spawned.length).toBe(2);
    FakeChild.last.exit(1); // card still missing: aplay fails to open, no second report
    clock.advance(500);
    expect(FakeChild.spawned.length).toBe(3);
    clock.advance(499);
    expect(events.filter((e) => e.type === 'device-restored')).toEqual([]);
    clock.advance(1);
    expect(events.filter((e) => e.type === 'device-lost').length).toBe(1);
    expect(events.at(-1)).toEqual({ type: 'device-restored', direction: 'playback', device: handset.playbackDevice, downtimeMs: 1250 });
  });

  it('counts aplay’s underruns from what it prints, and goes on', async () => {
    await device.start({ sampleRate: 8000, periodMs: 20 });
    FakeChild.last.say('underrun!!! (at least 12.345 ms long)\n');
    expect(device.stats.underruns).toBe(1);
    expect(events.at(-1)).toEqual({ type: 'xrun', direction: 'playback', kind: 'underrun', count: 1 });
    expect(FakeChild.spawned.length).toBe(1);
  });

  it('when aplay gets 48 kHz instead of 8 kHz, reopens at 48 kHz and resamples the playback', async () => {
    await device.setVolume(100);
    await device.start({ sampleRate: 8000, periodMs: 20 });
    FakeChild.last.say('Warning: rate is not accurate (requested = 8000Hz, got = 48000Hz)\n         please, try the plug plugin \n');
    expect(FakeChild.spawned.length).toBe(2);
    expect(FakeChild.spawned[0]!.killed).toBe('SIGTERM');
    expect(FakeChild.last.arg('-r')).toBe('48000');
    expect(events.some((e) => e.type === 'device-lost')).toBe(false);
    const t = tone(8000, 1000, 0.5, 10000);
    for (let i = 0; i < t.length; i += 160) {
      clock.advance(20);
      device.write(t.subarray(i, i + 160));
    }
    const out = FakeChild.last.samples();
    expect(Math.abs(out.length - 6 * t.length)).toBeLessThan(60);
    expect(measureFrequency(out.slice(4800), 48000)).toBeCloseTo(1000, 0);
    expect(db(amplitudeAt(out.slice(4800), 48000, 7000) / 10000)).toBeLessThan(-60);
  });

  it('when the card captures at 48 kHz, resamples to 8 kHz frames of 160 samples (and asks for 48 kHz next time)', async () => {
    const frames: Int16Array[] = [];
    device.onFrame((pcm) => frames.push(pcm.slice()));
    await device.start({ sampleRate: 8000, periodMs: 20 });
    const cap = FakeAlsaCapture.last;
    cap.emit('rateDeviating', '48000');
    cap.emit('periodSizeDeviating', '160');
    const t = tone(48000, 1000, 0.5, 12000);
    for (let i = 0; i < t.length; i += 160) cap.audio(t.subarray(i, i + 160));
    expect(events).toContainEqual({ type: 'resampling', direction: 'capture', device: handset.captureDevice, hardwareRate: 48000, streamRate: 8000 });
    expect(frames.every((f) => f.length === 160)).toBe(true);
    const heard = frames.flatMap((f) => Array.from(f));
    expect(Math.abs(heard.length - 4000)).toBeLessThanOrEqual(160);
    expect(measureFrequency(heard.slice(400), 8000)).toBeCloseTo(1000, 0);
    cap.emit('readError', 'No such device');
    clock.advance(250);
    expect(FakeAlsaCapture.last.options).toMatchObject({ rate: 48000, periodSize: 960 });
  });

  it('opens a card with a known native rate at that rate directly', async () => {
    const d = make(clock, runner, { routes: { handset: { ...handset, hardwareRate: 48000 } } });
    await d.start({ sampleRate: 16000, periodMs: 10 });
    expect(FakeAlsaCapture.last.options).toMatchObject({ rate: 48000, periodSize: 480 });
    expect(FakeChild.last.arg('-r')).toBe('48000');
    await d.stop();
  });

  it('sets volume and microphone mute through amixer with argument arrays, per route', async () => {
    await device.setRoute('speaker');
    await device.setVolume(55);
    await device.setMute(true);
    expect(runner.calls.slice(-2)).toEqual([
      { command: 'amixer', args: ['-q', '-M', '-c', 'Board', 'sset', 'Speaker', '55%'] },
      { command: 'amixer', args: ['-q', '-M', '-c', 'Board', 'sset', 'Mic', 'nocap'] },
    ]);
    runner.failWith = "amixer: Unable to find simple control 'Speaker',0";
    const failure = await device.setVolume(60).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(HardwareError);
    expect(failure).toMatchObject({ code: 'HAL_AUDIO_MIXER', device: 'handset-audio' });
    expect((failure as Error).message).toMatch(/Unable to find simple control 'Speaker'/);
  });

  it('scales samples in software on a route without a mixer control', async () => {
    await device.setVolume(60); // −20 dB on the 50 dB scale
    await device.start({ sampleRate: 8000, periodMs: 20 });
    device.write(new Int16Array(160).fill(10000));
    expect(FakeChild.last.samples().slice(0, 3)).toEqual([1000, 1000, 1000]);
    expect(runner.calls).toEqual([]);
  });

  it('switches route by reopening both PCMs on the other card, without calling it an outage', async () => {
    await device.start({ sampleRate: 8000, periodMs: 20 });
    const [oldCap, oldChild] = [FakeAlsaCapture.last, FakeChild.last];
    await device.setRoute('speaker');
    expect(oldCap.closed).toBe(true);
    expect(oldChild.killed).toBe('SIGTERM');
    expect(FakeAlsaCapture.last.options.device).toBe(speaker.captureDevice);
    expect(FakeChild.last.arg('-D')).toBe(speaker.playbackDevice);
    expect(events.map((e) => e.type)).toEqual(['started', 'route-changed']);
    await expect(device.setRoute('headset')).rejects.toThrow(/no 'headset' route \(it has: handset, speaker\)/);
  });

  it('keeps playback latency bounded: audio written faster than real time is dropped beyond 120 ms', async () => {
    await device.start({ sampleRate: 8000, periodMs: 20 });
    for (let i = 0; i < 10; i++) device.write(new Int16Array(160));
    expect(device.stats.playbackDropped).toBe(4); // 6 periods = 120 ms fit
    clock.advance(40);
    device.write(new Int16Array(160));
    device.write(new Int16Array(160));
    device.write(new Int16Array(160));
    expect(device.stats.playbackDropped).toBe(5);
  });

  it('stops cleanly: capture closed, aplay ended, no retry left pending', async () => {
    FakeAlsaCapture.missing.add(handset.captureDevice);
    await device.start({ sampleRate: 8000, periodMs: 20 });
    await tick();
    const child = FakeChild.last;
    await device.stop();
    expect(child.ended).toBe(true);
    expect(clock.pendingTimers).toBe(1); // only aplay's SIGKILL guard, which finds it gone
    clock.runAll();
    expect(child.killed).toBe('SIGTERM');
    expect(FakeAlsaCapture.instances.length).toBe(1);
    expect(events.at(-1)).toEqual({ type: 'stopped' });
  });

  it('refuses a capture option alsa-capture rejects, at start, naming the device', async () => {
    class Refusing extends FakeAlsaCapture {
      constructor(o: ConstructorParameters<typeof FakeAlsaCapture>[0]) {
        super({ ...o, periodSize: 0 }); // throws as the native constructor does on a bad option
      }
    }
    const d = make(clock, runner, { loadCapture: async () => Refusing });
    const e = await d.start({ sampleRate: 8000, periodMs: 20 }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: HardwareErrorCode.BAD_SETTING, device: handset.captureDevice });
    expect((e as Error).message).toMatch(/period_size has to be a positive number/);
    expect(d.running).toBe(false);
  });

  it('refuses a route with an impossible native rate when the board is built', () => {
    expect(() => make(clock, runner, { routes: { handset: { ...handset, hardwareRate: -1 } } })).toThrow(/route 'handset': hardwareRate -1/);
  });

  it('says clearly when alsa-capture is not installed', async () => {
    const d = make(clock, runner, { loadCapture: () => import('alsa-capture-not-installed' as string) });
    await expect(d.start({ sampleRate: 8000, periodMs: 20 })).rejects.toMatchObject({ code: HardwareErrorCode.DRIVER_UNAVAILABLE });
  });

  it('refuses a board whose default route is not defined', () => {
    expect(() => createAlsaAudioDevice({ clock, routes: { speaker } })).toThrow(/no 'handset' route \(it has: speaker\)/);
  });
});
