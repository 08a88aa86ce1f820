/**
 * The media engine's thread (DESIGN.md "Real time on Node.js": blocking the
 * main thread turns one for one into late audio, so the 20 ms path lives
 * here). It owns the UDP sockets and the streams; the main thread talks to it
 * only by messages (messages.ts), through MediaEngine.
 *
 * Started by MediaEngine; does nothing when imported outside a worker.
 */
import { createSocket } from 'node:dgram';
import { rtpBindAddress } from './bind-address.js';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { setPriority } from 'node:os';
import type { MessagePort } from 'node:worker_threads';
import { SystemClock } from '../../clock/index.js';
import { DeskphoneError } from '../../errors.js';
import { createDefaultCodecRegistry } from '../codec/index.js';
import type { RemoteEndpoint } from '../rtp/index.js';
import { RTP_MAX_PACKET_LENGTH } from '../rtp/index.js';
import { samplesPerFrame } from '../constants.js';
import { createPreciseSleep } from '../clock/index.js';
import type { FrameSchedulerOptions } from '../clock/index.js';
import type { MediaAudioPort } from './audio-port.js';
import { GeneratorAudioPort, SilentAudioPort } from './audio-port.js';
import { MediaStream } from './media-stream.js';
import { ConferenceBridge } from './conference-bridge.js';
import type { DatagramSink } from './media-stream.js';
import type { AudioSpec, MediaReply, MediaRequest, OpenStreamParams } from './messages.js';
import { SharedRingAudioPort } from './shared-audio-ring.js';
import { CaptureTime, DatagramRecorder, type IpBytes } from '../../capture/index.js';

class MediaWorkerError extends DeskphoneError {}

/** Sends through a socket from a small rotation of buffers: the stream reuses its packet buffer at once,
 * while the kernel may still be reading ours; eight sends (≥ 80 ms) is ample, and nothing is allocated. */
class SocketSink implements DatagramSink {
  private readonly pool = Array.from({ length: 8 }, () => Buffer.allocUnsafe(RTP_MAX_PACKET_LENGTH));
  private next = 0;
  errors = 0;
  private readonly onSent = (err: Error | null): void => {
    if (err) this.errors++;
  };

  constructor(
    private readonly socket: Socket,
    private readonly capture: DatagramRecorder,
    private readonly local: IpBytes | undefined,
    private readonly localPort: number,
  ) {}

  send(data: Uint8Array, length: number, to: RemoteEndpoint): void {
    const buf = this.pool[this.next]!;
    this.next = (this.next + 1) & 7;
    const n = Math.min(length, buf.length);
    buf.set(data.subarray(0, n));
    if (this.local) this.capture.sent(this.local, this.localPort, to, buf, n);
    // An unreachable peer (ICMP) or a full socket buffer is counted, never thrown: the call goes on.
    this.socket.send(buf, 0, n, to.port, to.address, this.onSent);
  }
}

interface WorkerStream {
  stream: MediaStream;
  /** The stream's own device (the bridge's handset while in a conference). */
  port: MediaAudioPort;
  sockets: Socket[];
}

interface Conference {
  bridge: ConferenceBridge;
  a: number;
  b: number;
}

function bind(address: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createSocket({ type: isIPv6(address) ? 'udp6' : 'udp4' });
    s.once('error', reject);
    s.bind(port, address, () => {
      s.off('error', reject);
      resolve(s);
    });
  });
}

async function openPort(spec: AudioSpec, sampleRate: number, frameSamples: number): Promise<MediaAudioPort> {
  switch (spec.kind) {
    case 'silent':
      return new SilentAudioPort(sampleRate);
    case 'tone':
      return new GeneratorAudioPort(spec.tone, sampleRate, Math.round(((spec.recordMs ?? 0) * sampleRate) / 1000));
    case 'shared':
      return new SharedRingAudioPort(spec.capture, spec.playback, spec.paced, sampleRate, spec.periodSamples ?? frameSamples);
    case 'module': {
      const mod = (await import(spec.url)) as Record<string, unknown>;
      const factory = mod[spec.exportName ?? 'createMediaAudioPort'];
      if (typeof factory !== 'function') throw new MediaWorkerError('MEDIA_AUDIO_MODULE', `${spec.url} exports no ${spec.exportName ?? 'createMediaAudioPort'}()`);
      return (await (factory as (o: unknown) => MediaAudioPort | Promise<MediaAudioPort>)(spec.options)) as MediaAudioPort;
    }
  }
}

export interface MediaWorkerOptions {
  /** Nice value for this thread (see MediaEngineOptions.priority). */
  priority?: number;
  /**
   * Milliseconds before each frame deadline that the scheduler stops using
   * timers and sleeps precisely (0: timers only); 'auto': `autoFinalWaitMs`
   * when this thread runs under SCHED_FIFO/SCHED_RR, else 0.
   */
  finalWaitMs?: number | 'auto';
  autoFinalWaitMs?: number;
}

/** Linux scheduling policy of this thread (/proc/thread-self/stat field 41): 1 SCHED_FIFO, 2 SCHED_RR. */
function realTimeScheduling(): boolean {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const policy = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
    return policy === 1 || policy === 2;
  } catch {
    return false;
  }
}

/** CPU time this thread has run (ms), from Linux's per-thread schedstat; undefined elsewhere. */
function threadCpuMs(): number | undefined {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return undefined;
  }
}

export class MediaWorker {
  private readonly clock = new SystemClock();
  /** Every RTP/RTCP datagram, copied into a preallocated ring while capture is on (main thread asks for snapshots). */
  private readonly captureTime = new CaptureTime(this.clock, this.clock);
  private readonly capture = new DatagramRecorder(() => this.captureTime.nowMs());
  private readonly codecs = createDefaultCodecRegistry();
  private readonly streams = new Map<number, WorkerStream>();
  private conference: Conference | undefined;
  private nextId = 1;
  private readonly scheduler: FrameSchedulerOptions | undefined;

  constructor(
    private readonly channel: MessagePort,
    options: MediaWorkerOptions = {},
  ) {
    // This thread does nothing but media, so it may block for the last millisecond or two before a
    // frame is due (FrameScheduler finalWait); datagrams arriving meanwhile wait in the socket buffer.
    // Only under a real-time policy: at normal priority on a busy machine the second wake-up per frame
    // can wait in the run queue again, and the tail got worse (test/firmware/media/pacing.bench.ts).
    const finalWaitMs = options.finalWaitMs === 'auto' ? (realTimeScheduling() ? options.autoFinalWaitMs ?? 0 : 0) : (options.finalWaitMs ?? 0);
    this.scheduler = finalWaitMs > 0 ? { finalWait: { leadMs: finalWaitMs, sleep: createPreciseSleep() } } : undefined;
    channel.on('message', (m: MediaRequest) => {
      void this.handle(m);
    });
    let priority: { requested: number; applied: boolean; error?: string } | undefined;
    if (options.priority !== undefined) {
      // On Linux setpriority(PRIO_PROCESS, 0) changes the calling thread only: this worker, not the
      // main thread's SIP and web work. Lowering the nice value needs root or CAP_SYS_NICE.
      try {
        setPriority(0, options.priority);
        priority = { requested: options.priority, applied: true };
      } catch (err) {
        priority = { requested: options.priority, applied: false, error: (err as Error).message };
      }
    }
    this.post({ type: 'ready', finalWaitMs, ...(priority && { priority }) });
  }

  private post(reply: MediaReply, transfer?: ArrayBuffer[]): void {
    this.channel.postMessage(reply, transfer);
  }

  private async handle(m: MediaRequest): Promise<void> {
    try {
      switch (m.type) {
        case 'open': {
          const opened = await this.open(m.params);
          this.post({ type: 'opened', requestId: m.requestId, ...opened });
          return;
        }
        case 'update': {
          const s = this.get(m.streamId);
          if (m.remote) s.stream.setRemote(m.remote, m.remoteRtcp);
          if (m.direction) s.stream.setDirection(m.direction);
          break;
        }
        case 'dtmf':
          this.get(m.streamId).stream.sendDtmf(m.digits, m.durationMs);
          break;
        case 'mute':
          // In a conference the microphone is the bridge's: muting one leg would also cut the other call's voice.
          if (this.conference && (this.conference.a === m.streamId || this.conference.b === m.streamId)) this.conference.bridge.setMicMuted(m.muted);
          else this.get(m.streamId).stream.setMute(m.muted);
          break;
        case 'conference':
          this.join(m.streamIds[0], m.streamIds[1]);
          break;
        case 'split':
          this.split(m.keep);
          break;
        case 'tone':
          this.get(m.streamId).stream.playTone(m.tone, m.mix ?? false);
          break;
        case 'stats':
          this.post({ type: 'stats', requestId: m.requestId, stats: this.get(m.streamId).stream.stats() });
          return;
        case 'played': {
          const port = this.get(m.streamId).port;
          const samples = port instanceof GeneratorAudioPort ? port.takePlayed() : new Int16Array(0);
          this.post({ type: 'played', requestId: m.requestId, samples }, [samples.buffer as ArrayBuffer]);
          return;
        }
        case 'close': {
          const s = this.get(m.streamId);
          const stats = this.close(m.streamId, s);
          this.post({ type: 'closed', requestId: m.requestId, stats });
          return;
        }
        case 'capture-config':
          this.capture.configure(m.ringBytes);
          this.capture.setOwnAddress(m.ownAddress);
          break;
        case 'capture-snapshot': {
          const bytes = this.capture.snapshot();
          this.post({ type: 'capture', requestId: m.requestId, bytes }, [bytes.buffer as ArrayBuffer]);
          return;
        }
        case 'thread':
          this.post({ type: 'thread', requestId: m.requestId, cpuMs: threadCpuMs() });
          return;
        case 'shutdown':
          for (const [id, s] of this.streams) this.close(id, s);
          this.post({ type: 'ok', requestId: m.requestId });
          this.channel.close();
          return;
      }
      this.post({ type: 'ok', requestId: m.requestId });
    } catch (err) {
      const e = err as Error & { code?: string };
      this.post({ type: 'error', requestId: m.requestId, code: e.code ?? 'MEDIA_WORKER', message: e.message });
    }
  }

  private get(id: number): WorkerStream {
    const s = this.streams.get(id);
    if (!s) throw new MediaWorkerError('MEDIA_NO_STREAM', `no media stream ${id}`);
    return s;
  }

  private async open(p: OpenStreamParams): Promise<{ streamId: number; localPort: number; localRtcpPort: number | undefined; ssrc: number }> {
    const codec = this.codecs.byName(p.codec);
    if (!codec) throw new MediaWorkerError('MEDIA_CODEC', `unknown codec ${p.codec}`);
    // An unspecified address follows the remote's family: a 0.0.0.0 socket cannot reach an IPv6 peer.
    const address = rtpBindAddress(p.localAddress ?? '127.0.0.1', p.remote.address);
    const sockets: Socket[] = [];
    try {
      const rtpSocket = await bind(address, p.localPort ?? 0);
      sockets.push(rtpSocket);
      let rtcpSocket: Socket | undefined;
      if (!p.rtcpMux) {
        // RFC 3550 §11: RTCP on the next port when we may choose; otherwise any free port, announced with a=rtcp.
        const wanted = p.localRtcpPort ?? (p.localPort ? p.localPort + 1 : 0);
        rtcpSocket = await bind(address, wanted);
        sockets.push(rtcpSocket);
      }
      const frameSamples = samplesPerFrame(p.ptimeMs ?? 20, codec.clockRate);
      const port = await openPort(p.audio, codec.clockRate, frameSamples);
      const id = this.nextId++;
      const stream = new MediaStream(
        {
          codec,
          payloadType: p.payloadType,
          remote: p.remote,
          cname: p.cname,
          ...(p.ptimeMs !== undefined && { ptimeMs: p.ptimeMs }),
          ...(p.telephoneEventPayloadType !== undefined && { telephoneEventPayloadType: p.telephoneEventPayloadType }),
          ...(p.comfortNoisePayloadType !== undefined && { comfortNoisePayloadType: p.comfortNoisePayloadType }),
          ...(p.remoteRtcp !== undefined && { remoteRtcp: p.remoteRtcp }),
          ...(p.rtcpMux !== undefined && { rtcpMux: p.rtcpMux }),
          ...(p.direction !== undefined && { direction: p.direction }),
          ...(p.jitter !== undefined && { jitter: p.jitter }),
          ...(p.dtmf !== undefined && { dtmf: p.dtmf }),
          ...(p.detectInbandDtmf !== undefined && { detectInbandDtmf: p.detectInbandDtmf }),
          ...(p.dtmfLocalFeedback !== undefined && { dtmfLocalFeedback: p.dtmfLocalFeedback }),
          unixMsAtZero: this.clock.nowDate().getTime() - this.clock.now(),
        },
        {
          clock: this.clock,
          port,
          rtp: this.sink(rtpSocket),
          ...(rtcpSocket && { rtcp: this.sink(rtcpSocket) }),
          onEvent: (event) => this.post({ type: 'event', streamId: id, event }),
          ...(this.scheduler && { scheduler: this.scheduler }),
        },
      );
      // Bad input is counted by the receivers; anything that still throws is reported, never allowed
      // to end the worker (and with it every call).
      const guard = (fn: () => void): void => {
        try {
          fn();
        } catch (err) {
          const e = err as Error & { code?: string };
          this.post({ type: 'event', streamId: id, event: { type: 'error', code: e.code ?? 'MEDIA_RECEIVE', message: e.message, count: 1 } });
        }
      };
      const rtpLocal = this.localOf(rtpSocket);
      rtpSocket.on('message', (msg, rinfo) => {
        const data = new Uint8Array(msg.buffer, msg.byteOffset, msg.length);
        if (rtpLocal) this.capture.received(rtpLocal.ip, rtpLocal.port, rinfo, data);
        guard(() => stream.receiveRtp(data, { address: rinfo.address, port: rinfo.port }));
      });
      const rtcpLocal = rtcpSocket && this.localOf(rtcpSocket);
      rtcpSocket?.on('message', (msg, rinfo) => {
        const data = new Uint8Array(msg.buffer, msg.byteOffset, msg.length);
        if (rtcpLocal) this.capture.received(rtcpLocal.ip, rtcpLocal.port, rinfo, data);
        guard(() => stream.receiveRtcp(data, { address: rinfo.address, port: rinfo.port }));
      });
      // A socket error (e.g. ICMP port unreachable surfacing on Linux) must not kill the engine.
      for (const s of sockets) s.on('error', () => {});
      this.streams.set(id, { stream, port, sockets });
      stream.start();
      return { streamId: id, localPort: rtpSocket.address().port, localRtcpPort: rtcpSocket?.address().port, ssrc: stream.ssrc };
    } catch (err) {
      for (const s of sockets) s.close();
      throw err;
    }
  }

  private sink(socket: Socket): SocketSink {
    const local = this.localOf(socket);
    return new SocketSink(socket, this.capture, local?.ip, local?.port ?? 0);
  }

  /** A socket's bound address, encoded once for the capture (a wildcard bind is recorded as 0.0.0.0 or ::). */
  private localOf(socket: Socket): { ip: IpBytes; port: number } | undefined {
    const a = socket.address();
    const ip = this.capture.localAddress(a.address);
    return ip && { ip, port: a.port };
  }

  private join(aId: number, bId: number): void {
    if (this.conference) throw new MediaWorkerError('MEDIA_CONFERENCE_BUSY', 'a conference is already running');
    if (aId === bId) throw new MediaWorkerError('MEDIA_CONFERENCE_SAME', 'a conference needs two different calls');
    const a = this.get(aId);
    const b = this.get(bId);
    if (a.stream.frameSamples !== b.stream.frameSamples) {
      throw new MediaWorkerError('MEDIA_CONFERENCE_PTIME', `calls use different ptimes (${a.stream.ptimeMs} and ${b.stream.ptimeMs} ms)`);
    }
    const bridge = new ConferenceBridge(a.port, a.stream.frameSamples);
    a.stream.replacePort(bridge.legA);
    b.stream.replacePort(bridge.legB);
    // One handset: B's own port is no longer needed.
    if (b.port !== a.port) b.port.close?.();
    b.port = a.port;
    this.conference = { bridge, a: aId, b: bId };
  }

  private split(keepId: number): void {
    const c = this.conference;
    if (!c) throw new MediaWorkerError('MEDIA_NO_CONFERENCE', 'no conference is running');
    if (keepId !== c.a && keepId !== c.b) throw new MediaWorkerError('MEDIA_NOT_IN_CONFERENCE', `stream ${keepId} is not in the conference`);
    this.conference = undefined;
    c.bridge.close();
    const otherId = keepId === c.a ? c.b : c.a;
    const keep = this.streams.get(keepId);
    const other = this.streams.get(otherId);
    keep?.stream.replacePort(c.bridge.device);
    if (keep) keep.port = c.bridge.device;
    if (other) {
      other.port = new SilentAudioPort(c.bridge.device.sampleRate);
      other.stream.replacePort(other.port);
    }
  }

  private close(id: number, s: WorkerStream): ReturnType<MediaStream['stats']> {
    // A call leaving the conference hands the handset to the other one.
    if (this.conference && (this.conference.a === id || this.conference.b === id)) {
      this.split(this.conference.a === id ? this.conference.b : this.conference.a);
    }
    s.stream.stop();
    const stats = s.stream.stats();
    // Let the BYE leave before the socket goes.
    this.clock.setTimeout(() => {
      for (const sock of s.sockets) sock.close();
    }, 0);
    this.streams.delete(id);
    return stats;
  }
}

if (parentPort) new MediaWorker(parentPort, (workerData ?? {}) as MediaWorkerOptions);
