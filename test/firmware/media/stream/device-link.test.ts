import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../support/fake-clock.js';
import { PCMU } from '../../../../firmware/media/codec/index.js';
import { MediaStream, SharedRingAudioPort, linkAudioDevice } from '../../../../firmware/media/stream/index.js';
import type { AudioFrameCallback, LinkableAudioDevice } from '../../../../firmware/media/stream/index.js';

/** A main-thread device the test clocks by hand: capture(frame) delivers one period. */
class HandDevice implements LinkableAudioDevice {
  listener: AudioFrameCallback | undefined;
  played: Int16Array[] = [];
  private index = 0;
  onFrame(l: AudioFrameCallback): () => void {
    this.listener = l;
    return () => (this.listener = undefined);
  }
  write(samples: Int16Array): void {
    this.played.push(samples.slice());
  }
  capture(frame: Int16Array): void {
    this.listener?.(frame, this.index);
    this.index += frame.length;
  }
}

describe('linkAudioDevice (main-thread device ↔ worker stream through shared rings)', () => {
  it('forwards capture to the worker side and plays what the worker side wrote, one period per period', () => {
    const device = new HandDevice();
    const link = linkAudioDevice(device, 80);
    if (link.spec.kind !== 'shared') throw new Error('expected a shared spec');
    // The worker's side of the same rings (here in the same thread).
    const port = new SharedRingAudioPort(link.spec.capture, link.spec.playback, false, 8000, 80);
    const seen = new Int16Array(80);

    device.capture(new Int16Array(80).fill(1234));
    expect(port.read(seen)).toBe(true);
    expect(seen.every((v) => v === 1234)).toBe(true);
    expect(device.played[0]!.every((v) => v === 0)).toBe(true); // nothing from the worker yet
    expect(link.underruns).toBe(1);

    port.write(new Int16Array(80).fill(-77));
    device.capture(new Int16Array(80));
    expect(device.played[1]!.every((v) => v === -77)).toBe(true);
    link.close();
    expect(device.listener).toBeUndefined();
  });

  it('lets a stream run capture-driven off the device periods', async () => {
    const device = new HandDevice();
    const link = linkAudioDevice(device, 80);
    if (link.spec.kind !== 'shared') throw new Error('expected a shared spec');
    const port = new SharedRingAudioPort(link.spec.capture, link.spec.playback, true, 8000, 80);
    const clock = new FakeClock(0);
    const sent: number[] = [];
    const stream = new MediaStream(
      { codec: PCMU, payloadType: 0, remote: { address: '127.0.0.1', port: 9 }, rtcpMux: true, cname: 't' },
      { clock, port, rtp: { send: (_d, len) => sent.push(len) } },
    );
    stream.start();
    for (let i = 0; i < 10; i++) device.capture(new Int16Array(80));
    // The paced port wakes asynchronously (Atomics.waitAsync): let it run.
    for (let i = 0; i < 20 && sent.length < 5; i++) await new Promise((r) => setImmediate(r));
    expect(sent.filter((len) => len === 12 + 160)).toHaveLength(5); // 10 periods of 10 ms = 5 packets of 20 ms
    expect(stream.stats().timing.mode).toBe('capture');
    stream.stop(false);
    link.close();
  });
});
