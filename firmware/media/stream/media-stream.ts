/**
 * One call's media: audio port ↔ codec ↔ RTP/RTCP (DESIGN.md "A call, as
 * data"). Every ptime the stream takes one captured frame, sends it (or the
 * DTMF event replacing it), and plays one frame out of the jitter buffer,
 * decoded, concealed or comfort noise, with local tones on top.
 *
 * Timing comes from outside the stream's logic: a paced port's capture frames
 * (the sound card's clock), or the drift-free FrameScheduler on the injected
 * Clock. Sockets are DatagramSinks. So the whole stream runs under FakeClock
 * in unit tests, and in the media worker with real sockets.
 *
 * Steady state allocates nothing on the send path (preallocated frame,
 * payload and packet buffers; the DTMF sender and tone generators write into
 * them). The receive path allocates one parsed RtpPacket per datagram (the
 * RtpReceiver's value object); decoding, concealment and playout reuse buffers.
 */
import type { Clock, TimerHandle } from '../../clock/index.js';
import { DeskphoneError } from '../../errors.js';
import type { AudioDecoder, AudioEncoder, CodecDescriptor } from '../codec/index.js';
import { ComfortNoiseGenerator } from '../comfort-noise/index.js';
import { PTIME_MAX_MS, PTIME_MIN_MS, PTIME_DEFAULT_MS, samplesPerFrame } from '../constants.js';
import { DtmfDetector, DtmfReceiver, DtmfSender, dtmfSequenceSpec } from '../dtmf/index.js';
import type { DtmfDigit, DtmfSenderOptions } from '../dtmf/index.js';
import { JitterBuffer } from '../jitter/index.js';
import type { JitterBufferOptions } from '../jitter/index.js';
import { PacketLossConcealer } from '../plc/index.js';
import { CallStatistics } from '../quality/index.js';
import type { CallQuality } from '../quality/index.js';
import { RtcpSession, isRtcpPacket } from '../rtcp/index.js';
import { RTP_HEADER_LENGTH, RtpReceiver, RtpSender, writeRtpHeader } from '../rtp/index.js';
import type { RandomUint32, RemoteEndpoint, RtpDropReason } from '../rtp/index.js';
import { FrameScheduler, CaptureFramer } from '../clock/index.js';
import type { FrameSchedulerOptions, FrameSchedulerStats, FrameTick } from '../clock/index.js';
import { ToneGenerator } from '../tones/index.js';
import type { ToneSpec } from '../tones/index.js';
import type { MediaAudioPort } from './audio-port.js';
import { SampleFifo } from './sample-fifo.js';

/** RFC 3264 §5.1 / RFC 4566 §6: the direction attribute of the media line (hold is sendonly/inactive). */
export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** The socket side of a stream: where datagrams go (the worker's dgram socket, or a test's array). */
export interface DatagramSink {
  send(data: Uint8Array, length: number, to: RemoteEndpoint): void;
}

export interface MediaStreamConfig {
  /** The negotiated audio codec (kind 'audio'). */
  codec: CodecDescriptor;
  /** Its payload type in this call (may differ from the registry's for dynamic codecs). */
  payloadType: number;
  ptimeMs?: number;
  /** RFC 4733 telephone-event payload type if negotiated; without it DTMF goes in-band. */
  telephoneEventPayloadType?: number;
  /** RFC 3389 CN payload type if negotiated. */
  comfortNoisePayloadType?: number;
  remote: RemoteEndpoint;
  /** Where RTCP goes without rtcp-mux (RFC 3605 a=rtcp, else RTP port + 1). */
  remoteRtcp?: RemoteEndpoint;
  /** RFC 5761: RTP and RTCP share one port. */
  rtcpMux?: boolean;
  direction?: MediaDirection;
  /** RFC 3550 §6.5.1 canonical name for SDES. */
  cname: string;
  jitter?: JitterBufferOptions;
  dtmf?: DtmfSenderOptions;
  /** Run the Goertzel detector on received audio (for peers without RFC 4733). */
  detectInbandDtmf?: boolean;
  /** Play sent digits in the earpiece too (key feedback). */
  dtmfLocalFeedback?: boolean;
  /** RFC 4961 symmetric RTP: send to where the peer's media really comes from once latched. */
  symmetricRtp?: boolean;
  random?: RandomUint32;
  rtcpRandom?: () => number;
  /** Unix ms at the clock's zero, for the SR's NTP timestamp. */
  unixMsAtZero?: number;
}

export type MediaStreamEvent =
  | { type: 'dtmf'; phase: 'begin' | 'end'; digit: DtmfDigit | undefined; event?: number; source: 'rfc4733' | 'inband'; durationMs?: number }
  | { type: 'remote-latched'; remote: RemoteEndpoint }
  | { type: 'bye'; ssrc: number }
  | { type: 'tone-done' }
  /** A frame failed (a device or codec threw): the stream carries on; reported on the 1st, 100th, 200th… failure. */
  | { type: 'error'; code: string; message: string; count: number };

export interface MediaStreamDeps {
  clock: Clock;
  port: MediaAudioPort;
  /** RTP socket (also RTCP with rtcp-mux). */
  rtp: DatagramSink;
  /** RTCP socket when not multiplexed. */
  rtcp?: DatagramSink;
  onEvent?: (event: MediaStreamEvent) => void;
  /** How the scheduler of an unpaced port waits for each frame (e.g. the worker's precise final wait). */
  scheduler?: FrameSchedulerOptions;
}

export interface MediaStreamStats {
  quality: CallQuality;
  sent: { packets: number; octets: number; dtmfPackets: number };
  received: { datagrams: number; accepted: number; drops: Record<RtpDropReason, number>; dtmfPackets: number };
  rtcp: { sent: number; received: number };
  jitterBuffer: { targetDelayMs: number; played: number; concealed: number; stretched: number; skipped: number; resyncs: number };
  /** Scheduler mode: how late each frame was sent relative to its 20 ms grid slot (ms). */
  timing: { mode: 'capture' | 'scheduler'; frames: number; lateP50Ms?: number; lateP99Ms?: number } & Partial<FrameSchedulerStats>;
  remote: RemoteEndpoint;
  direction: MediaDirection;
  muted: boolean;
}

export class MediaStreamError extends DeskphoneError {
  constructor(code: string, message: string) {
    super(code, message);
  }
}

/** Longest packet we decode: 120 ms (a far end may send longer packets than our ptime). */
const MAX_PACKET_MS = 120;

export class MediaStream {
  readonly ptimeMs: number;
  readonly frameSamples: number;
  private readonly clock: Clock;
  private port: MediaAudioPort;
  private readonly rtpSink: DatagramSink;
  private readonly rtcpSink: DatagramSink;
  private readonly onEvent: (event: MediaStreamEvent) => void;
  private readonly cfg: MediaStreamConfig;
  private readonly schedulerOptions: FrameSchedulerOptions | undefined;

  private readonly encoder: AudioEncoder;
  private readonly decoder: AudioDecoder;
  private readonly sender: RtpSender;
  private readonly receiver: RtpReceiver;
  private readonly rtcpSession: RtcpSession;
  private readonly jitter: JitterBuffer;
  private readonly plc = new PacketLossConcealer(samplesPerFrame(MAX_PACKET_MS));
  private readonly cng = new ComfortNoiseGenerator();
  private readonly dtmfSender: DtmfSender;
  private readonly dtmfReceiver: DtmfReceiver;
  private readonly detector: DtmfDetector | undefined;
  private readonly statistics: CallStatistics;

  // Preallocated buffers.
  private readonly captureFrame: Int16Array;
  private readonly sendFrame: Int16Array;
  private readonly payload: Uint8Array;
  private readonly packet: Uint8Array;
  private readonly playFrame: Int16Array;
  private readonly toneFrame: Int16Array;
  private readonly decoded: Int16Array;
  private readonly concealed: Int16Array;
  private readonly playFifo: SampleFifo;

  private remote: RemoteEndpoint;
  private remoteRtcp: RemoteEndpoint;
  private direction: MediaDirection;
  private muted = false;
  private inComfortNoise = false;
  private concealedSamples = 0;
  private frames = 0;
  private frameErrors = 0;
  private dtmfPacketsSent = 0;
  private dtmfPacketsReceived = 0;
  private localTone: ToneGenerator | undefined;
  private localToneMix = false;
  /** In-band DTMF being sent in place of the microphone (peer without RFC 4733). */
  private inbandDtmf: ToneGenerator | undefined;
  private readonly inbandQueue: ToneSpec[] = [];

  private scheduler: FrameScheduler | undefined;
  private framer: CaptureFramer | undefined;
  private unsubscribe: (() => void) | undefined;
  private rtcpTimer: TimerHandle | undefined;
  private running = false;

  constructor(config: MediaStreamConfig, deps: MediaStreamDeps) {
    const ptime = config.ptimeMs ?? PTIME_DEFAULT_MS;
    if (!(ptime >= PTIME_MIN_MS && ptime <= PTIME_MAX_MS)) {
      throw new MediaStreamError('MEDIA_PTIME', `ptime ${ptime} ms is outside ${PTIME_MIN_MS}–${PTIME_MAX_MS} ms`);
    }
    if (config.codec.kind !== 'audio' || !config.codec.createEncoder || !config.codec.createDecoder) {
      throw new MediaStreamError('MEDIA_CODEC', `${config.codec.name} is not an audio codec this phone can encode and decode`);
    }
    if (deps.port.sampleRate !== config.codec.clockRate) {
      throw new MediaStreamError('MEDIA_RATE', `audio port runs at ${deps.port.sampleRate} Hz, ${config.codec.name} at ${config.codec.clockRate} Hz`);
    }
    this.cfg = config;
    this.clock = deps.clock;
    this.port = deps.port;
    this.rtpSink = deps.rtp;
    this.rtcpSink = config.rtcpMux ? deps.rtp : (deps.rtcp ?? deps.rtp);
    this.onEvent = deps.onEvent ?? (() => {});
    this.schedulerOptions = deps.scheduler;
    this.ptimeMs = ptime;
    const rate = config.codec.clockRate;
    this.frameSamples = samplesPerFrame(ptime, rate);
    this.remote = { ...config.remote };
    this.remoteRtcp = config.remoteRtcp ?? (config.rtcpMux ? { ...config.remote } : { address: config.remote.address, port: config.remote.port + 1 });
    this.direction = config.direction ?? 'sendrecv';

    this.encoder = config.codec.createEncoder();
    this.decoder = config.codec.createDecoder();
    this.sender = new RtpSender({ payloadType: config.payloadType, ...(config.random ? { random: config.random } : {}) });
    const expected = [config.payloadType];
    if (config.telephoneEventPayloadType !== undefined) expected.push(config.telephoneEventPayloadType);
    if (config.comfortNoisePayloadType !== undefined) expected.push(config.comfortNoisePayloadType);
    this.receiver = new RtpReceiver({ clockRate: rate, expectedPayloadTypes: expected });
    this.rtcpSession = new RtcpSession({
      cname: config.cname,
      local: this.sender,
      ...(config.rtcpRandom ? { random: config.rtcpRandom } : {}),
      ...(config.unixMsAtZero !== undefined ? { unixMsAtZero: config.unixMsAtZero } : {}),
    });
    this.jitter = new JitterBuffer({
      clockRate: rate,
      frameMs: ptime,
      comfortNoisePayloadType: config.comfortNoisePayloadType ?? 13,
      ...config.jitter,
    });
    this.dtmfSender = new DtmfSender({ sampleRate: rate, ptimeMs: ptime, ...config.dtmf });
    this.dtmfReceiver = new DtmfReceiver(
      (r) => {
        if (r.type === 'begin') this.onEvent({ type: 'dtmf', phase: 'begin', digit: r.digit, event: r.event, source: 'rfc4733' });
        else this.onEvent({ type: 'dtmf', phase: 'end', digit: r.digit, event: r.event, source: 'rfc4733', durationMs: r.durationMs });
      },
      { sampleRate: rate },
    );
    this.detector = config.detectInbandDtmf
      ? new DtmfDetector(
          (e) =>
            this.onEvent(
              e.type === 'begin'
                ? { type: 'dtmf', phase: 'begin', digit: e.digit, source: 'inband' }
                : { type: 'dtmf', phase: 'end', digit: e.digit, source: 'inband', durationMs: e.durationMs },
            ),
          { sampleRate: rate },
        )
      : undefined;
    this.statistics = new CallStatistics({ ptimeMs: ptime });

    const maxPacket = samplesPerFrame(MAX_PACKET_MS, rate);
    this.captureFrame = new Int16Array(this.frameSamples);
    this.sendFrame = new Int16Array(this.frameSamples);
    this.payload = new Uint8Array(maxPacket * 2);
    this.packet = new Uint8Array(RTP_HEADER_LENGTH + this.payload.length);
    this.playFrame = new Int16Array(this.frameSamples);
    this.toneFrame = new Int16Array(this.frameSamples);
    this.decoded = new Int16Array(maxPacket);
    this.concealed = new Int16Array(maxPacket);
    this.playFifo = new SampleFifo(maxPacket + this.frameSamples);
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** RTP SSRC of our stream. */
  get ssrc(): number {
    return this.sender.ssrc;
  }

  /** Starts the media clock (capture-driven or scheduler) and RTCP. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.startTiming();
    this.armRtcp();
  }

  /**
   * Moves the stream to another audio port without touching RTP (a call joins
   * or leaves a conference, or the audio moves to another device). Returns the
   * previous port, which the caller now owns (it is not closed).
   */
  replacePort(port: MediaAudioPort): MediaAudioPort {
    if (port.sampleRate !== this.cfg.codec.clockRate) {
      throw new MediaStreamError('MEDIA_RATE', `audio port runs at ${port.sampleRate} Hz, ${this.cfg.codec.name} at ${this.cfg.codec.clockRate} Hz`);
    }
    const old = this.port;
    if (this.running) this.stopTiming();
    this.port = port;
    if (this.running) this.startTiming();
    return old;
  }

  /** The port this stream plays to and captures from now. */
  get audioPort(): MediaAudioPort {
    return this.port;
  }

  private startTiming(): void {
    if (this.port.paced && this.port.onFrame) {
      this.scheduler = undefined;
      this.framer = new CaptureFramer(
        this.frameSamples,
        (frame) => this.processFrame(frame, 0),
        (lost) => this.sender.skip(lost),
      );
      let first: number | undefined;
      this.unsubscribe = this.port.onFrame((samples, index) => {
        // Count from the first period this stream saw; the device's index may be large already.
        first ??= index;
        this.framer!.push(samples, index - first);
      });
    } else {
      this.framer = undefined;
      this.scheduler = new FrameScheduler(this.clock, this.ptimeMs, (tick) => this.onTick(tick), this.schedulerOptions);
      this.scheduler.begin();
    }
  }

  private stopTiming(): void {
    this.scheduler?.stop();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Stops media and sends RTCP BYE (RFC 3550 §6.6) unless `bye` is false. */
  stop(bye = true): void {
    if (!this.running) return;
    this.running = false;
    this.stopTiming();
    this.clock.clearTimeout(this.rtcpTimer);
    this.rtcpTimer = undefined;
    if (bye) {
      const src = this.receiver.source;
      const packet = this.rtcpSession.buildBye(this.clock.now(), src ? [src] : []);
      this.rtcpSink.send(packet, packet.length, this.remoteRtcp);
    }
    this.port.close?.();
  }

  /** A datagram arrived on the RTP socket (with rtcp-mux, RTCP arrives here too: RFC 5761 §4). */
  receiveRtp(datagram: Uint8Array, from: RemoteEndpoint, nowMs = this.clock.now()): void {
    if (this.cfg.rtcpMux && isRtcpPacket(datagram)) {
      this.receiveRtcp(datagram, from, nowMs);
      return;
    }
    if (this.direction === 'sendonly' || this.direction === 'inactive') return;
    const before = this.receiver.remote;
    const r = this.receiver.receive(datagram, from, nowMs);
    if (r === undefined) return;
    const latched = this.receiver.remote;
    if (latched && (before === undefined || before.address !== latched.address || before.port !== latched.port)) {
      // RFC 4961: send where the peer's media comes from (its NAT's public side).
      if (this.cfg.symmetricRtp !== false) {
        this.remote = { ...latched };
        if (this.cfg.rtcpMux) this.remoteRtcp = { ...latched };
      }
      this.onEvent({ type: 'remote-latched', remote: { ...latched } });
    }
    const p = r.packet;
    if (this.cfg.telephoneEventPayloadType !== undefined && p.payloadType === this.cfg.telephoneEventPayloadType) {
      this.dtmfPacketsReceived++;
      this.dtmfReceiver.push(p.payload, p.timestamp, p.marker, nowMs);
      return;
    }
    this.jitter.push(p, nowMs, r.newSource);
  }

  receiveRtcp(datagram: Uint8Array, _from: RemoteEndpoint, nowMs = this.clock.now()): void {
    const r = this.rtcpSession.receive(datagram, nowMs);
    if (r === undefined) return;
    const remoteSsrc = this.receiver.source?.ssrc;
    for (const ssrc of r.byes) if (remoteSsrc === undefined || ssrc === remoteSsrc) this.onEvent({ type: 'bye', ssrc });
  }

  /** A re-INVITE moved the far end's media (or the call was transferred). */
  setRemote(remote: RemoteEndpoint, remoteRtcp?: RemoteEndpoint): void {
    this.remote = { ...remote };
    this.remoteRtcp = remoteRtcp ?? (this.cfg.rtcpMux ? { ...remote } : { address: remote.address, port: remote.port + 1 });
    this.sender.markTalkspurt();
  }

  /** Hold and resume (RFC 3264 §8.4): sendonly/inactive stop playout, recvonly/inactive stop sending. */
  setDirection(direction: MediaDirection): void {
    if (direction === this.direction) return;
    this.direction = direction;
    // Playback resumes from a fresh start; sending resumes with a talk-spurt marker.
    this.jitter.resync();
    this.sender.markTalkspurt();
  }

  /** Microphone mute: frames keep going (the far end's jitter buffer keeps its clock) but carry silence. */
  setMute(muted: boolean): void {
    if (this.muted && !muted) this.sender.markTalkspurt();
    this.muted = muted;
  }

  /** Sends digits: RFC 4733 events when negotiated, else in-band tones. Plays them locally too (feedback). */
  sendDtmf(digits: string, durationMs?: number): void {
    const on = durationMs ?? this.cfg.dtmf?.digitMs ?? 100;
    const off = this.cfg.dtmf?.gapMs ?? 60;
    if (this.cfg.telephoneEventPayloadType !== undefined) {
      this.dtmfSender.enqueue(digits, durationMs);
    } else {
      // Built now so a bad digit throws here, not in the media clock's tick.
      this.inbandQueue.push(dtmfSequenceSpec(digits, on, off));
    }
    if (this.cfg.dtmfLocalFeedback !== false) this.playTone(dtmfSequenceSpec(digits, on, off, { lowDbm0: -20, highDbm0: -18 }), true);
  }

  /**
   * Plays a tone in the earpiece: ringback, busy, call waiting (mixed over the
   * call's audio) … or stops it (null).
   */
  playTone(tone: ToneSpec | null, mix = false): void {
    this.localTone = tone === null ? undefined : new ToneGenerator(tone, { sampleRate: this.port.sampleRate });
    this.localToneMix = mix;
  }

  stats(): MediaStreamStats {
    const s = this.statistics;
    const src = this.receiver.source;
    s.packets = this.receiver.accepted;
    s.lost = Math.max(0, src?.cumulativeLost ?? 0);
    s.lateDropped = this.jitter.stats.lateDropped;
    s.duplicates = this.jitter.stats.duplicates;
    s.jitterMs = src?.jitterMs ?? 0;
    s.rttMs = this.rtcpSession.rttMs;
    s.concealedMs = (this.concealedSamples * 1000) / this.cfg.codec.clockRate;
    const jb = this.jitter.stats;
    return {
      quality: s.snapshot(),
      sent: { packets: this.sender.packetsSent, octets: this.sender.octetsSent, dtmfPackets: this.dtmfPacketsSent },
      received: { datagrams: this.receiver.datagrams, accepted: this.receiver.accepted, drops: { ...this.receiver.drops }, dtmfPackets: this.dtmfPacketsReceived },
      rtcp: { sent: this.rtcpSession.sent, received: this.rtcpSession.received },
      jitterBuffer: {
        targetDelayMs: this.jitter.targetDelayMs,
        played: jb.played,
        concealed: jb.concealed,
        stretched: jb.stretched,
        skipped: jb.skipped,
        resyncs: jb.resyncs,
      },
      timing: {
        mode: this.scheduler ? 'scheduler' : 'capture',
        frames: this.frames,
        ...(this.scheduler && {
          ...this.scheduler.stats,
          lateP50Ms: this.scheduler.lateness.percentile(50),
          lateP99Ms: this.scheduler.lateness.percentile(99),
        }),
      },
      remote: { ...this.remote },
      direction: this.direction,
      muted: this.muted,
    };
  }

  private onTick(tick: FrameTick): void {
    const got = this.port.read ? this.port.read(this.captureFrame) : false;
    if (!got) this.captureFrame.fill(0);
    this.processFrame(this.captureFrame, tick.skipped);
  }

  /**
   * One ptime of media: send the captured frame, play one frame. A failure is
   * reported, never thrown into the media clock: one bad frame must not end
   * the call (or, in the worker, every call).
   */
  private processFrame(captured: Int16Array, skippedFrames: number): void {
    try {
      this.processFrameUnguarded(captured, skippedFrames);
    } catch (err) {
      this.frameErrors++;
      if (this.frameErrors === 1 || this.frameErrors % 100 === 0) {
        const e = err as Error & { code?: string };
        this.onEvent({ type: 'error', code: e.code ?? 'MEDIA_FRAME', message: e.message, count: this.frameErrors });
      }
    }
  }

  private processFrameUnguarded(captured: Int16Array, skippedFrames: number): void {
    const now = this.clock.now();
    this.frames++;
    // Frames the scheduler skipped while the thread was blocked: RTP time still passes (§5.1).
    if (skippedFrames > 0) this.sender.skip(skippedFrames * this.frameSamples);
    this.send(captured);
    this.play(now);
  }

  private send(captured: Int16Array): void {
    const n = this.frameSamples;
    if (this.direction === 'recvonly' || this.direction === 'inactive') {
      this.sender.skip(n);
      return;
    }
    const ev = this.dtmfSender.next(this.sender.timestamp);
    if (ev !== null) {
      // RFC 4733 §2.2: the event's timestamp is its start; the sequence number advances per packet.
      const out = this.packet;
      writeRtpHeader(out, this.cfg.telephoneEventPayloadType!, ev.marker, this.sender.sequenceNumber, ev.timestamp, this.sender.ssrc);
      out.set(ev.payload, RTP_HEADER_LENGTH);
      this.sender.sequenceNumber = (this.sender.sequenceNumber + 1) & 0xffff;
      this.sender.timestamp = (this.sender.timestamp + n) >>> 0;
      this.sender.lastTimestamp = ev.timestamp;
      this.sender.packetsSent++;
      this.sender.octetsSent += ev.payload.length;
      this.dtmfPacketsSent++;
      this.rtpSink.send(out, RTP_HEADER_LENGTH + ev.payload.length, this.remote);
      return;
    }
    const pcm = this.sendFrame;
    if (this.muted) pcm.fill(0);
    else pcm.set(captured);
    this.nextInbandDtmf(pcm);
    const bytes = this.encoder.encode(pcm, this.payload);
    const len = this.sender.packetize(this.payload, bytes, n, this.packet);
    this.rtpSink.send(this.packet, len, this.remote);
  }

  /** Peers without RFC 4733 get the digits as tones in place of the microphone. */
  private nextInbandDtmf(pcm: Int16Array): void {
    if (this.inbandDtmf === undefined || this.inbandDtmf.done) {
      const spec = this.inbandQueue.shift();
      this.inbandDtmf = spec === undefined ? undefined : new ToneGenerator(spec, { sampleRate: this.port.sampleRate });
    }
    if (this.inbandDtmf !== undefined) this.inbandDtmf.next(pcm);
  }

  private play(now: number): void {
    const out = this.playFrame;
    if (this.direction === 'sendonly' || this.direction === 'inactive') {
      out.fill(0);
    } else {
      const rate = this.cfg.codec.clockRate;
      // Fill the playout FIFO from the jitter buffer; the far end's packets may be longer or
      // shorter than our frame. Each pop is timed at when its audio will actually play, and
      // says how far ahead of that it is taken (what the FIFO still holds).
      for (let guard = 0; this.playFifo.length < out.length && guard < 16; guard++) {
        const aheadMs = (this.playFifo.length * 1000) / rate;
        this.playoutPacket(now + aheadMs, aheadMs);
      }
      if (!this.playFifo.pull(out)) out.fill(0);
      this.dtmfReceiver.poll(now);
      this.detector?.process(out);
    }
    this.mixLocalTone(out);
    this.port.write(out);
  }

  /** Pops one packet's worth from the jitter buffer into the playout FIFO (after replay.ts's receive path). */
  private playoutPacket(atMs: number, aheadMs: number): void {
    const f = this.jitter.pop(atMs, aheadMs);
    const n = Math.max(1, Math.min(f.samples, this.decoded.length));
    const input = this.decoded.subarray(0, n);
    const output = this.concealed.subarray(0, n);
    const cnPt = this.cfg.comfortNoisePayloadType;
    if (f.kind === 'frame' && cnPt !== undefined && f.payloadType === cnPt) {
      this.cng.update(f.payload, f.payloadLength);
      this.cng.generate(input);
      this.plc.good(input, output);
      this.inComfortNoise = true;
      this.statistics.recordPlayoutDelay(f.playoutDelayMs);
    } else if (f.kind === 'frame') {
      input.fill(0);
      this.decoder.decode(f.payload, Math.min(f.payloadLength, n), input);
      this.plc.good(input, output, f.skipped > 0);
      this.inComfortNoise = false;
      this.statistics.recordPlayoutDelay(f.playoutDelayMs);
    } else if (this.inComfortNoise) {
      // RFC 3389 §4: the noise continues between SID updates.
      this.cng.generate(input);
      this.plc.good(input, output);
    } else if (f.kind === 'conceal') {
      this.plc.conceal(output);
      this.concealedSamples += n;
    } else {
      input.fill(0);
      this.plc.good(input, output);
    }
    this.playFifo.push(output);
  }

  private mixLocalTone(out: Int16Array): void {
    const gen = this.localTone;
    if (gen === undefined) return;
    if (!this.localToneMix) {
      gen.next(out);
    } else {
      const t = this.toneFrame;
      gen.next(t);
      for (let i = 0; i < out.length; i++) {
        const v = out[i]! + t[i]!;
        out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
      }
    }
    if (gen.done) {
      this.localTone = undefined;
      this.onEvent({ type: 'tone-done' });
    }
  }

  private armRtcp(): void {
    const delay = this.rtcpSession.nextIntervalMs(this.receiver.source ? 1 : 0);
    this.rtcpTimer = this.clock.setTimeout(() => {
      if (!this.running) return;
      const src = this.receiver.source;
      const report = this.rtcpSession.buildReport(this.clock.now(), src ? [src] : []);
      // RFC 3264 §5.1: RTCP continues even when the media is inactive (it keeps the session alive).
      this.rtcpSink.send(report, report.length, this.remoteRtcp);
      this.armRtcp();
    }, delay);
  }
}
