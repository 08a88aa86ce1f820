import { afterEach, describe, expect, it } from 'vitest';
import type { AudioDevice, AudioDeviceEvent, AudioStreamConfig } from '../../../hal/audio/index.js';
import { HardwareError } from '../../../hal/errors.js';

/**
 * What every AudioDevice promises, run against each driver (DESIGN.md "one
 * shared contract suite"). The harness makes the hardware side act: produce one
 * microphone period, and tell what reached the speaker.
 */
export interface AudioHarness {
  device: AudioDevice;
  /** Sets up what the microphone will hear, one array per period; called before start(config). */
  prepareCapture(config: AudioStreamConfig, periods: Int16Array[]): Promise<void> | void;
  /** Makes the microphone deliver its next prepared period. */
  nextCapturePeriod(): Promise<void> | void;
  /** Every sample that reached the speaker so far (after the device's own pacing). */
  played(): Promise<number[]> | number[];
  /** Lets the speaker consume `periods` periods (pacing devices), a no-op for the others. */
  playPeriods?(periods: number): Promise<void> | void;
  dispose(): Promise<void> | void;
}

export function audioDeviceContract(driver: string, make: () => Promise<AudioHarness> | AudioHarness): void {
  describe(`AudioDevice contract: ${driver}`, () => {
    let h: AudioHarness | undefined;
    afterEach(async () => {
      await h?.device.stop();
      await h?.dispose();
      h = undefined;
    });

    it('refuses rates and periods the phone cannot use, naming the setting', async () => {
      h = await make();
      await expect(h.device.start({ sampleRate: 44100 as 8000, periodMs: 20 })).rejects.toThrow(/44100 Hz/);
      await expect(h.device.start({ sampleRate: 8000, periodMs: 5 })).rejects.toBeInstanceOf(HardwareError);
      expect(h.device.running).toBe(false);
    });

    it('delivers one Int16Array per period, numbered by sample count', async () => {
      h = await make();
      const seen: Array<{ first: number; length: number; index: number }> = [];
      h.device.onFrame((pcm, index) => seen.push({ first: pcm[0]!, length: pcm.length, index }));
      const config = { sampleRate: 8000, periodMs: 20 } as const;
      await h.prepareCapture(config, [1, 2, 3].map((k) => new Int16Array(160).fill(100 * k)));
      await h.device.start(config);
      expect(h.device.running).toBe(true);
      for (let k = 1; k <= 3; k++) await h.nextCapturePeriod();
      expect(seen).toEqual([
        { first: 100, length: 160, index: 0 },
        { first: 200, length: 160, index: 160 },
        { first: 300, length: 160, index: 320 },
      ]);
    });

    it('sends silence while muted, without stopping the media clock', async () => {
      h = await make();
      const frames: number[][] = [];
      h.device.onFrame((pcm, index) => frames.push([index, Math.max(...pcm.map(Math.abs))]));
      const config = { sampleRate: 16000, periodMs: 10 } as const;
      await h.prepareCapture(config, [0, 1, 2].map(() => new Int16Array(160).fill(1234)));
      await h.device.start(config);
      await h.nextCapturePeriod();
      await h.device.setMute(true);
      expect(h.device.muted).toBe(true);
      await h.nextCapturePeriod();
      await h.device.setMute(false);
      await h.nextCapturePeriod();
      expect(frames).toEqual([[0, 1234], [160, 0], [320, 1234]]);
    });

    it('plays what is written, in order', async () => {
      h = await make();
      await h.device.setVolume(100);
      const config = { sampleRate: 8000, periodMs: 20 } as const;
      await h.prepareCapture(config, []);
      await h.device.start(config);
      const a = Int16Array.from({ length: 160 }, (_, i) => i - 80);
      const b = Int16Array.from({ length: 160 }, (_, i) => 1000 + i);
      h.device.write(a);
      a.fill(0); // the device copied it: the caller may reuse its buffer
      h.device.write(b);
      await h.playPeriods?.(2);
      const played = await h.played();
      const expected = [...Int16Array.from({ length: 160 }, (_, i) => i - 80), ...b];
      expect(played.slice(0, 320)).toEqual(expected);
    });

    it('reports start, route changes and stop as events; stop twice is harmless', async () => {
      h = await make();
      const events: AudioDeviceEvent['type'][] = [];
      h.device.onEvent((e) => events.push(e.type));
      await h.prepareCapture({ sampleRate: 8000, periodMs: 20 }, []);
      await h.device.start({ sampleRate: 8000, periodMs: 20 });
      await h.device.setRoute('speaker');
      expect(h.device.route).toBe('speaker');
      await h.device.stop();
      await h.device.stop();
      expect(events.filter((t) => t !== 'xrun')).toEqual(['started', 'route-changed', 'stopped']);
      expect(h.device.running).toBe(false);
    });

    it('checks volume and route values', async () => {
      h = await make();
      await expect(h.device.setVolume(101)).rejects.toBeInstanceOf(HardwareError);
      await expect(h.device.setRoute('bluetooth' as 'handset')).rejects.toThrow(/bluetooth/);
      await h.device.setVolume(40);
      expect(h.device.volume).toBe(40);
    });
  });
}
