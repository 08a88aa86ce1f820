/**
 * The media engine as the phone's calls see it, across media-worker restarts.
 *
 * When the worker thread dies (an exception in the 20 ms path, the V8 heap cap
 * main.ts gives it), every stream inside it dies with it, but the calls do
 * not: their SIP dialogs live in the main thread and their SDP still names the
 * same local RTP ports. So each stream is kept here as the parameters it was
 * opened with plus every change made since (re-INVITE direction and remote,
 * mute, the conference), and a new worker gets the same streams back on the
 * same ports. The far end sees a new SSRC — RFC 3550 §8.2 lets a source
 * change its SSRC, and receivers resynchronise on it — and the call goes on.
 */
import { MediaEngineError, type MediaEngine, type MediaStreamEvent, type MediaStreamHandle, type MediaStreamStats, type OpenStreamParams } from '../media/index.js';
import type { ToneSpec } from '../media/tones/index.js';

type Change = Parameters<MediaStreamHandle['update']>[0];

interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** A call's stream that outlives the worker it runs in. */
export class DurableMediaStream {
  private inner: MediaStreamHandle | undefined;
  private readonly listeners = new Set<(e: MediaStreamEvent) => void>();
  private muted = false;
  private closed = false;
  private detachInner: (() => void) | undefined;

  constructor(
    private readonly owner: RestartingMediaEngine,
    /** What the stream is now: the open parameters with every later update folded in. */
    readonly params: OpenStreamParams,
  ) {}

  /** The worker's stream behind this one (undefined while the worker restarts). */
  get current(): MediaStreamHandle | undefined {
    return this.inner;
  }

  get localPort(): number | undefined {
    return this.inner?.localPort;
  }

  get ssrc(): number | undefined {
    return this.inner?.ssrc;
  }

  on(listener: (e: MediaStreamEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async update(change: Change): Promise<void> {
    // Kept first, so a worker that starts meanwhile opens the stream as it now is.
    if (change.remote) this.params.remote = change.remote;
    if (change.remoteRtcp) this.params.remoteRtcp = change.remoteRtcp;
    if (change.direction) this.params.direction = change.direction;
    await this.inner?.update(change);
  }

  async sendDtmf(digits: string, durationMs?: number): Promise<void> {
    // A digit pressed while the worker restarts is lost, as it would be on a line that drops for a moment.
    await this.live('send DTMF').sendDtmf(digits, durationMs);
  }

  async setMute(muted: boolean): Promise<void> {
    this.muted = muted;
    await this.inner?.setMute(muted);
  }

  async playTone(tone: ToneSpec | null, mix = false): Promise<void> {
    await this.live('play a tone').playTone(tone, mix);
  }

  async stats(): Promise<MediaStreamStats> {
    return this.live('report statistics').stats();
  }

  async takePlayed(): Promise<Int16Array> {
    return this.live('report what it played').takePlayed();
  }

  async close(): Promise<MediaStreamStats> {
    if (this.closed) throw new MediaEngineError('MEDIA_STREAM_CLOSED', 'the stream is already closed');
    this.closed = true;
    this.owner.forget(this);
    const inner = this.inner;
    this.unbind();
    return this.closeInner(inner);
  }

  /** @internal Opens this stream in a (new) worker, as it is now. */
  async bind(engine: MediaEngine): Promise<void> {
    const inner = await engine.openStream(this.params);
    if (this.closed) {
      await inner.close().catch(() => undefined);
      return;
    }
    this.unbind();
    this.inner = inner;
    this.detachInner = inner.on((e) => {
      for (const l of [...this.listeners]) l(e);
    });
    if (this.muted) await inner.setMute(true);
  }

  /** @internal The worker is gone. */
  unbind(): void {
    this.detachInner?.();
    this.detachInner = undefined;
    this.inner = undefined;
  }

  private async closeInner(inner: MediaStreamHandle | undefined): Promise<MediaStreamStats> {
    if (!inner) throw new MediaEngineError('MEDIA_RESTARTING', 'the media worker was restarting; the stream had no statistics to give');
    return inner.close();
  }

  private live(what: string): MediaStreamHandle {
    if (!this.inner) throw new MediaEngineError('MEDIA_RESTARTING', `the media worker is restarting: cannot ${what} now`);
    return this.inner;
  }
}

/**
 * Opens streams on whichever MediaEngine is current. The lifecycle's media
 * part attaches a new engine after each (re)start; the streams of the calls
 * in progress are opened in it again.
 */
export class RestartingMediaEngine {
  private engine: MediaEngine | undefined;
  private readonly streams = new Set<DurableMediaStream>();
  private conferenced: [DurableMediaStream, DurableMediaStream] | undefined;
  private waiting: Array<(engine: MediaEngine | undefined) => void> = [];
  private closing = false;
  private capture: { ringBytes: number | null; ownAddress?: string } | undefined;

  constructor(private readonly log: Log) {}

  /** The streams of the calls in progress. */
  get openStreams(): readonly DurableMediaStream[] {
    return [...this.streams];
  }

  /** The engine running now (undefined while it restarts). */
  get current(): MediaEngine | undefined {
    return this.engine;
  }

  async openStream(params: OpenStreamParams): Promise<DurableMediaStream> {
    const stream = new DurableMediaStream(this, { ...params });
    // A call answered while the worker restarts waits for the new one. The stream joins the
    // streams that a new worker re-opens only once it is open: attach() must not open it twice.
    await stream.bind(this.engine ?? (await this.nextEngine()));
    this.streams.add(stream);
    return stream;
  }

  /**
   * The RTP side of the packet capture (capture/RtpCaptureSource): the ring lives in the worker, so
   * the setting is kept and given to each new worker; what the old worker had recorded is lost with it.
   */
  async configureCapture(ringBytes: number | null, ownAddress?: string): Promise<void> {
    this.capture = { ringBytes, ...(ownAddress !== undefined ? { ownAddress } : {}) };
    await this.engine?.configureCapture(ringBytes, ownAddress);
  }

  async captureSnapshot(): Promise<Uint8Array> {
    if (!this.engine) throw new MediaEngineError('MEDIA_RESTARTING', 'the media worker is restarting: no RTP capture to give');
    return this.engine.captureSnapshot();
  }

  async conference(a: DurableMediaStream, b: DurableMediaStream): Promise<void> {
    this.conferenced = [a, b];
    const [ia, ib] = [a.current, b.current];
    if (this.engine && ia && ib) await this.engine.conference(ia, ib);
  }

  async split(keep: DurableMediaStream): Promise<void> {
    this.conferenced = undefined;
    const inner = keep.current;
    if (this.engine && inner) await this.engine.split(inner);
  }

  /**
   * A (new) worker is up: the calls' streams are opened in it again, and the
   * conference rebuilt. Throws when a stream cannot be opened again (its port
   * still taken), so the supervisor tries again after its back-off.
   */
  async attach(engine: MediaEngine): Promise<void> {
    const streams = [...this.streams];
    await Promise.all(streams.map((s) => (s.current ? undefined : s.bind(engine))));
    const conf = this.conferenced;
    if (conf && conf[0].current && conf[1].current) await engine.conference(conf[0].current, conf[1].current);
    if (this.capture?.ringBytes) await engine.configureCapture(this.capture.ringBytes, this.capture.ownAddress);
    this.engine = engine;
    if (streams.length > 0) this.log.info({ streams: streams.length, conference: conf !== undefined }, 'media: the calls’ streams are open in the new worker');
    for (const w of this.waiting.splice(0)) w(engine);
  }

  /** The worker died: its streams with it. */
  detach(engine: MediaEngine): void {
    // A newer engine is attached already: this one's streams were moved off it.
    if (this.engine !== undefined && this.engine !== engine) return;
    this.engine = undefined;
    for (const s of this.streams) s.unbind();
  }

  /** The phone is stopping: a call that still waits for a worker gets an error, not a hang. */
  close(): void {
    this.closing = true;
    for (const w of this.waiting.splice(0)) w(undefined);
  }

  /** @internal A stream was closed. */
  forget(stream: DurableMediaStream): void {
    this.streams.delete(stream);
    if (this.conferenced?.includes(stream)) this.conferenced = undefined;
  }

  private async nextEngine(): Promise<MediaEngine> {
    const engine = this.closing ? undefined : await new Promise<MediaEngine | undefined>((resolve) => this.waiting.push(resolve));
    if (!engine) throw new MediaEngineError('MEDIA_STOPPED', 'the phone is stopping: no media worker to open the stream in');
    return engine;
  }
}
