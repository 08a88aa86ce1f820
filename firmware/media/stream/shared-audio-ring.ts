/**
 * A single-producer, single-consumer ring of 16-bit samples in a
 * SharedArrayBuffer: how audio crosses between the main thread (where a
 * main-thread audio device lives) and the media worker without a message per
 * frame. Indices are free-running 32-bit counters updated with Atomics, so
 * each side only ever writes its own index; a full ring drops what does not
 * fit (counted) rather than overwrite samples the reader may be copying.
 *
 * Layout: Int32 [writeIndex, readIndex, dropped, 0] then `capacity` Int16 samples.
 */
import { DeskphoneError } from '../../errors.js';

/** Atomics.waitAsync (Node ≥ 16) is missing from the ES2023 lib typings the project compiles against. */
type WaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
  timeoutMs?: number,
) => { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

const HEADER_BYTES = 16;
const W = 0;
const R = 1;
const DROPPED = 2;

export class SharedAudioRingError extends DeskphoneError {
  constructor(message: string) {
    super('MEDIA_SHARED_RING', message);
  }
}

export class SharedAudioRing {
  readonly buffer: SharedArrayBuffer;
  readonly capacity: number;
  private readonly header: Int32Array;
  private readonly data: Int16Array;

  /** Creates a ring of at least `capacity` samples (rounded up to a power of two), or attaches to an existing buffer (the other thread's side). */
  constructor(capacityOrBuffer: number | SharedArrayBuffer) {
    if (typeof capacityOrBuffer === 'number') {
      if (!(capacityOrBuffer > 0)) throw new SharedAudioRingError(`ring capacity ${capacityOrBuffer} is not positive`);
      // A power of two, so the free-running indices stay continuous across their 2^32 wrap.
      let cap = 1;
      while (cap < capacityOrBuffer) cap <<= 1;
      this.buffer = new SharedArrayBuffer(HEADER_BYTES + 2 * cap);
    } else {
      this.buffer = capacityOrBuffer;
    }
    if (this.buffer.byteLength <= HEADER_BYTES || (this.buffer.byteLength - HEADER_BYTES) % 2 !== 0) {
      throw new SharedAudioRingError(`a buffer of ${this.buffer.byteLength} bytes is not an audio ring`);
    }
    this.header = new Int32Array(this.buffer, 0, 4);
    this.capacity = (this.buffer.byteLength - HEADER_BYTES) / 2;
    if ((this.capacity & (this.capacity - 1)) !== 0) throw new SharedAudioRingError(`ring capacity ${this.capacity} is not a power of two`);
    this.data = new Int16Array(this.buffer, HEADER_BYTES, this.capacity);
  }

  /** Samples waiting to be read. */
  get available(): number {
    return (Atomics.load(this.header, W) - Atomics.load(this.header, R)) | 0;
  }

  /** Samples the writer had to drop because the reader fell behind. */
  get dropped(): number {
    return Atomics.load(this.header, DROPPED);
  }

  /** Producer: appends samples (as many as fit) and wakes a waiting reader; returns how many were written. */
  write(samples: Int16Array): number {
    const w = Atomics.load(this.header, W);
    const r = Atomics.load(this.header, R);
    const free = this.capacity - ((w - r) | 0);
    const n = Math.min(free, samples.length);
    if (n < samples.length) Atomics.add(this.header, DROPPED, samples.length - n);
    const at = w & (this.capacity - 1);
    const first = Math.min(n, this.capacity - at);
    this.data.set(samples.subarray(0, first), at);
    if (first < n) this.data.set(samples.subarray(first, n), 0);
    Atomics.store(this.header, W, (w + n) | 0);
    Atomics.notify(this.header, W);
    return n;
  }

  /** Consumer: fills `out` if that many samples are waiting; false (nothing read) otherwise. */
  read(out: Int16Array): boolean {
    const r = Atomics.load(this.header, R);
    const w = Atomics.load(this.header, W);
    const n = out.length;
    if (((w - r) | 0) < n) return false;
    const at = r & (this.capacity - 1);
    const first = Math.min(n, this.capacity - at);
    out.set(this.data.subarray(at, at + first));
    if (first < n) out.set(this.data.subarray(0, n - first), first);
    Atomics.store(this.header, R, (r + n) | 0);
    return true;
  }

  /**
   * Consumer: resolves once at least `samples` are waiting (or after
   * `timeoutMs`), without blocking the thread: Atomics.waitAsync on the write
   * index, which the producer notifies.
   */
  async waitFor(samples: number, timeoutMs: number): Promise<boolean> {
    for (;;) {
      if (this.available >= samples) return true;
      const w = Atomics.load(this.header, W);
      const res = waitAsync(this.header, W, w, timeoutMs);
      const outcome = res.async ? await res.value : res.value;
      if (outcome === 'timed-out') return this.available >= samples;
    }
  }
}

/**
 * The media worker's side of a main-thread audio device: capture comes from
 * one ring, playback goes to another. Paced: the worker waits (without
 * blocking) for each capture period the main thread writes, so the device's
 * clock still drives the sender; unpaced: the worker's scheduler pulls.
 */
export class SharedRingAudioPort {
  readonly capture: SharedAudioRing;
  readonly playback: SharedAudioRing;
  private listener: ((samples: Int16Array, sampleIndex: number) => void) | undefined;
  private closed = false;
  private index = 0;

  constructor(
    capture: SharedArrayBuffer,
    playback: SharedArrayBuffer,
    readonly paced: boolean,
    readonly sampleRate: number,
    /** Period delivered to onFrame listeners when paced. */
    private readonly periodSamples: number,
  ) {
    this.capture = new SharedAudioRing(capture);
    this.playback = new SharedAudioRing(playback);
  }

  onFrame(listener: (samples: Int16Array, sampleIndex: number) => void): () => void {
    this.listener = listener;
    void this.pump();
    return () => {
      this.listener = undefined;
    };
  }

  read(out: Int16Array): boolean {
    if (this.capture.read(out)) return true;
    out.fill(0);
    return false;
  }

  write(samples: Int16Array): void {
    this.playback.write(samples);
  }

  close(): void {
    this.closed = true;
    this.listener = undefined;
  }

  private async pump(): Promise<void> {
    const frame = new Int16Array(this.periodSamples);
    while (!this.closed && this.listener !== undefined) {
      // A generous timeout only bounds how long a closed port lingers.
      if (!(await this.capture.waitFor(frame.length, 500))) continue;
      while (this.listener !== undefined && this.capture.read(frame)) {
        this.listener(frame, this.index);
        this.index += frame.length;
      }
    }
  }
}
