/**
 * One capture stream on alsa-capture, with the library's quirks absorbed
 * (HAL-TESTING.md, and its capture.cc read loop):
 * - every event but `audio` carries its value as a string ("48000", "96");
 * - after `overrun` it still emits the period buffer, which holds no new
 *   samples: that chunk is dropped;
 * - after `shortRead` N only the first N frames of the next chunk are new;
 * - `readError` means snd_pcm_readi failed and the loop will spin on it
 *   (a USB card unplugged gives ENODEV forever): the stream is declared lost
 *   and closed at once;
 * - a device that does not exist arrives as an `error` event, a bad option as
 *   a synchronous throw;
 * - it blocks one libuv thread-pool thread while it runs (one of four by
 *   default: the phone opens one capture at a time, so the pool keeps three).
 */
export interface AlsaCaptureOptions {
  device: string;
  channels: number;
  rate: number;
  format: 'S16_LE';
  periodSize: number;
}

/** The part of alsa-capture's AlsaCapture this driver uses (its EventEmitter3 instance). */
export interface AlsaCaptureHandle {
  on(event: string, listener: (...args: any[]) => void): unknown;
  removeAllListeners(event?: string): unknown;
  close(): void;
}
export type AlsaCaptureConstructor = new (options: AlsaCaptureOptions) => AlsaCaptureHandle;

export interface CaptureStreamListener {
  /** New samples at `rate` (a view valid only during the call). */
  samples(pcm: Int16Array, rate: number): void;
  overrun(): void;
  /** The card reports a rate other than the one asked for: the samples that follow are at `rate`. */
  rate(rate: number): void;
  lost(reason: string): void;
}

export class AlsaCaptureStream {
  private handle: AlsaCaptureHandle | undefined;
  private dropNext = false;
  private validFrames: number | undefined;
  private rate: number;
  private scratch: Int16Array;
  private ended = false;

  constructor(
    Capture: AlsaCaptureConstructor,
    readonly options: AlsaCaptureOptions,
    private readonly listener: CaptureStreamListener,
  ) {
    this.rate = options.rate;
    this.scratch = new Int16Array(options.periodSize);
    const handle = new Capture(options); // throws synchronously on a bad option: the caller's config error
    this.handle = handle;
    handle.on('audio', (chunk: Uint8Array) => this.onAudio(chunk));
    handle.on('overrun', () => {
      this.dropNext = true;
      this.listener.overrun();
    });
    handle.on('shortRead', (frames: string | number) => {
      this.validFrames = Number(frames);
    });
    handle.on('rateDeviating', (actual: string | number) => {
      this.rate = Number(actual);
      this.listener.rate(this.rate);
    });
    handle.on('periodSizeDeviating', (frames: string | number) => {
      const n = Number(frames);
      if (n > this.scratch.length) this.scratch = new Int16Array(n);
    });
    handle.on('readError', (message: string) => this.fail(`read error: ${String(message)}`));
    handle.on('error', (error: unknown) => this.fail(error instanceof Error ? error.message.trim() : String(error).trim()));
    handle.on('close', () => this.fail('capture closed'));
  }

  close(): void {
    this.ended = true;
    const h = this.handle;
    this.handle = undefined;
    if (h === undefined) return;
    h.removeAllListeners();
    h.on('error', () => {}); // late errors from the native side after close are expected, not news
    try {
      h.close();
    } catch {
      // closing a worker that already failed throws on some versions; it is closed either way
    }
  }

  private onAudio(chunk: Uint8Array): void {
    if (this.ended) return;
    if (this.dropNext) {
      this.dropNext = false; // the buffer after an overrun is the previous period again
      this.validFrames = undefined;
      return;
    }
    let frames = chunk.byteLength >> 1; // mono S16
    if (this.validFrames !== undefined) {
      frames = Math.min(frames, this.validFrames);
      this.validFrames = undefined;
    }
    if (frames > this.scratch.length) this.scratch = new Int16Array(frames);
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const out = this.scratch;
    for (let i = 0; i < frames; i++) out[i] = view.getInt16(i * 2, true); // the Buffer may be unaligned for an Int16Array view
    this.listener.samples(out.subarray(0, frames), this.rate);
  }

  private fail(reason: string): void {
    if (this.ended) return;
    this.close();
    this.listener.lost(reason);
  }
}
