import { open, readFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { HardwareError, HardwareErrorCode } from '../errors.js';
import { Resampler } from './resampler.js';

/**
 * WAV (RIFF WAVE) in and out for the file-backed audio device. Input may be any
 * PCM rate and channel count a test or a ring-tone author produces; it is mixed
 * to mono and resampled to the device rate. Output is mono S16 at the device
 * rate, written as the call runs.
 */
export interface DecodedWav {
  sampleRate: number;
  channels: number;
  /** Interleaved samples scaled to −1…1. */
  samples: Float32Array;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

export function decodeWav(bytes: Uint8Array, source = 'wav'): DecodedWav {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (why: string) => new HardwareError(HardwareErrorCode.BAD_SETTING, source, `${source}: not a usable WAV file (${why})`);
  if (bytes.length < 12 || ascii(bytes, 0) !== 'RIFF' || ascii(bytes, 8) !== 'WAVE') throw bad('no RIFF/WAVE header');
  let fmt: { format: number; channels: number; rate: number; bits: number } | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = ascii(bytes, offset);
    // A writer that crashed before finalising leaves the size 0 or 0xFFFFFFFF: read to the end of the file.
    let size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'data' && (size === 0 || size === 0xffffffff || body + size > bytes.length)) size = bytes.length - body;
    if (id === 'fmt ') {
      if (size < 16) throw bad('fmt chunk too short');
      let format = view.getUint16(body, true);
      if (format === WAVE_FORMAT_EXTENSIBLE && size >= 26) format = view.getUint16(body + 24, true); // SubFormat GUID's first two bytes
      fmt = { format, channels: view.getUint16(body + 2, true), rate: view.getUint32(body + 4, true), bits: view.getUint16(body + 14, true) };
    } else if (id === 'data') {
      if (fmt === undefined) throw bad('data before fmt');
      return { sampleRate: fmt.rate, channels: fmt.channels, samples: decodeSamples(view, body, size, fmt, bad) };
    }
    offset = body + size + (size & 1); // chunks are word-aligned (RIFF pad byte)
  }
  throw bad('no data chunk');
}

function decodeSamples(
  view: DataView,
  start: number,
  size: number,
  fmt: { format: number; channels: number; rate: number; bits: number },
  bad: (why: string) => Error,
): Float32Array {
  if (fmt.channels < 1 || fmt.rate < 1) throw bad(`${fmt.channels} channels at ${fmt.rate} Hz`);
  const bytesPer = fmt.bits / 8;
  const n = Math.floor(size / bytesPer);
  const out = new Float32Array(n);
  if (fmt.format === WAVE_FORMAT_IEEE_FLOAT && fmt.bits === 32) {
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(start + i * 4, true);
  } else if (fmt.format === WAVE_FORMAT_PCM && fmt.bits === 8) {
    for (let i = 0; i < n; i++) out[i] = (view.getUint8(start + i) - 128) / 128; // 8-bit WAV is unsigned
  } else if (fmt.format === WAVE_FORMAT_PCM && fmt.bits === 16) {
    for (let i = 0; i < n; i++) out[i] = view.getInt16(start + i * 2, true) / 32768;
  } else if (fmt.format === WAVE_FORMAT_PCM && fmt.bits === 24) {
    for (let i = 0; i < n; i++) {
      const p = start + i * 3;
      const v = view.getUint8(p) | (view.getUint8(p + 1) << 8) | (view.getInt8(p + 2) << 16);
      out[i] = v / 8388608;
    }
  } else if (fmt.format === WAVE_FORMAT_PCM && fmt.bits === 32) {
    for (let i = 0; i < n; i++) out[i] = view.getInt32(start + i * 4, true) / 2147483648;
  } else {
    throw bad(`format ${fmt.format} with ${fmt.bits} bits is not supported (PCM 8/16/24/32 or float 32)`);
  }
  return out;
}

/** Mixes to mono and resamples to `rate`, giving the S16 samples a device plays or captures. */
export function toMonoS16(wav: DecodedWav, rate: number): Int16Array {
  const frames = Math.floor(wav.samples.length / wav.channels);
  const mono = new Int16Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < wav.channels; c++) sum += wav.samples[f * wav.channels + c]!;
    const v = Math.round((sum / wav.channels) * 32768);
    mono[f] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  if (wav.sampleRate === rate) return mono;
  const r = new Resampler(wav.sampleRate, rate);
  // Flush the filter's delay with zeros so the end of the file is heard, then trim to the exact length.
  const tail = new Int16Array(Math.ceil(r.delaySamples * (wav.sampleRate / rate)) + 2);
  const out = new Int16Array(r.maxOutputLength(frames) + r.maxOutputLength(tail.length));
  let n = r.process(mono, out);
  n += r.process(tail, out.subarray(n));
  const delay = Math.round(r.delaySamples);
  const length = Math.round((frames * rate) / wav.sampleRate);
  return out.slice(delay, Math.min(n, delay + length));
}

export async function readWavAsMono(path: string, rate: number): Promise<Int16Array> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new HardwareError(HardwareErrorCode.BAD_SETTING, path, `cannot read WAV input ${path}: ${(cause as Error).message}`, { cause });
  }
  return toMonoS16(decodeWav(bytes, path), rate);
}

/** The canonical 44-byte header for mono S16 PCM with `dataBytes` of samples. */
export function wavHeader(sampleRate: number, dataBytes: number, channels = 1): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(WAVE_FORMAT_PCM, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * channels * 2, 28);
  h.writeUInt16LE(channels * 2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/**
 * Writes a mono S16 WAV as samples arrive: samples are batched (100 ms by
 * default) and appended with positioned async writes, and the header's sizes
 * are rewritten every second and on close. A crash therefore loses at most the
 * last batch and the last header update, and `decodeWav` reads such a file to
 * its end anyway. All writes are chained so they land in order without ever
 * blocking the event loop.
 */
export class WavWriter {
  private handle: FileHandle | undefined;
  private chain: Promise<void> = Promise.resolve();
  private pending: Buffer;
  private pendingBytes = 0;
  private dataBytes = 0;
  private bytesSinceHeader = 0;
  private failure: Error | undefined;
  private closed = false;

  private constructor(
    readonly path: string,
    readonly sampleRate: number,
    private readonly headerEveryBytes: number,
    batchBytes: number,
  ) {
    this.pending = Buffer.alloc(batchBytes);
  }

  static async create(path: string, sampleRate: number, options: { batchMs?: number; headerEveryMs?: number } = {}): Promise<WavWriter> {
    const batchBytes = Math.max(2, Math.round(((options.batchMs ?? 100) * sampleRate) / 1000) * 2);
    const headerEvery = Math.round(((options.headerEveryMs ?? 1000) * sampleRate) / 1000) * 2;
    const w = new WavWriter(path, sampleRate, headerEvery, batchBytes);
    try {
      w.handle = await open(path, 'w');
      await w.handle.write(wavHeader(sampleRate, 0), 0, 44, 0);
    } catch (cause) {
      await w.handle?.close().catch(() => {});
      throw new HardwareError(HardwareErrorCode.BAD_SETTING, path, `cannot write WAV output ${path}: ${(cause as Error).message}`, { cause });
    }
    return w;
  }

  get bytesWritten(): number {
    return this.dataBytes;
  }

  /** The first write error, if any (writes go on failing quietly; the device reports it). */
  get error(): Error | undefined {
    return this.failure;
  }

  append(samples: Int16Array): void {
    if (this.closed) return;
    for (let i = 0; i < samples.length; i++) {
      this.pending.writeInt16LE(samples[i]!, this.pendingBytes);
      this.pendingBytes += 2;
      if (this.pendingBytes === this.pending.length) this.flushBatch();
    }
  }

  /** Waits for every write queued so far. */
  async flush(): Promise<void> {
    if (this.pendingBytes > 0) this.flushBatch();
    await this.chain;
  }

  async close(): Promise<void> {
    if (this.closed) return this.chain;
    await this.flush();
    this.closed = true;
    this.enqueue(async (h) => {
      await h.write(wavHeader(this.sampleRate, this.dataBytes), 0, 44, 0);
      await h.close();
    });
    await this.chain;
  }

  private flushBatch(): void {
    const batch = Buffer.from(this.pending.subarray(0, this.pendingBytes)); // copy: `pending` is reused
    const position = 44 + this.dataBytes;
    this.dataBytes += batch.length;
    this.bytesSinceHeader += batch.length;
    this.pendingBytes = 0;
    const headerDue = this.bytesSinceHeader >= this.headerEveryBytes;
    if (headerDue) this.bytesSinceHeader = 0;
    const dataBytes = this.dataBytes;
    this.enqueue(async (h) => {
      await h.write(batch, 0, batch.length, position);
      if (headerDue) await h.write(wavHeader(this.sampleRate, dataBytes), 0, 44, 0);
    });
  }

  private enqueue(op: (h: FileHandle) => Promise<void>): void {
    this.chain = this.chain.then(async () => {
      if (this.handle === undefined || this.failure !== undefined) return;
      try {
        await op(this.handle);
      } catch (cause) {
        this.failure = cause as Error;
      }
    });
  }
}

function ascii(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
}
