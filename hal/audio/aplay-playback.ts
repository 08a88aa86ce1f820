import { spawn } from 'node:child_process';

/**
 * Playback through a long-lived `aplay` child fed raw S16_LE on its stdin.
 *
 * Why a child process: alsa-capture is capture-only, and the `speaker`
 * package opens the default PCM when it is loaded and aborts the whole
 * process when there is none (node-speaker #126) — on a phone whose USB
 * handset can be unplugged that would take SIP and the web UI down with it.
 * aplay uses the same alsa-lib and ALSA configuration as capture, handles
 * underruns itself (it re-prepares the PCM and goes on), and when it dies —
 * device gone, driver error — only the child exits and the driver restarts it.
 */
export interface PlaybackChild {
  readonly pid?: number | undefined;
  readonly stdin: {
    write(chunk: Uint8Array): boolean;
    end(): void;
    on(event: 'error', listener: (error: Error) => void): unknown;
  };
  readonly stderr: { on(event: 'data', listener: (chunk: Buffer | string) => void): unknown };
  on(event: 'exit', listener: (code: number | null, signal: string | null) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  kill(signal?: NodeJS.Signals): boolean;
}

export type SpawnPlayback = (command: string, args: readonly string[]) => PlaybackChild;

export const spawnChild: SpawnPlayback = (command, args) => {
  const child = spawn(command, [...args], { stdio: ['pipe', 'ignore', 'pipe'] });
  return child as unknown as PlaybackChild;
};

export interface AplayOptions {
  aplay: string;
  device: string;
  rate: number;
  /** ALSA buffer and period, in microseconds (aplay --buffer-time/--period-time). */
  bufferUs: number;
  periodUs: number;
}

export function aplayArgs(o: AplayOptions): string[] {
  return ['-q', '-D', o.device, '-t', 'raw', '-f', 'S16_LE', '-r', String(o.rate), '-c', '1', `--buffer-time=${o.bufferUs}`, `--period-time=${o.periodUs}`];
}

export interface PlaybackListener {
  underrun(): void;
  /** aplay opened the card at another rate than asked: the samples must be resampled to `rate`. */
  rateMismatch(rate: number): void;
  exited(reason: string): void;
}

/** One aplay child and the meaning of what it prints on stderr. */
export class AplayPlayback {
  private readonly child: PlaybackChild;
  private stderrTail = '';
  /** Set once we stop the child ourselves: its exit is then expected, not a loss. */
  private silent = false;
  private done = false;
  private exitWaiters: Array<() => void> = [];

  constructor(spawnFn: SpawnPlayback, readonly options: AplayOptions, private readonly listener: PlaybackListener) {
    this.child = spawnFn(options.aplay, aplayArgs(options));
    // A write after the child died gives EPIPE on stdin; the exit event reports the loss.
    this.child.stdin.on('error', () => {});
    this.child.stderr.on('data', (chunk) => this.onStderr(String(chunk)));
    this.child.on('error', (error) => this.finish(`cannot run ${options.aplay}: ${error.message}`));
    this.child.on('exit', (code, signal) => {
      const why = this.stderrTail.trim().split('\n').filter(Boolean).at(-1);
      this.finish(`aplay exited (${signal ?? code})${why === undefined ? '' : `: ${why}`}`);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return !this.done;
  }

  /** Returns false when the pipe is full (the child is not keeping up). */
  write(bytes: Uint8Array): boolean {
    if (this.done) return false;
    return this.child.stdin.write(bytes);
  }

  /** Ends the stream and the child; resolves when it has exited (SIGKILL if SIGTERM is ignored). */
  stop(killAfter: (fn: () => void) => void): Promise<void> {
    if (this.done) return Promise.resolve();
    const exited = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
    this.silent = true;
    try {
      this.child.stdin.end();
    } catch {
      // already closed
    }
    this.child.kill('SIGTERM');
    killAfter(() => {
      if (!this.done) this.child.kill('SIGKILL');
    });
    return exited;
  }

  private onStderr(text: string): void {
    this.stderrTail = (this.stderrTail + text).slice(-2000);
    // aplay.c xrun(): "underrun!!! (at least N ms long)", printed whatever -q says.
    const underruns = text.match(/underrun!!!/g);
    if (underruns !== null && !this.silent) for (let i = 0; i < underruns.length; i++) this.listener.underrun();
    // aplay.c set_params(): "Warning: rate is not accurate (requested = 8000Hz, got = 48000Hz)".
    const rate = /rate is not accurate \(requested = \d+Hz, got = (\d+)Hz\)/.exec(text);
    if (rate !== null && !this.silent) this.listener.rateMismatch(Number(rate[1]));
  }

  private finish(reason: string): void {
    if (this.done) return;
    this.done = true;
    for (const w of this.exitWaiters.splice(0)) w();
    if (!this.silent) this.listener.exited(reason);
  }
}
