import { describe, expect, it } from 'vitest';
import { createSimulatedAudioDevice } from '../../../hal/audio/index.js';
import { audioDeviceContract } from './audio-device-contract.js';

audioDeviceContract('simulated', () => {
  const device = createSimulatedAudioDevice();
  let periods: Int16Array[] = [];
  return {
    device,
    prepareCapture: (_config, p) => {
      periods = p;
    },
    nextCapturePeriod: () => device.emitFrame(periods.shift()!),
    played: () => device.played,
    dispose: () => {},
  };
});

describe('SimulatedAudioDevice as a test instrument', () => {
  it('refuses a frame of the wrong size, so a test notices it framed audio wrongly', async () => {
    const d = createSimulatedAudioDevice();
    await d.start({ sampleRate: 8000, periodMs: 10 });
    expect(d.periodSamples).toBe(80);
    expect(() => d.emitFrame(new Int16Array(160))).toThrow(/needs 80 samples/);
  });

  it('lets a test inject an xrun or a lost device and counts it', async () => {
    const d = createSimulatedAudioDevice();
    const seen: string[] = [];
    d.onEvent((e) => seen.push(e.type));
    d.inject({ type: 'xrun', direction: 'capture', kind: 'overrun', count: 1 });
    d.inject({ type: 'device-lost', direction: 'playback', device: 'hw:1', reason: 'unplugged' });
    expect(seen).toEqual(['xrun', 'device-lost']);
    expect(d.stats).toMatchObject({ overruns: 1, deviceLosses: 1 });
  });
});
