/**
 * The main thread's handle on the media worker: starts the worker, opens one
 * stream per call and forwards the phone's commands (hold, DTMF, mute, tones,
 * statistics) as messages. Nothing here touches audio in real time.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DeskphoneError } from '../../errors.js';
import type { RemoteEndpoint } from '../rtp/index.js';
import type { ToneSpec } from '../tones/index.js';
import type { MediaDirection, MediaStreamEvent, MediaStreamStats } from './media-stream.js';
import type { MediaReply, MediaRequest, OpenStreamParams } from './messages.js';

export class MediaEngineError extends DeskphoneError {
  constructor(
    code: string,
    message: string,
    readonly streamId?: number,
  ) {
    super(code, message);
  }
}

type Pending = { resolve: (r: MediaReply) => void; reject: (e: Error) => void };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type RequestBody = DistributiveOmit<MediaRequest, 'requestId'>;

export interface MediaEngineOptions {
  /** The worker script; defaults to media-worker next to this module (.ts through tsx in development). */
  workerUrl?: URL;
  /**
   * Nice value for the media thread alone (−20…19; lower is more urgent). The
   * device's systemd unit grants CAP_SYS_NICE so the 20 ms path outranks
   * everything else; without the privilege the engine runs at normal priority
   * and says so in `priority`.
   */
  priority?: number;
  /**
   * V8 heap limits of the media thread: a runaway allocation there ends the
   * media worker (reported through onFailure), not the whole phone.
   */
  resourceLimits?: { maxYoungGenerationSizeMb?: number; maxOldGenerationSizeMb?: number };
  /**
   * Scheduler-paced streams (no sound card clock) arm their timer this many ms
   * before each frame is due and sleep the rest precisely in the media thread
   * (FrameScheduler finalWait): Node's timers only have whole-millisecond
   * resolution. 0 uses timers alone; 'auto' (the default) uses
   * MEDIA_FINAL_WAIT_MS when the process runs under a real-time policy (the
   * device unit's SCHED_RR) and timers alone otherwise.
   */
  finalWaitMs?: number | 'auto';
}

/**
 * The final wait of a media thread under real-time scheduling. Measured with
 * test/firmware/media/pacing.bench.ts, both strategies in one run, 60 s on a
 * quiet 2-core machine (load average < 1):
 * - `chrt -r 10` (the device unit's SCHED_RR): send lateness p99 1.0 ms on
 *   timers alone, 0.2 ms with 2 ms of final wait, for 0.99 % vs 1.03 % of a core;
 * - normal priority: p99 1.4 ms on timers alone, 2.3 ms with the wait (the
 *   second wake-up per frame waits for a CPU again). With the machine
 *   shared (load average 4-11): 3.5-5.8 vs 4.5-6.8 ms, and 7.0 ms spinning
 *   the last ms instead (7.9 % of a core).
 * So 'auto' waits only under a real-time policy.
 * Streams whose deadlines fall within each other's wait are still served in
 * deadline order (their timers are), each sleeping only to its own deadline;
 * datagrams arriving during a wait are handled right after the frame is sent.
 */
export const MEDIA_FINAL_WAIT_MS = 2;

/**
 * Starts the worker. From source (tsx, vitest) the worker loads the .ts entry
 * through tsx's loader; from the bundle it loads media-worker.js, which the
 * build must emit as its own entry point.
 */
function spawnWorker(workerUrl: URL | undefined, workerData: unknown, resourceLimits: MediaEngineOptions['resourceLimits']): Worker {
  const self = import.meta.url;
  if (workerUrl === undefined && self.endsWith('.ts')) {
    const tsxDir = dirname(createRequire(self).resolve('tsx/package.json'));
    const api = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
    const entry = new URL('./media-worker.ts', self).href;
    const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
    return new Worker(boot, { eval: true, workerData, ...(resourceLimits && { resourceLimits }) });
  }
  return new Worker(workerUrl ?? new URL('./media-worker.js', self), { workerData, ...(resourceLimits && { resourceLimits }) });
}

export class MediaEngine {
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<number, Set<(e: MediaStreamEvent) => void>>();
  private nextRequest = 1;
  private exited = false;
  private readonly failureListeners = new Set<(err: MediaEngineError) => void>();

  private constructor(
    private readonly worker: Worker,
    /** Whether the requested thread priority was applied (undefined when none was requested). */
    readonly priority: { requested: number; applied: boolean; error?: string } | undefined,
    /** The final wait the media thread uses (0: timers alone; see MediaEngineOptions.finalWaitMs). */
    readonly finalWaitMs: number,
  ) {
    worker.on('message', (m: MediaReply) => this.onReply(m));
    worker.on('error', (err) => this.fail(new MediaEngineError('MEDIA_WORKER_CRASHED', `media worker failed: ${err.message}`)));
    worker.on('exit', (code) => {
      const expected = this.exited;
      this.exited = true;
      if (!expected) this.fail(new MediaEngineError('MEDIA_WORKER_EXITED', `media worker exited with code ${code}`));
    });
  }

  /** Starts the worker and resolves once it is ready for streams. */
  static start(options: MediaEngineOptions = {}): Promise<MediaEngine> {
    const worker = spawnWorker(
      options.workerUrl,
      { ...(options.priority !== undefined && { priority: options.priority }), finalWaitMs: options.finalWaitMs ?? 'auto', autoFinalWaitMs: MEDIA_FINAL_WAIT_MS },
      options.resourceLimits,
    );
    return new Promise((resolve, reject) => {
      const onReady = (m: MediaReply): void => {
        if (m.type !== 'ready') return;
        worker.off('message', onReady);
        worker.off('error', onError);
        resolve(new MediaEngine(worker, m.priority, m.finalWaitMs));
      };
      const onError = (err: Error): void => {
        worker.off('message', onReady);
        void worker.terminate();
        reject(new MediaEngineError('MEDIA_WORKER_START', `media worker did not start: ${err.message}`));
      };
      worker.on('message', onReady);
      worker.once('error', onError);
    });
  }

  /** Called if the worker dies: every call's audio is gone, the phone should end or re-open its streams. */
  onFailure(listener: (err: MediaEngineError) => void): () => void {
    this.failureListeners.add(listener);
    return () => this.failureListeners.delete(listener);
  }

  /** Thread id of the worker (for diagnostics). */
  get threadId(): number {
    return this.worker.threadId;
  }

  async openStream(params: OpenStreamParams): Promise<MediaStreamHandle> {
    const r = await this.request({ type: 'open', params });
    if (r.type !== 'opened') throw new MediaEngineError('MEDIA_PROTOCOL', `unexpected reply ${r.type} to open`);
    return new MediaStreamHandle(this, r.streamId, r.localPort, r.localRtcpPort, r.ssrc);
  }

  /** CPU time the media thread has used so far (ms; Linux only, else undefined). */
  async threadCpuMs(): Promise<number | undefined> {
    const r = await this.request({ type: 'thread' });
    if (r.type !== 'thread') throw new MediaEngineError('MEDIA_PROTOCOL', `unexpected reply ${r.type} to thread`);
    return r.cpuMs;
  }

  /** Hosts a 3-way conference: the handset, call `a` and call `b` (a's audio device becomes the bridge's). */
  async conference(a: MediaStreamHandle, b: MediaStreamHandle): Promise<void> {
    await this.request({ type: 'conference', streamIds: [a.id, b.id] });
  }

  /** Ends the conference: `keep` goes on with the handset, the other call is left silent (put it on hold). */
  async split(keep: MediaStreamHandle): Promise<void> {
    await this.request({ type: 'split', keep: keep.id });
  }

  /**
   * Packet capture of every RTP/RTCP datagram into a ring of `ringBytes` in the worker; null turns it off.
   * `ownAddress` is recorded for sockets bound to all interfaces (the address the SDP carries).
   */
  async configureCapture(ringBytes: number | null, ownAddress?: string): Promise<void> {
    await this.request({ type: 'capture-config', ringBytes, ...(ownAddress !== undefined && { ownAddress }) });
  }

  /** The captured datagrams, oldest first, in firmware/capture's snapshot format (decodeSnapshot reads it). */
  async captureSnapshot(): Promise<Uint8Array> {
    const r = await this.request({ type: 'capture-snapshot' });
    if (r.type !== 'capture') throw new MediaEngineError('MEDIA_PROTOCOL', `unexpected reply ${r.type} to capture-snapshot`);
    return r.bytes;
  }

  /** Closes every stream (each sends its RTCP BYE) and stops the worker. */
  async stop(): Promise<void> {
    if (this.exited) return;
    try {
      await this.request({ type: 'shutdown' });
    } finally {
      this.exited = true;
      await this.worker.terminate();
    }
  }

  /** @internal */
  request(body: RequestBody, transfer?: ArrayBuffer[]): Promise<MediaReply> {
    if (this.exited) return Promise.reject(new MediaEngineError('MEDIA_WORKER_EXITED', 'media worker is not running'));
    const requestId = this.nextRequest++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      this.worker.postMessage({ ...body, requestId } as MediaRequest, transfer);
    });
  }

  /** @internal */
  subscribe(streamId: number, fn: (e: MediaStreamEvent) => void): () => void {
    let set = this.listeners.get(streamId);
    if (!set) this.listeners.set(streamId, (set = new Set()));
    set.add(fn);
    return () => set.delete(fn);
  }

  /** @internal */
  forget(streamId: number): void {
    this.listeners.delete(streamId);
  }

  private onReply(m: MediaReply): void {
    if (m.type === 'ready') return;
    if (m.type === 'event') {
      for (const fn of this.listeners.get(m.streamId) ?? []) fn(m.event);
      return;
    }
    const p = this.pending.get(m.requestId);
    if (!p) return;
    this.pending.delete(m.requestId);
    if (m.type === 'error') p.reject(new MediaEngineError(m.code, m.message));
    else p.resolve(m);
  }

  private fail(err: MediaEngineError): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    for (const fn of this.failureListeners) fn(err);
  }
}

/** One call's stream inside the worker. */
export class MediaStreamHandle {
  private closed = false;

  constructor(
    private readonly engine: MediaEngine,
    readonly id: number,
    /** Local RTP port to put in the SDP m= line. */
    readonly localPort: number,
    /** Local RTCP port without rtcp-mux (RFC 3605 a=rtcp when not localPort + 1). */
    readonly localRtcpPort: number | undefined,
    readonly ssrc: number,
  ) {}

  /** DTMF received (RFC 4733 or in-band), remote latched, BYE, tone finished. */
  on(listener: (e: MediaStreamEvent) => void): () => void {
    return this.engine.subscribe(this.id, listener);
  }

  /** Re-INVITE: new remote address and/or direction (hold: sendonly/inactive; resume: sendrecv). */
  async update(change: { remote?: RemoteEndpoint; remoteRtcp?: RemoteEndpoint; direction?: MediaDirection }): Promise<void> {
    await this.engine.request({ type: 'update', streamId: this.id, ...change });
  }

  async sendDtmf(digits: string, durationMs?: number): Promise<void> {
    await this.engine.request({ type: 'dtmf', streamId: this.id, digits, ...(durationMs !== undefined && { durationMs }) });
  }

  async setMute(muted: boolean): Promise<void> {
    await this.engine.request({ type: 'mute', streamId: this.id, muted });
  }

  /** Plays a tone in the earpiece (replacing, or mixed over the call), or stops it with null. */
  async playTone(tone: ToneSpec | null, mix = false): Promise<void> {
    await this.engine.request({ type: 'tone', streamId: this.id, tone, mix });
  }

  async stats(): Promise<MediaStreamStats> {
    const r = await this.engine.request({ type: 'stats', streamId: this.id });
    if (r.type !== 'stats') throw new MediaEngineError('MEDIA_PROTOCOL', `unexpected reply ${r.type} to stats`, this.id);
    return r.stats;
  }

  /** What a 'tone' audio port played since the last call (test and diagnostics ports only). */
  async takePlayed(): Promise<Int16Array> {
    const r = await this.engine.request({ type: 'played', streamId: this.id });
    if (r.type !== 'played') throw new MediaEngineError('MEDIA_PROTOCOL', `unexpected reply ${r.type} to played`, this.id);
    return r.samples;
  }

  /** Stops the stream (sending RTCP BYE) and returns its final statistics. */
  async close(): Promise<MediaStreamStats> {
    if (this.closed) throw new MediaEngineError('MEDIA_STREAM_CLOSED', `stream ${this.id} is already closed`, this.id);
    this.closed = true;
    const r = await this.engine.request({ type: 'close', streamId: this.id });
    this.engine.forget(this.id);
    if (r.type !== 'closed') throw new MediaEngineError('MEDIA_PROTOCOL', `unexpected reply ${r.type} to close`, this.id);
    return r.stats;
  }
}
