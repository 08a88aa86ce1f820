import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSsrc, registerMediaCommand, runMediaReplay } from '../../../../firmware/cli/media-command.js';
import { encodeMuLaw } from '../../../../firmware/media/g711.js';
import { decodeWav, replayCapture, ReplayError } from '../../../../firmware/media/replay/index.js';
import { RtpPacket } from '../../../../firmware/media/rtp/index.js';
import { writePcap, type CapturedDatagram } from '../pcap/pcap-writer.js';

const phone = { address: '192.0.2.1', port: 20000 };
const peer = { address: '192.0.2.2', port: 30000 };
const T0 = 1_750_000_000_000;

function tone(samples: number, offset: number, hz = 440, amp = 8000): Int16Array {
  return Int16Array.from({ length: samples }, (_, i) => Math.round(amp * Math.sin((2 * Math.PI * hz * (i + offset)) / 8000)));
}

interface StreamSpec {
  ssrc?: number;
  packets: number;
  /** Network delay of packet i, ms (default 30). */
  delay?: (i: number) => number;
  lost?: Set<number>;
  duplicate?: Set<number>;
  pt?: (i: number) => number;
  payload?: (i: number) => Uint8Array;
  source?: typeof peer;
}

function stream(spec: StreamSpec): CapturedDatagram[] {
  const out: CapturedDatagram[] = [];
  for (let i = 0; i < spec.packets; i++) {
    if (spec.lost?.has(i)) continue;
    const pt = spec.pt?.(i) ?? 0;
    const payload = spec.payload?.(i) ?? encodeMuLaw(tone(160, i * 160));
    const bytes = new RtpPacket({ payloadType: pt, sequenceNumber: (65500 + i) & 0xffff, timestamp: 1000 + i * 160, ssrc: spec.ssrc ?? 0xcafe, marker: i === 0, payload }).serialize();
    const at = T0 + i * 20 + (spec.delay?.(i) ?? 30);
    out.push({ timestampMs: at, source: spec.source ?? peer, destination: phone, payload: bytes });
    if (spec.duplicate?.has(i)) out.push({ timestampMs: at + 1, source: spec.source ?? peer, destination: phone, payload: bytes });
  }
  return out.sort((a, b) => a.timestampMs - b.timestampMs);
}

function rms(a: ArrayLike<number>, from = 0, to = a.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i]! ** 2;
  return Math.sqrt(s / Math.max(1, to - from));
}

/** Power of `hz` in a block relative to the block's total power (a one-bin DFT). */
function toneShare(a: Int16Array, hz: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < a.length; i++) {
    re += a[i]! * Math.cos((2 * Math.PI * hz * i) / 8000);
    im += a[i]! * Math.sin((2 * Math.PI * hz * i) / 8000);
  }
  return (2 * (re * re + im * im)) / a.length / (rms(a) ** 2 * a.length);
}

describe('media replay', () => {
  it('replays a clean stream: every packet played, tone intact, statistics of a good call', () => {
    const r = replayCapture(writePcap(stream({ packets: 100 })));
    expect(r.report).toMatchObject({ packets: 100, lost: 0, lateDropped: 0, duplicates: 0, concealedMs: 0, codec: 'PCMU', ssrc: 0xcafe });
    expect(r.report.jitterMs).toBeLessThan(0.01);
    expect(r.report.mos).toBeGreaterThan(4.3);
    expect(r.sampleRate).toBe(8000);
    // 2 s of tone (plus start-up silence and the drain) at the right frequency.
    expect(r.pcm.length).toBeGreaterThanOrEqual(100 * 160);
    const middle = r.pcm.subarray(4000, 12000);
    expect(toneShare(middle, 440)).toBeGreaterThan(0.95);
  });

  it('counts loss, duplicates and late packets, and conceals the gaps instead of playing silence', () => {
    // Packet 50 is held up 300 ms by the network: by then its turn has passed.
    const r = replayCapture(
      writePcap(stream({ packets: 150, lost: new Set([20, 21, 80]), duplicate: new Set([10, 90]), delay: (i) => (i === 50 ? 330 : 30) })),
    );
    expect(r.report.packets).toBe(149); // 147 unique + 2 duplicates
    expect(r.report.lost).toBe(3);
    expect(r.report.duplicates).toBe(2);
    expect(r.report.lateDropped).toBeGreaterThanOrEqual(1);
    expect(r.report.concealedMs).toBeGreaterThanOrEqual(60);
    expect(r.report.mos).toBeLessThan(4.41);
    // Where packets were lost or late, the listener hears concealment (the tone continues), not a hole:
    // no 20 ms block between start-up and the end is quiet.
    let minBlock = Infinity;
    for (let b = 1000; b + 160 < r.pcm.length - 4000; b += 160) minBlock = Math.min(minBlock, rms(r.pcm, b, b + 160));
    expect(minBlock).toBeGreaterThan(1000);
  });

  it('reports RFC 3550 jitter and a playout delay that covers it', () => {
    let seed = 3;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const delays = Array.from({ length: 300 }, () => 20 + rnd() * 40);
    const r = replayCapture(writePcap(stream({ packets: 300, delay: (i) => delays[i]! })));
    // Uniform 0–40 ms jitter: E|D| = 40/3 ms ≈ 13.3 ms for independent delays.
    expect(r.report.jitterMs).toBeGreaterThan(9);
    expect(r.report.jitterMs).toBeLessThan(18);
    expect(r.report.lateDropped).toBeLessThanOrEqual(3);
    expect(r.report.playoutDelayMs.max).toBeGreaterThanOrEqual(r.report.playoutDelayMs.p95);
    expect(r.report.playoutDelayMs.p95).toBeGreaterThanOrEqual(r.report.playoutDelayMs.mean);
    expect(r.report.playoutDelayMs.mean).toBeGreaterThan(10);
  });

  it('plays comfort noise between talk spurts (RFC 3389), not silence', () => {
    // Packets 30–69 are one CN packet (level 50 dBov) then nothing; speech resumes at 70.
    const pkts = stream({
      packets: 100,
      lost: new Set(Array.from({ length: 39 }, (_, k) => 31 + k)),
      pt: (i) => (i === 30 ? 13 : 0),
      payload: (i) => (i === 30 ? Uint8Array.from([50]) : encodeMuLaw(tone(160, i * 160))),
    });
    const r = replayCapture(writePcap(pkts));
    // Somewhere in the pause the output is noise near −50 dBov (RMS ≈ 104), far from silence and far below speech.
    const pause = r.pcm.subarray(44 * 160, 60 * 160);
    expect(rms(pause)).toBeGreaterThan(50);
    expect(rms(pause)).toBeLessThan(300);
  });

  it('replays the stream picked by --ssrc, and says which streams exist when the SSRC is wrong', () => {
    const capture = writePcap([...stream({ packets: 80, ssrc: 1 }), ...stream({ packets: 40, ssrc: 2, source: { address: '192.0.2.3', port: 31000 } })].sort((a, b) => a.timestampMs - b.timestampMs));
    expect(replayCapture(capture).report.ssrc).toBe(1);
    expect(replayCapture(capture, { ssrc: 2 }).report.packets).toBe(40);
    expect(() => replayCapture(capture, { ssrc: 3 })).toThrow(/no RTP stream with SSRC 3.*0x00000001 \(80 packets\)/);
  });

  it('replays a Linux cooked v2 capture of RTP over IPv6', () => {
    const v6 = stream({ packets: 60, source: { address: '2001:db8::7', port: 40002 } }).map((d) => ({ ...d, destination: { address: '2001:db8::1', port: 20000 } }));
    const r = replayCapture(writePcap(v6, { link: 'sll2' }));
    expect(r.report).toMatchObject({ packets: 60, lost: 0, source: { address: '2001:db8::7', port: 40002 }, destination: { address: '2001:db8::1', port: 20000 } });
  });

  it('names the payload type when the stream is in a codec the phone cannot decode', () => {
    const g729 = stream({ packets: 30, pt: () => 18, payload: () => new Uint8Array(20) });
    expect(() => replayCapture(writePcap(g729))).toThrow(/payload type 18, which this phone cannot decode/);
  });

  it('gives a clear error for a capture without RTP', () => {
    const sip = new TextEncoder().encode('INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1\r\n\r\n');
    const capture = writePcap(Array.from({ length: 10 }, (_, i) => ({ timestampMs: T0 + i, source: phone, destination: { address: '192.0.2.9', port: 5060 }, payload: sip })));
    expect(() => replayCapture(capture)).toThrow(ReplayError);
    expect(() => replayCapture(capture)).toThrow(/contains no RTP stream/);
  });

  const g711a = '/usr/share/sip-tester/g711a.pcap';
  it.skipIf(!existsSync(g711a))('replays sipp’s g711a.pcap as tshark describes it (236 PCMA packets, 30 ms, no loss, jitter < 0.83 ms)', () => {
    const r = replayCapture(readFileSync(g711a));
    expect(r.report).toMatchObject({ packets: 236, lost: 0, duplicates: 0, lateDropped: 0, codec: 'PCMA', ssrc: 0xdee0ee8f, concealedMs: 0 });
    expect(r.report.jitterMs).toBeLessThan(0.83); // tshark -z rtp,streams: max jitter 0.829 ms
    expect(r.report.durationMs).toBeGreaterThan(7050);
    expect(rms(r.pcm)).toBeGreaterThan(100);
  });

  const dtmf = '/usr/share/sip-tester/dtmf_2833_1.pcap';
  it.skipIf(!existsSync(dtmf))('replays sipp’s dtmf_2833_1.pcap: 10 telephone-event packets, 2 of them repeated end packets', () => {
    const r = replayCapture(readFileSync(dtmf));
    expect(r.report).toMatchObject({ packets: 10, duplicates: 2, lost: 0, otherPackets: 10 });
  });
});

describe('deskphone media replay (CLI)', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('writes the WAV and prints one JSON object with the call statistics', async () => {
    dir = mkdtempSync(join(tmpdir(), 'replay-'));
    const capture = join(dir, 'call.pcap');
    const wav = join(dir, 'call.wav');
    writeFileSync(capture, writePcap(stream({ packets: 50, lost: new Set([7]) })));
    const printed: string[] = [];
    const code = await runMediaReplay({ capture, out: wav }, { out: (t) => printed.push(t), err: (t) => printed.push(`ERR ${t}`) });
    expect(code).toBe(0);
    expect(printed).toHaveLength(1);
    const report = JSON.parse(printed[0]!);
    for (const key of ['packets', 'lost', 'lateDropped', 'duplicates', 'jitterMs', 'playoutDelayMs', 'concealedMs', 'mos']) expect(report).toHaveProperty(key);
    expect(report.playoutDelayMs).toEqual({ mean: expect.any(Number), p95: expect.any(Number), max: expect.any(Number) });
    expect(report.lost).toBe(1);
    const decoded = decodeWav(readFileSync(wav));
    expect(decoded.sampleRate).toBe(8000);
    expect(decoded.pcm.length).toBeGreaterThanOrEqual(49 * 160);
  });

  it('exits 1 with a message naming the problem for a damaged capture', async () => {
    dir = mkdtempSync(join(tmpdir(), 'replay-'));
    const capture = join(dir, 'broken.pcap');
    writeFileSync(capture, writePcap(stream({ packets: 20 })).subarray(0, 500));
    const errors: string[] = [];
    const code = await runMediaReplay({ capture, out: join(dir, 'x.wav') }, { out: () => undefined, err: (t) => errors.push(t) });
    expect(code).toBe(1);
    expect(errors.join('')).toMatch(/broken\.pcap: damaged pcap: record at byte \d+ claims/);
    expect(existsSync(join(dir, 'x.wav'))).toBe(false);
  });

  it('registers `media replay` with --ssrc in decimal or hex', async () => {
    dir = mkdtempSync(join(tmpdir(), 'replay-'));
    const capture = join(dir, 'two.pcap');
    writeFileSync(capture, writePcap([...stream({ packets: 30, ssrc: 0xabc }), ...stream({ packets: 20, ssrc: 0xdef, source: { address: '192.0.2.7', port: 1 } })].sort((a, b) => a.timestampMs - b.timestampMs)));
    const printed: string[] = [];
    const program = new Command('deskphone').exitOverride();
    registerMediaCommand(program, { out: (t) => printed.push(t), err: (t) => printed.push(t) });
    await program.parseAsync(['media', 'replay', capture, '--ssrc', '0xdef', '--out', join(dir, 'o.wav')], { from: 'user' });
    expect(JSON.parse(printed[0]!).ssrc).toBe(0xdef);
    expect(parseSsrc('3735928559')).toBe(0xdeadbeef);
    expect(() => parseSsrc('0x1ffffffff')).toThrow(/32-bit/);
    process.exitCode = undefined;
  });
});
