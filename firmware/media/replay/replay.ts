import { createDefaultCodecRegistry, type AudioDecoder, type CodecRegistry } from '../codec/index.js';
import { ComfortNoiseGenerator } from '../comfort-noise/index.js';
import { JitterBuffer, type JitterBufferOptions } from '../jitter/index.js';
import { readPcap, udpDatagrams, type UdpEndpoint } from '../pcap/index.js';
import { PacketLossConcealer } from '../plc/index.js';
import { CallStatistics } from '../quality/index.js';
import { RtpSource } from '../rtp/index.js';
import { ReplayError } from './replay-errors.js';
import { findRtpStreams, type CapturedRtpStream } from './rtp-streams.js';

export interface ReplayOptions {
  /** Replay this SSRC instead of the stream with the most packets. */
  ssrc?: number;
  /** Jitter-buffer settings, as the phone would be configured. */
  jitter?: JitterBufferOptions;
  codecs?: CodecRegistry;
}

/** What `deskphone media replay` prints: the call as the listener experienced it. */
export interface ReplayReport {
  packets: number;
  lost: number;
  lateDropped: number;
  duplicates: number;
  /** RFC 3550 §A.8 interarrival jitter at the end of the stream. */
  jitterMs: number;
  playoutDelayMs: { mean: number; p95: number; max: number };
  concealedMs: number;
  mos: number;
  ssrc: number;
  codec: string;
  source: UdpEndpoint;
  destination: UdpEndpoint;
  /** Packets that were not audio (RFC 4733 telephone-events and unknown payload types). */
  otherPackets: number;
  durationMs: number;
}

export interface ReplayResult {
  report: ReplayReport;
  /** What a listener would have heard, 16-bit mono at sampleRate. */
  pcm: Int16Array;
  sampleRate: number;
}

/** Replays the chosen RTP stream of a libpcap capture. Throws PcapError or ReplayError with a clear message. */
export function replayCapture(capture: Uint8Array, options: ReplayOptions = {}): ReplayResult {
  const streams = findRtpStreams(udpDatagrams(readPcap(capture)));
  if (streams.length === 0) throw new ReplayError('REPLAY_NO_RTP', 'the capture contains no RTP stream (no UDP flow with a run of RTP packets)');
  let stream: CapturedRtpStream | undefined;
  if (options.ssrc !== undefined) {
    const wanted = options.ssrc >>> 0;
    // The same SSRC may appear in several flows (e.g. through a relay): take its largest.
    stream = streams.find((s) => s.ssrc === wanted);
    if (!stream) {
      const found = streams.map((s) => `0x${s.ssrc.toString(16).padStart(8, '0')} (${s.packets.length} packets)`).join(', ');
      throw new ReplayError('REPLAY_SSRC_NOT_FOUND', `no RTP stream with SSRC ${wanted} (0x${wanted.toString(16)}); the capture has ${found}`);
    }
  } else {
    stream = streams[0]!;
  }
  return replayStream(stream, options);
}

/**
 * Plays one captured stream through the phone's receive path — jitter buffer,
 * G.711 decoder, comfort noise, loss concealment — with each packet arriving at
 * its capture time and the playout clock ticking once per frame from the first
 * arrival, exactly as the phone's audio device would pull frames.
 */
export function replayStream(stream: CapturedRtpStream, options: ReplayOptions = {}): ReplayResult {
  const codecs = options.codecs ?? createDefaultCodecRegistry();
  let audioPt = -1;
  let audioCount = 0;
  for (const [pt, n] of stream.payloadTypes) {
    const d = codecs.byPayloadType(pt);
    if (d?.kind === 'audio' && n > audioCount) {
      audioPt = pt;
      audioCount = n;
    }
  }
  const cnPt = codecs.byName('CN')?.payloadType ?? 13;
  if (audioPt < 0 && ![...stream.payloadTypes.keys()].some((pt) => pt >= 96 || pt === cnPt)) {
    const pts = [...stream.payloadTypes.keys()].join(', ');
    throw new ReplayError('REPLAY_UNSUPPORTED_CODEC', `RTP stream 0x${stream.ssrc.toString(16)} carries payload type ${pts}, which this phone cannot decode (PCMU 0, PCMA 8)`);
  }
  const codec = audioPt >= 0 ? codecs.byPayloadType(audioPt)! : undefined;
  const decoder: AudioDecoder | undefined = codec?.createDecoder?.();
  const clockRate = codec?.clockRate ?? 8000;
  const packets = [...stream.packets].sort((a, b) => a.arrivalMs - b.arrivalMs);
  const frameMs = inferPacketMs(stream, audioPt, clockRate);

  const jb = new JitterBuffer({ clockRate, frameMs, comfortNoisePayloadType: cnPt, ...options.jitter });
  const plc = new PacketLossConcealer();
  const cn = new ComfortNoiseGenerator();
  const stats = new CallStatistics({ ptimeMs: frameMs });
  const jitterSource = new RtpSource(stream.ssrc, packets[0]!.packet.sequenceNumber, clockRate);

  // Loss and duplicates over the whole stream (events share the sequence space), RFC 3550 §A.3.
  const seen = new Set<number>();
  let ext = packets[0]!.packet.sequenceNumber;
  let minSeq = ext;
  let maxSeq = ext;
  let otherPackets = 0;

  const maxFrame = Math.round((clockRate * 120) / 1000);
  const decoded = new Int16Array(maxFrame);
  const played = new Int16Array(maxFrame);
  const chunks: Int16Array[] = [];
  let total = 0;
  let inComfortNoise = false;

  const t0 = packets[0]!.arrivalMs;
  const lastArrival = packets[packets.length - 1]!.arrivalMs;
  let next = 0;
  // Time runs from the first arrival (capture timestamps are epoch ms; relative keeps precision).
  let now = 0;
  // Play until every packet has arrived and the buffer has drained (bounded, so a bad stream cannot loop).
  const limit = lastArrival - t0 + 2000 + (options.jitter?.maxDelayMs ?? 500);
  while (now <= limit && (next < packets.length || jb.size > 0)) {
    while (next < packets.length && packets[next]!.arrivalMs - t0 <= now) {
      const { packet, arrivalMs } = packets[next++]!;
      ext = ext + (((packet.sequenceNumber - ext) << 16) >> 16);
      minSeq = Math.min(minSeq, ext);
      maxSeq = Math.max(maxSeq, ext);
      seen.add(ext);
      if (packet.payloadType === audioPt || packet.payloadType === cnPt) {
        if (packet.payloadType === audioPt) jitterSource.updateJitter(packet.timestamp, arrivalMs - t0);
        jb.push(packet, arrivalMs - t0);
      } else {
        otherPackets++;
      }
    }
    const f = jb.pop(now);
    const n = Math.min(f.samples, maxFrame);
    const input = decoded.subarray(0, n);
    const out = played.subarray(0, n);
    if (f.kind === 'frame' && f.payloadType === cnPt) {
      cn.update(f.payload, f.payloadLength);
      cn.generate(input);
      plc.good(input, out);
      inComfortNoise = true;
      stats.recordPlayoutDelay(f.playoutDelayMs);
    } else if (f.kind === 'frame' && decoder) {
      input.fill(0);
      decoder.decode(f.payload, Math.min(f.payloadLength, n), input);
      plc.good(input, out, f.skipped > 0);
      inComfortNoise = false;
      stats.recordPlayoutDelay(f.playoutDelayMs);
    } else if (inComfortNoise) {
      // RFC 3389: between SID updates (and after them) the noise continues.
      cn.generate(input);
      plc.good(input, out);
    } else if (f.kind === 'conceal') {
      plc.conceal(out);
      stats.concealedMs += (n * 1000) / clockRate;
    } else {
      input.fill(0);
      plc.good(input, out);
    }
    chunks.push(out.slice());
    total += n;
    now += (n * 1000) / clockRate;
  }

  const pcm = new Int16Array(total);
  let o = 0;
  for (const c of chunks) {
    pcm.set(c, o);
    o += c.length;
  }
  const expected = maxSeq - minSeq + 1;
  stats.packets = seen.size;
  stats.lost = Math.max(0, expected - seen.size);
  stats.lateDropped = jb.stats.lateDropped;
  stats.duplicates = packets.length - seen.size;
  stats.jitterMs = jitterSource.jitterMs;
  const q = stats.snapshot();
  return {
    report: {
      packets: packets.length,
      lost: q.lost,
      lateDropped: q.lateDropped,
      duplicates: q.duplicates,
      jitterMs: q.jitterMs,
      playoutDelayMs: q.playoutDelayMs,
      concealedMs: q.concealedMs,
      mos: q.mos,
      ssrc: stream.ssrc,
      codec: codec?.name ?? 'none',
      source: stream.source,
      destination: stream.destination,
      otherPackets,
      durationMs: Math.round((total * 1000) / clockRate),
    },
    pcm,
    sampleRate: clockRate,
  };
}

/** The stream's packet duration: the most common timestamp step between consecutive audio packets. */
function inferPacketMs(stream: CapturedRtpStream, audioPt: number, clockRate: number): number {
  const counts = new Map<number, number>();
  const audio = stream.packets.filter((p) => p.packet.payloadType === audioPt).map((p) => p.packet);
  for (let i = 1; i < audio.length; i++) {
    const a = audio[i - 1]!;
    const b = audio[i]!;
    if (((b.sequenceNumber - a.sequenceNumber) & 0xffff) !== 1) continue;
    const d = (b.timestamp - a.timestamp) >>> 0;
    const ms = (d * 1000) / clockRate;
    if (ms >= 5 && ms <= 120) counts.set(ms, (counts.get(ms) ?? 0) + 1);
  }
  let best = 20;
  let bestN = 0;
  for (const [ms, n] of counts) if (n > bestN) [best, bestN] = [ms, n];
  return best;
}
