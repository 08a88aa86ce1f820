import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../support/fake-clock.js';
import type { Clock, TimerHandle } from '../../../../firmware/clock/index.js';
import { PCMU, PCMA } from '../../../../firmware/media/codec/index.js';
import { RtpPacket } from '../../../../firmware/media/rtp/index.js';
import type { RemoteEndpoint } from '../../../../firmware/media/rtp/index.js';
import { parseRtcp } from '../../../../firmware/media/rtcp/index.js';
import { GeneratorAudioPort, MediaStream, SilentAudioPort } from '../../../../firmware/media/stream/index.js';
import type { DatagramSink, MediaAudioPort, MediaStreamConfig, MediaStreamEvent } from '../../../../firmware/media/stream/index.js';
import { callProgressTone, freqs, steady } from '../../../../firmware/media/tones/index.js';
import { dftPower, rms } from '../tones/signal-analysis.js';
import { Net } from './net.js';

const A: RemoteEndpoint = { address: '127.0.0.1', port: 40000 };
const B: RemoteEndpoint = { address: '127.0.0.1', port: 40002 };

function config(remote: RemoteEndpoint, extra: Partial<MediaStreamConfig> = {}): MediaStreamConfig {
  return { codec: PCMU, payloadType: 0, remote, rtcpMux: true, cname: 'test@deskphone', telephoneEventPayloadType: 101, ...extra };
}

function pair(
  opts: {
    a?: Partial<MediaStreamConfig>;
    b?: Partial<MediaStreamConfig>;
    portA?: GeneratorAudioPort | SilentAudioPort;
    portB?: GeneratorAudioPort;
    clockA?: Clock;
    delayMs?: number;
  } = {},
) {
  const clock = new FakeClock(1000);
  const net = new Net(clock, opts.delayMs ?? 5);
  const eventsA: MediaStreamEvent[] = [];
  const eventsB: MediaStreamEvent[] = [];
  const portA: GeneratorAudioPort | SilentAudioPort = opts.portA ?? new GeneratorAudioPort(steady('1 kHz', freqs([1000], -10)), 8000, 8000 * 10);
  const portB = opts.portB ?? new GeneratorAudioPort(steady('440 Hz', freqs([440], -10)), 8000, 8000 * 10);
  const sinkA = net.sink(A);
  const a = new MediaStream(config(B, opts.a), { clock: opts.clockA ?? clock, port: portA, rtp: sinkA, onEvent: (e) => eventsA.push(e) });
  const b = new MediaStream(config(A, opts.b), { clock, port: portB, rtp: net.sink(B), onEvent: (e) => eventsB.push(e) });
  net.listen(A, (d, from) => a.receiveRtp(d, from));
  net.listen(B, (d, from) => b.receiveRtp(d, from));
  return { clock, net, a, b, portA, portB, eventsA, eventsB, sinkA };
}

/** RFC 5761 §4: with rtcp-mux, RTCP is told apart by its packet type 200–204 (72–76 in the RTP PT field). */
const isRtcp = (bytes: Uint8Array): boolean => {
  const pt = bytes[1]! & 0x7f;
  return pt >= 72 && pt <= 76;
};

const rtpFrom = (net: Net, to: RemoteEndpoint): Array<{ at: number; p: RtpPacket }> =>
  net.log.filter((s) => s.to.port === to.port && !isRtcp(s.bytes)).map((s) => ({ at: s.at, p: RtpPacket.parse(s.bytes) }));

describe('MediaStream', () => {
  it('carries a 1 kHz tone from A to B: B plays 1 kHz, A plays 440 Hz', () => {
    const { clock, a, b, portA, portB } = pair();
    a.start();
    b.start();
    clock.advance(2000);
    const atB = portB.takePlayed();
    const atA = (portA as GeneratorAudioPort).takePlayed();
    // Skip the start (jitter buffer fill); measure the last second.
    const lastB = atB.subarray(atB.length - 8000);
    const lastA = atA.subarray(atA.length - 8000);
    expect(dftPower(lastB, 1000)).toBeGreaterThan(5000);
    expect(dftPower(lastB, 440)).toBeLessThan(100);
    expect(dftPower(lastA, 440)).toBeGreaterThan(5000);
    expect(dftPower(lastA, 1000)).toBeLessThan(100);
    const sb = b.stats();
    expect(sb.quality.lost).toBe(0);
    expect(sb.quality.concealedMs).toBe(0);
    expect(sb.jitterBuffer.played).toBeGreaterThan(80);
    expect(sb.quality.mos).toBeGreaterThan(4);
  });

  it('sends one packet every 20 ms, timestamps +160, sequence +1, marker on the first only', () => {
    const { clock, net, a } = pair();
    a.start();
    clock.advance(1000);
    const pkts = rtpFrom(net, B).filter(({ p }) => p.payloadType === 0);
    expect(pkts).toHaveLength(51);
    pkts.forEach(({ at, p }, k) => {
      expect(at).toBe(1000 + 20 * k);
      expect((p.timestamp - pkts[0]!.p.timestamp) >>> 0).toBe(160 * k);
      expect((p.sequenceNumber - pkts[0]!.p.sequenceNumber) & 0xffff).toBe(k);
      expect(p.marker).toBe(k === 0);
      expect(p.payload.length).toBe(160);
    });
  });

  it('reuses one packet buffer for every send (no allocation per packet)', () => {
    const { clock, a, sinkA } = pair();
    a.start();
    clock.advance(1000);
    expect(sinkA.buffers.size).toBeLessThanOrEqual(2); // one RTP buffer, plus RTCP's
  });

  it('skips frames after a long block: one late packet, timestamps keep counting real time', () => {
    const clock0 = new FakeClock(1000);
    let lag = 0;
    const laggy: Clock = {
      now: () => clock0.now(),
      setTimeout: (cb: () => void, ms: number): TimerHandle => clock0.setTimeout(cb, ms + lag),
      clearTimeout: (h) => clock0.clearTimeout(h),
    };
    const net = new Net(clock0);
    const s = new MediaStream(config(B), { clock: laggy, port: new SilentAudioPort(), rtp: net.sink(A) });
    s.start();
    clock0.advance(100);
    lag = 70;
    clock0.advance(20);
    lag = 0;
    clock0.advance(200);
    const pkts = rtpFrom(net, B).filter(({ p }) => p.payloadType === 0);
    const times = pkts.map((x) => x.at);
    // No two packets at the same instant: no burst.
    expect(new Set(times).size).toBe(times.length);
    for (const { at, p } of pkts) {
      const frame = ((p.timestamp - pkts[0]!.p.timestamp) >>> 0) / 160;
      expect(at - (1000 + 20 * frame)).toBeGreaterThanOrEqual(0);
      expect(at - (1000 + 20 * frame)).toBeLessThan(20);
    }
    expect(s.stats().timing.skippedFrames).toBeGreaterThan(0);
  });

  it('sends DTMF as RFC 4733 events in place of audio, and the far end reports each digit once', () => {
    const { clock, net, a, b, eventsB } = pair();
    a.start();
    b.start();
    clock.advance(200);
    a.sendDtmf('12#');
    clock.advance(1500);
    const dtmf = eventsB.filter((e) => e.type === 'dtmf');
    expect(dtmf.filter((e) => e.type === 'dtmf' && e.phase === 'begin').map((e) => e.type === 'dtmf' && e.digit).join('')).toBe('12#');
    expect(dtmf.every((e) => e.type === 'dtmf' && e.source === 'rfc4733')).toBe(true);
    expect(dtmf.filter((e) => e.type === 'dtmf' && e.phase === 'end').map((e) => e.type === 'dtmf' && e.durationMs)).toEqual([100, 100, 100]);
    // While an event is on the wire, no audio packet is sent; one packet per 20 ms throughout.
    const all = rtpFrom(net, B);
    const times = all.map((x) => x.at);
    expect(new Set(times).size).toBe(times.length);
    const events = all.filter(({ p }) => p.payloadType === 101);
    expect(events).toHaveLength(3 * 7);
    expect(a.stats().sent.dtmfPackets).toBe(21);
  });

  it('sends DTMF in-band when the peer has no telephone-event, and an in-band detector hears it', () => {
    const { clock, a, b, eventsB } = pair({
      portA: new SilentAudioPort(),
      a: { telephoneEventPayloadType: undefined, dtmfLocalFeedback: false },
      b: { telephoneEventPayloadType: undefined, detectInbandDtmf: true },
    });
    a.start();
    b.start();
    clock.advance(200);
    a.sendDtmf('*90');
    clock.advance(1500);
    const begins = eventsB.filter((e) => e.type === 'dtmf' && e.phase === 'begin');
    expect(begins.map((e) => e.type === 'dtmf' && e.digit).join('')).toBe('*90');
    expect(begins.every((e) => e.type === 'dtmf' && e.source === 'inband')).toBe(true);
  });

  it('plays sent digits in the earpiece as key feedback', () => {
    const { clock, a, portA } = pair({ portA: new GeneratorAudioPort(steady('mic', freqs([300], -20)), 8000, 8000) });
    a.start();
    a.sendDtmf('1', 200);
    clock.advance(200);
    const heard = (portA as GeneratorAudioPort).takePlayed();
    expect(dftPower(heard, 697)).toBeGreaterThan(500);
    expect(dftPower(heard, 1209)).toBeGreaterThan(500);
  });

  it('sends silence while muted but keeps sending packets', () => {
    const { clock, net, a, b, portB } = pair();
    a.start();
    b.start();
    clock.advance(500);
    a.setMute(true);
    const before = rtpFrom(net, B).length;
    clock.advance(1000);
    expect(rtpFrom(net, B).length - before).toBe(50);
    const heard = portB.takePlayed();
    expect(rms(heard, heard.length - 4000, 4000)).toBeLessThan(10);
  });

  it('stops sending on hold (inactive) but keeps RTCP going, and resumes with a marker', () => {
    const { clock, net, a } = pair();
    a.start();
    clock.advance(500);
    a.setDirection('inactive');
    const n = net.log.length;
    clock.advance(10_000);
    const during = net.log.slice(n);
    expect(during.some((s) => (s.bytes[1]! & 0x7f) === 0)).toBe(false);
    expect(during.some((s) => s.bytes[1] === 200 || s.bytes[1] === 201)).toBe(true);
    a.setDirection('sendrecv');
    clock.advance(20);
    const resumed = rtpFrom(net, B).filter(({ p }) => p.payloadType === 0).pop()!;
    expect(resumed.p.marker).toBe(true);
  });

  it('latches to the address the media really comes from (symmetric RTP, RFC 4961)', () => {
    const { clock, net, a, b, eventsB } = pair({ b: { remote: { address: '127.0.0.1', port: 49999 } } });
    a.start();
    b.start();
    clock.advance(200);
    expect(eventsB).toContainEqual({ type: 'remote-latched', remote: A });
    const last = net.log.filter((s) => s.at > 1150 && (s.bytes[1]! & 0x7f) === 0 && s.to.port !== B.port).pop()!;
    expect(last.to).toEqual(A);
    expect(b.stats().remote).toEqual(A);
  });

  it('plays a 30 ms far end through a 20 ms stream without gaps', () => {
    const { clock, b, a, portB } = pair({ a: { ptimeMs: 30 } });
    a.start();
    b.start();
    clock.advance(3000);
    const heard = portB.takePlayed();
    const last = heard.subarray(heard.length - 8000);
    expect(dftPower(last, 1000)).toBeGreaterThan(5000);
    expect(b.stats().quality.concealedMs).toBe(0);
  });

  it('plays a 30 ms far end in every phase of the two clocks, also when the first packet plays alone', () => {
    // A short target delay, so playout starts before the far end's second packet arrives: the
    // first packet's length cannot be learned from the next one (the shared-ring test's old failure).
    for (let offset = 0; offset < 30; offset++) {
      const { clock, b, a, portB } = pair({ a: { ptimeMs: 30 }, b: { jitter: { minDelayMs: 0, initialDelayMs: 10 } } });
      a.start();
      clock.advance(offset);
      b.start();
      clock.advance(1500);
      const heard = portB.takePlayed();
      const jb = b.stats().jitterBuffer;
      // At most a frame or two concealed at the start, before the first packets show their length.
      expect({ offset, tone: dftPower(heard.subarray(heard.length - 4000), 1000) > 5000, concealedAtMost2: jb.concealed <= 2 }).toEqual({ offset, tone: true, concealedAtMost2: true });
      a.stop();
      b.stop();
    }
  });

  it('runs capture-driven on a paced port: one packet per captured frame, whatever the period size', () => {
    const clock = new FakeClock(0);
    const net = new Net(clock);
    let listener: ((s: Int16Array, i: number) => void) | undefined;
    const written: number[] = [];
    const port: MediaAudioPort = {
      sampleRate: 8000,
      paced: true,
      onFrame: (l) => {
        listener = l;
        return () => (listener = undefined);
      },
      write: (s) => written.push(s.length),
    };
    const s = new MediaStream(config(B), { clock, port, rtp: net.sink(A) });
    s.start();
    for (let i = 0; i < 50; i++) listener!(new Int16Array(128), i * 128); // 6400 samples = 40 frames
    expect(rtpFrom(net, B).filter(({ p }) => p.payloadType === 0)).toHaveLength(40);
    expect(written).toEqual(Array(40).fill(160));
    expect(s.stats().timing.mode).toBe('capture');
    s.stop();
    expect(listener).toBeUndefined();
  });

  it('advances RTP time over samples a paced device lost (overrun), without extra packets', () => {
    const clock = new FakeClock(0);
    const net = new Net(clock);
    let listener: ((s: Int16Array, i: number) => void) | undefined;
    const port: MediaAudioPort = { sampleRate: 8000, paced: true, onFrame: (l) => ((listener = l), () => (listener = undefined)), write: () => {} };
    const s = new MediaStream(config(B), { clock, port, rtp: net.sink(A) });
    s.start();
    listener!(new Int16Array(160), 10_000);
    listener!(new Int16Array(160), 10_160);
    listener!(new Int16Array(160), 10_160 + 480); // three frames lost in the device
    const pkts = rtpFrom(net, B).map(({ p }) => p);
    expect(pkts).toHaveLength(3);
    // Timestamps follow the device's sample index: 10 000, 10 160, 10 640.
    expect(pkts.map((p) => (p.timestamp - pkts[0]!.timestamp) >>> 0)).toEqual([0, 160, 640]);
  });

  it('sends RTCP BYE on stop, and the far end reports it', () => {
    const { clock, net, a, b, eventsB } = pair();
    a.start();
    b.start();
    clock.advance(500);
    a.stop();
    clock.advance(50);
    const last = net.log.filter((s) => s.to.port === B.port).pop()!;
    expect(parseRtcp(last.bytes).some((p) => p.type === 'bye')).toBe(true);
    expect(eventsB).toContainEqual({ type: 'bye', ssrc: a.ssrc });
  });

  it('counts garbage datagrams and never throws on them', () => {
    const { a } = pair();
    a.start();
    for (const junk of [new Uint8Array(0), new Uint8Array(3), Uint8Array.from([0x80, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]), new Uint8Array(2000)]) {
      expect(() => a.receiveRtp(junk, B)).not.toThrow();
    }
    const d = a.stats().received;
    expect(d.datagrams).toBe(4);
    expect(d.accepted).toBe(0);
  });

  it('plays local tones (ringback) and mixes a call-waiting beep over the call', () => {
    const { clock, a, b, portB } = pair();
    b.playTone(callProgressTone('US', 'ringback'));
    b.start();
    clock.advance(1000);
    const ring = portB.takePlayed();
    expect(dftPower(ring, 440)).toBeGreaterThan(500);
    expect(dftPower(ring, 480)).toBeGreaterThan(500);
    b.playTone(null);
    a.start();
    clock.advance(1000);
    b.playTone(callProgressTone('US', 'callWaiting'), true);
    portB.takePlayed();
    clock.advance(300);
    const both = portB.takePlayed();
    expect(dftPower(both, 1000)).toBeGreaterThan(3000); // the call
    expect(dftPower(both, 440)).toBeGreaterThan(3000); // the beep
  });

  it('allocates no sample or packet buffers per RTP packet in steady state (send, receive, playout)', () => {
    const { clock, a, b } = pair();
    a.start();
    b.start();
    clock.advance(1000); // warm up: jitter buffer filled, playout running
    const names = ['Int16Array', 'Uint8Array', 'Float32Array', 'Float64Array', 'Uint32Array', 'Buffer'] as const;
    const g = globalThis as unknown as Record<string, unknown>;
    const originals = names.map((n) => g[n]);
    let constructed = 0;
    names.forEach((n, i) => {
      g[n] = new Proxy(originals[i] as object, {
        construct(target, args, newTarget) {
          // RTCP reports (one every few seconds, not per packet) build their compound packet fresh.
          if (!new Error().stack?.includes('/rtcp/')) constructed++;
          return Reflect.construct(target as new (...x: unknown[]) => object, args, newTarget);
        },
      });
    });
    try {
      clock.advance(2000); // 100 frames each way
    } finally {
      names.forEach((n, i) => (g[n] = originals[i]));
    }
    expect(constructed).toBe(0);
    expect(b.stats().jitterBuffer.played).toBeGreaterThan(120);
  });

  it('reports a failing device as an event and keeps the media clock running', () => {
    const clock = new FakeClock(0);
    const net = new Net(clock);
    const events: MediaStreamEvent[] = [];
    let writes = 0;
    const port: MediaAudioPort = {
      sampleRate: 8000,
      paced: false,
      read: (out) => (out.fill(0), true),
      write: () => {
        writes++;
        throw new Error('device gone');
      },
    };
    const s = new MediaStream(config(B), { clock, port, rtp: net.sink(A), onEvent: (e) => events.push(e) });
    s.start();
    clock.advance(2000);
    expect(writes).toBe(101);
    expect(events.filter((e) => e.type === 'error').map((e) => e.type === 'error' && e.count)).toEqual([1, 100]);
    expect(rtpFrom(net, B).filter(({ p }) => p.payloadType === 0)).toHaveLength(101); // sending went on
  });

  it('refuses a ptime outside 10–60 ms and a port at another rate', () => {
    const clock = new FakeClock(0);
    const net = new Net(clock);
    expect(() => new MediaStream(config(B, { ptimeMs: 80 }), { clock, port: new SilentAudioPort(), rtp: net.sink(A) })).toThrow(/ptime/);
    expect(() => new MediaStream(config(B), { clock, port: new SilentAudioPort(16000), rtp: net.sink(A) })).toThrow(/Hz/);
  });

  it('supports PCMA and 10 ms frames', () => {
    const { clock, net, a, b, portB } = pair({ a: { codec: PCMA, payloadType: 8, ptimeMs: 10 }, b: { codec: PCMA, payloadType: 8, ptimeMs: 10 } });
    a.start();
    b.start();
    clock.advance(1000);
    const pkts = rtpFrom(net, B).filter(({ p }) => p.payloadType === 8);
    expect(pkts.length).toBeGreaterThanOrEqual(100);
    expect(pkts[5]!.p.payload.length).toBe(80);
    const heard = portB.takePlayed();
    expect(dftPower(heard.subarray(heard.length - 4000), 1000)).toBeGreaterThan(5000);
  });
});
