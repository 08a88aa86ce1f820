import { EventEmitter } from 'node:events';
import type { AlsaCaptureOptions, CommandRunner, PlaybackChild } from '../../../hal/audio/index.js';

/**
 * Stand-ins for alsa-capture, aplay and amixer that behave as the real ones do
 * at their edges (HAL-TESTING.md): values as strings, a full stale chunk after
 * an overrun, a missing device as an 'error' event, aplay's stderr messages.
 */
export class FakeAlsaCapture extends EventEmitter {
  static instances: FakeAlsaCapture[] = [];
  /** Device names that do not exist: opening one emits 'error' on the next tick, as snd_pcm_open fails. */
  static missing = new Set<string>();
  closed = false;

  constructor(readonly options: AlsaCaptureOptions) {
    super();
    if (options.periodSize <= 0) throw new Error('period_size has to be a positive number');
    FakeAlsaCapture.instances.push(this);
    if (FakeAlsaCapture.missing.has(options.device)) {
      queueMicrotask(() => this.emit('error', new Error('Unable to open PCM device: No such device\n')));
    }
  }

  static reset(): void {
    FakeAlsaCapture.instances = [];
    FakeAlsaCapture.missing.clear();
  }

  static get last(): FakeAlsaCapture {
    return FakeAlsaCapture.instances.at(-1)!;
  }

  /** One period as the native worker hands it over: a Buffer of S16LE bytes. */
  audio(samples: ArrayLike<number>): void {
    const b = Buffer.alloc(samples.length * 2);
    for (let i = 0; i < samples.length; i++) b.writeInt16LE(samples[i]!, i * 2);
    this.emit('audio', b);
  }

  close(): void {
    this.closed = true;
  }
}

export class FakeChild extends EventEmitter implements PlaybackChild {
  static spawned: FakeChild[] = [];
  readonly written: Buffer[] = [];
  readonly stderr = new EventEmitter();
  killed: string | undefined;
  ended = false;
  exited = false;
  readonly pid = 40000 + FakeChild.spawned.length;
  readonly stdin = Object.assign(new EventEmitter(), {
    write: (chunk: Uint8Array) => {
      this.written.push(Buffer.from(chunk));
      return true;
    },
    end: () => {
      this.ended = true;
    },
  });

  constructor(readonly command: string, readonly args: readonly string[]) {
    super();
    FakeChild.spawned.push(this);
  }

  static get last(): FakeChild {
    return FakeChild.spawned.at(-1)!;
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    this.killed = signal;
    this.exit(null, signal);
    return true;
  }

  exit(code: number | null, signal: string | null = null): void {
    if (this.exited) return;
    this.exited = true;
    this.emit('exit', code, signal);
  }

  say(text: string): void {
    this.stderr.emit('data', Buffer.from(text));
  }

  /** The S16 samples written to aplay's stdin so far. */
  samples(): number[] {
    const all = Buffer.concat(this.written);
    const out: number[] = [];
    for (let i = 0; i + 1 < all.length; i += 2) out.push(all.readInt16LE(i));
    return out;
  }

  arg(flag: string): string | undefined {
    const i = this.args.indexOf(flag);
    return i < 0 ? undefined : this.args[i + 1];
  }
}

export function fakeSpawn(command: string, args: readonly string[]): FakeChild {
  return new FakeChild(command, args);
}

export interface RecordingRunner {
  run: CommandRunner;
  calls: Array<{ command: string; args: readonly string[] }>;
  failWith?: string;
}

export function recordingRunner(): RecordingRunner {
  const r: RecordingRunner = {
    calls: [],
    run: async (command, args) => {
      r.calls.push({ command, args });
      return r.failWith === undefined ? { code: 0, stdout: '', stderr: '' } : { code: 1, stdout: '', stderr: r.failWith };
    },
  };
  return r;
}
