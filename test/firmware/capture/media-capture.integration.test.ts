/**
 * Integration: the media worker records the RTP it sends and receives into its
 * capture ring; the main thread's snapshot becomes a pcap the replay tool plays.
 * No timing is asserted; the test waits for packets to be there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeSnapshot, IPPROTO_UDP, PacketCapture, MIN_RING_BYTES } from '../../../firmware/capture/index.js';
import { MediaEngine, type MediaStreamHandle } from '../../../firmware/media/stream/index.js';
import { freqs, steady } from '../../../firmware/media/tones/index.js';
import { readPcap, replayCapture, udpDatagrams, RtpPacket } from '../../../firmware/media/index.js';

let engine: MediaEngine;
const open: MediaStreamHandle[] = [];

beforeAll(async () => {
  engine = await MediaEngine.start();
}, 30_000);

afterAll(async () => {
  for (const s of open) await s.close().catch(() => {});
  await engine?.stop();
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function call(): Promise<[MediaStreamHandle, MediaStreamHandle]> {
  const b = await engine.openStream({ remote: { address: '127.0.0.1', port: 9 }, codec: 'PCMU', payloadType: 0, rtcpMux: false, cname: 'b@test', audio: { kind: 'tone', tone: steady('440', freqs([440], -10)) } });
  const a = await engine.openStream({
    remote: { address: '127.0.0.1', port: b.localPort },
    remoteRtcp: { address: '127.0.0.1', port: b.localRtcpPort! },
    codec: 'PCMU',
    payloadType: 0,
    rtcpMux: false,
    cname: 'a@test',
    audio: { kind: 'tone', tone: steady('1k', freqs([1000], -10)) },
  });
  open.push(a, b);
  return [a, b];
}

describe('RTP capture in the media worker', { timeout: 60_000 }, () => {
  it('records every RTP packet both ways with its ports; the pcap replays the stream', async () => {
    const capture = new PacketCapture(() => Date.now(), engine);
    await capture.configure({ enabled: true, maxBytes: 1024 * 1024 });
    const [a, b] = await call();
    const packets = await until('a second of RTP each way', async () => {
      const got = decodeSnapshot(await engine.captureSnapshot());
      const fromA = got.filter((p) => p.source.port === a.localPort && p.destination.port === b.localPort);
      const toA = got.filter((p) => p.source.port === b.localPort && p.destination.port === a.localPort);
      return fromA.length >= 50 && toA.length >= 50 ? got : undefined;
    });
    expect(packets.every((p) => p.protocol === IPPROTO_UDP)).toBe(true);
    // A's packets are all there: consecutive sequence numbers (the ring has not wrapped at this size). Both
    // streams live in this one engine, so each packet is recorded twice: as A sent it and as B received it.
    const seqs = packets.filter((p) => p.source.port === a.localPort && p.destination.port === b.localPort).map((p) => RtpPacket.parse(p.payload).sequenceNumber);
    const unique = [...new Set(seqs)];
    expect(unique.slice(1).every((s, i) => s === ((unique[i]! + 1) & 0xffff))).toBe(true);
    expect(seqs.length).toBeGreaterThanOrEqual(2 * unique.length - 1);
    // Wall-clock timestamps (not the monotonic clock).
    expect(Math.abs(packets.at(-1)!.timestampMs - Date.now())).toBeLessThan(60_000);

    const file = await capture.pcap();
    const datagrams = udpDatagrams(readPcap(file));
    expect(datagrams.length).toBeGreaterThanOrEqual(100);
    const replay = replayCapture(file, { ssrc: a.ssrc });
    expect(replay.report.packets).toBeGreaterThanOrEqual(50);
    expect(replay.report.codec).toBe('PCMU');
    expect(replay.report.source.port).toBe(a.localPort);
  });

  it('records RTCP on its own port too', async () => {
    const [a, b] = await call();
    const rtcp = await until('an RTCP report from A', async () => {
      const got = decodeSnapshot(await engine.captureSnapshot());
      return got.find((p) => p.source.port === a.localRtcpPort && p.destination.port === b.localRtcpPort);
    });
    // RFC 3550 §6.4: version 2, packet type 200 (SR) or 201 (RR) first in a compound packet.
    expect(rtcp.payload[0]! >> 6).toBe(2);
    expect([200, 201]).toContain(rtcp.payload[1]);
  });

  it('stays within its size when it wraps round, and records nothing once switched off', async () => {
    await engine.configureCapture(MIN_RING_BYTES);
    await call();
    // 50 packets a second each way of ~228 bytes per entry: the 80 KB ring wraps within a few seconds.
    await until('the ring to wrap', async () => {
      const snap = await engine.captureSnapshot();
      return snap.length > MIN_RING_BYTES * 0.9 ? true : undefined;
    });
    for (let i = 0; i < 5; i++) {
      const snap = await engine.captureSnapshot();
      expect(snap.length).toBeLessThanOrEqual(MIN_RING_BYTES);
      const got = decodeSnapshot(snap);
      expect(got.length).toBeGreaterThan(100);
      await sleep(300);
    }
    await engine.configureCapture(null);
    await sleep(200);
    expect((await engine.captureSnapshot()).length).toBe(0);
  });
});
