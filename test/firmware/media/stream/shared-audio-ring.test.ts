import { describe, expect, it } from 'vitest';
import { SampleFifo, SharedAudioRing, SharedAudioRingError } from '../../../../firmware/media/stream/index.js';

const seq = (from: number, n: number): Int16Array => Int16Array.from({ length: n }, (_, i) => from + i);

describe('SharedAudioRing', () => {
  it('passes samples in order across the wrap, between two views of one buffer', () => {
    const writer = new SharedAudioRing(100); // rounded up to 128
    const reader = new SharedAudioRing(writer.buffer);
    expect(reader.capacity).toBe(128);
    const out = new Int16Array(50);
    let next = 0;
    for (let round = 0; round < 20; round++) {
      expect(writer.write(seq(round * 50, 50))).toBe(50);
      expect(reader.read(out)).toBe(true);
      expect([...out]).toEqual([...seq(next, 50)]);
      next += 50;
    }
  });

  it('refuses a read it cannot fill, and drops (and counts) what does not fit', () => {
    const ring = new SharedAudioRing(64);
    expect(ring.read(new Int16Array(10))).toBe(false);
    expect(ring.write(seq(0, 100))).toBe(64);
    expect(ring.dropped).toBe(36);
    const out = new Int16Array(64);
    expect(ring.read(out)).toBe(true);
    expect([...out]).toEqual([...seq(0, 64)]);
  });

  it('wakes an async waiter when enough samples arrive', async () => {
    const ring = new SharedAudioRing(256);
    const waiting = ring.waitFor(160, 5000);
    ring.write(seq(0, 100));
    ring.write(seq(100, 100));
    expect(await waiting).toBe(true);
    expect(await ring.waitFor(1000, 10)).toBe(false);
  });

  it('rejects a buffer that is not a ring', () => {
    expect(() => new SharedAudioRing(new SharedArrayBuffer(16 + 2 * 100))).toThrow(SharedAudioRingError);
    expect(() => new SharedAudioRing(0)).toThrow(SharedAudioRingError);
  });
});

describe('SampleFifo', () => {
  it('re-frames 30 ms packets into 20 ms frames', () => {
    const fifo = new SampleFifo(480 + 160);
    const out = new Int16Array(160);
    let pushed = 0;
    let pulled = 0;
    for (let i = 0; i < 30; i++) {
      while (fifo.length < 160) {
        fifo.push(seq(pushed % 30000, 240));
        pushed += 240;
      }
      expect(fifo.pull(out)).toBe(true);
      expect(out[0]).toBe(pulled % 30000);
      pulled += 160;
    }
  });

  it('keeps the newest samples when it overflows (bounded latency)', () => {
    const fifo = new SampleFifo(100);
    fifo.push(seq(0, 80));
    fifo.push(seq(80, 80));
    expect(fifo.overflowed).toBe(60);
    const out = new Int16Array(100);
    expect(fifo.pull(out)).toBe(true);
    expect(out[0]).toBe(60);
    expect(out[99]).toBe(159);
    expect(fifo.pull(new Int16Array(1))).toBe(false);
  });
});
