/**
 * Integration: the real media worker with real UDP sockets on 127.0.0.1 —
 * two streams send RTP to each other, and what each plays is what the other
 * captured. No timing is asserted; the test waits for audio to arrive.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { MediaEngine, MediaEngineError, SharedAudioRing } from '../../../../firmware/media/stream/index.js';
import type { MediaStreamEvent, MediaStreamHandle } from '../../../../firmware/media/stream/index.js';
import { callProgressTone, freqs, steady } from '../../../../firmware/media/tones/index.js';
import { dftPower } from '../tones/signal-analysis.js';

const LOOP = '127.0.0.1';
let engine: MediaEngine;
const open: MediaStreamHandle[] = [];

beforeAll(async () => {
  engine = await MediaEngine.start();
}, 30_000);

afterAll(async () => {
  for (const s of open) await s.close().catch(() => {});
  await engine?.stop();
});

async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

// Generous limits: on a loaded 2-core machine the worker may start and fill its jitter buffer slowly.
/** Keeps the last `n` samples a stream played, across takePlayed() calls. */
function recorder(handle: MediaStreamHandle, n: number): () => Promise<Int16Array> {
  let kept = new Int16Array(0);
  return async () => {
    const chunk = await handle.takePlayed();
    const joined = new Int16Array(kept.length + chunk.length);
    joined.set(kept);
    joined.set(chunk, kept.length);
    kept = joined.slice(Math.max(0, joined.length - n));
    return kept;
  };
}

describe('MediaEngine (worker thread, UDP on 127.0.0.1)', { timeout: 45_000 }, () => {
  it('loops a 1 kHz tone from one stream to the other and back a 440 Hz one', async () => {
    const b = await engine.openStream({
      remote: { address: LOOP, port: 9 }, // not known yet: latching (RFC 4961) finds A
      codec: 'PCMU',
      payloadType: 0,
      rtcpMux: true,
      telephoneEventPayloadType: 101,
      cname: 'b@test',
      audio: { kind: 'tone', tone: steady('440', freqs([440], -10)), recordMs: 3000 },
    });
    open.push(b);
    const a = await engine.openStream({
      remote: { address: LOOP, port: b.localPort },
      codec: 'PCMU',
      payloadType: 0,
      rtcpMux: true,
      telephoneEventPayloadType: 101,
      cname: 'a@test',
      audio: { kind: 'tone', tone: steady('1k', freqs([1000], -10)), recordMs: 3000 },
    });
    open.push(a);
    expect(a.localPort).toBeGreaterThan(0);

    const dtmf: MediaStreamEvent[] = [];
    b.on((e) => dtmf.push(e));

    // Wait until B has played a full second of what A sends.
    const playedAtB = recorder(b, 8000);
    const heardAtB = await waitFor(async () => {
      const x = await playedAtB();
      return x.length === 8000 && dftPower(x, 1000) > 5000 ? x : undefined;
    }, '1 kHz at B');
    expect(dftPower(heardAtB, 440)).toBeLessThan(dftPower(heardAtB, 1000) / 20);

    const playedAtA = recorder(a, 4000);
    await waitFor(async () => {
      const x = await playedAtA();
      return x.length === 4000 && dftPower(x, 440) > 5000 ? true : undefined;
    }, '440 Hz at A (B latched to A)');

    await a.sendDtmf('5#');
    await waitFor(() => (dtmf.filter((e) => e.type === 'dtmf' && e.phase === 'end').length === 2 ? true : undefined), 'two digits at B');
    expect(dtmf.filter((e) => e.type === 'dtmf' && e.phase === 'begin').map((e) => e.type === 'dtmf' && e.digit)).toEqual(['5', '#']);

    const stats = await b.stats();
    expect(stats.received.accepted).toBeGreaterThan(50);
    expect(stats.remote.port).toBe(a.localPort);
    expect(stats.timing.mode).toBe('scheduler');

    // Mute, a local tone and hold, each through a message to the worker.
    await a.setMute(true);
    await waitFor(async () => {
      const x = await playedAtB();
      return x.length === 8000 && dftPower(x.subarray(4000), 1000) < 50 ? true : undefined;
    }, 'silence at B while A is muted');
    await b.playTone(callProgressTone('DE', 'dial'));
    await waitFor(async () => {
      const x = await playedAtB();
      return dftPower(x.subarray(4000), 425) > 3000 ? true : undefined;
    }, 'dial tone in B\'s earpiece');
    await a.update({ direction: 'inactive' });
    const before = (await b.stats()).received.accepted;
    await sleep(300);
    const afterHold = (await b.stats()).received.accepted;
    await sleep(300);
    expect((await b.stats()).received.accepted).toBe(afterHold);
    expect(afterHold - before).toBeLessThan(15); // at most the packets already in flight
  });

  it('plays received audio into a shared ring that the main thread reads', async () => {
    const ring = new SharedAudioRing(16384);
    const capture = new SharedAudioRing(1024);
    const b = await engine.openStream({
      remote: { address: LOOP, port: 9 },
      codec: 'PCMA',
      payloadType: 8,
      rtcpMux: true,
      cname: 'b2@test',
      audio: { kind: 'shared', capture: capture.buffer, playback: ring.buffer, paced: false },
    });
    open.push(b);
    const a = await engine.openStream({
      remote: { address: LOOP, port: b.localPort },
      codec: 'PCMA',
      payloadType: 8,
      ptimeMs: 30,
      rtcpMux: false,
      cname: 'a2@test',
      audio: { kind: 'tone', tone: steady('1k', freqs([1000], -10)) },
    });
    open.push(a);
    // A's 30 ms packets against B's 20 ms frames: the first packet plays before the second
    // arrives in some phases of the two clocks, which once left B concealing the whole call.
    // 100 ms windows (a whole number of 1 kHz periods), only the latest kept.
    const frame = new Int16Array(800);
    await waitFor(() => {
      while (ring.available >= 2 * frame.length) ring.read(frame);
      if (!ring.read(frame)) return undefined;
      return dftPower(frame, 1000) > 5000 ? true : undefined;
    }, '1 kHz in the shared playback ring');
    const st = await b.stats();
    expect(st.jitterBuffer.played).toBeGreaterThan(st.jitterBuffer.concealed);
    expect(a.localRtcpPort).toBeGreaterThan(0);
  });

  it('sends at the pace of a main-thread device writing capture periods into a shared ring', async () => {
    const capture = new SharedAudioRing(2048);
    const playback = new SharedAudioRing(2048);
    const b = await engine.openStream({
      remote: { address: LOOP, port: 9 },
      codec: 'PCMU',
      payloadType: 0,
      rtcpMux: true,
      cname: 'b3@test',
      audio: { kind: 'tone', tone: steady('silence', freqs([440], -60)), recordMs: 2000 },
    });
    open.push(b);
    const a = await engine.openStream({
      remote: { address: LOOP, port: b.localPort },
      codec: 'PCMU',
      payloadType: 0,
      rtcpMux: true,
      cname: 'a3@test',
      // 10 ms device periods, as an ALSA handset delivers them; the stream sends 20 ms frames.
      audio: { kind: 'shared', capture: capture.buffer, playback: playback.buffer, paced: true, periodSamples: 80 },
    });
    open.push(a);
    // The "device": 1 kHz in 10 ms periods. Periods are written in bursts here (a test's timers are
    // not a sound card): each one still drives exactly half a packet.
    let phase = 0;
    const period = new Int16Array(80);
    const device = setInterval(() => {
      for (let p = 0; p < 2; p++) {
        for (let i = 0; i < 80; i++) period[i] = Math.round(7000 * Math.sin(2 * Math.PI * (phase++ / 8)));
        capture.write(period);
      }
    }, 20);
    try {
      const playedAtB = recorder(b, 4000);
      const heard = await waitFor(async () => {
        const played = await playedAtB();
        const st = await a.stats();
        return played.length === 4000 && dftPower(played, 1000) > 3000 ? st : undefined;
      }, '1 kHz from the capture-driven stream');
      expect(heard.timing.mode).toBe('capture');
      // Every packet came from captured audio: sent packets = captured samples / 160.
      expect(heard.sent.packets).toBeLessThanOrEqual(Math.ceil(phase / 160));
      expect(heard.sent.packets).toBeGreaterThanOrEqual(Math.floor(phase / 160) - 8);
    } finally {
      clearInterval(device);
    }
  });

  it('opens an audio driver inside the worker (module spec) and sends at its pace', async () => {
    const b = await engine.openStream({
      remote: { address: LOOP, port: 9 },
      codec: 'PCMU',
      payloadType: 0,
      rtcpMux: true,
      cname: 'b4@test',
      audio: { kind: 'tone', tone: steady('quiet', freqs([440], -60)), recordMs: 2000 },
    });
    open.push(b);
    const a = await engine.openStream({
      remote: { address: LOOP, port: b.localPort },
      codec: 'PCMU',
      payloadType: 0,
      rtcpMux: true,
      cname: 'a4@test',
      audio: { kind: 'module', url: new URL('./fixtures/paced-tone-device.ts', import.meta.url).href, options: { hz: 1000 } },
    });
    open.push(a);
    const played = recorder(b, 4000);
    await waitFor(async () => {
      const x = await played();
      return x.length === 4000 && dftPower(x, 1000) > 3000 ? true : undefined;
    }, '1 kHz from the in-worker device');
    expect((await a.stats()).timing.mode).toBe('capture');
    await expect(
      engine.openStream({ remote: { address: LOOP, port: 9 }, codec: 'PCMU', payloadType: 0, cname: 'x', audio: { kind: 'module', url: new URL('./fixtures/paced-tone-device.ts', import.meta.url).href, exportName: 'nope' } }),
    ).rejects.toMatchObject({ code: 'MEDIA_AUDIO_MODULE' });
  });

  it('hosts a 3-way conference: each party hears the other two, then splits back to one call', async () => {
    const tone = (hz: number): { kind: 'tone'; tone: ReturnType<typeof steady>; recordMs: number } => ({ kind: 'tone', tone: steady(`${hz}`, freqs([hz], -12)), recordMs: 2000 });
    const base = { codec: 'PCMU', payloadType: 0, rtcpMux: true } as const;
    const partyA = await engine.openStream({ ...base, remote: { address: LOOP, port: 9 }, cname: 'pa@test', audio: tone(1000) });
    const partyB = await engine.openStream({ ...base, remote: { address: LOOP, port: 9 }, cname: 'pb@test', audio: tone(1500) });
    const phoneA = await engine.openStream({ ...base, remote: { address: LOOP, port: partyA.localPort }, cname: 'phone@test', audio: tone(500) });
    const phoneB = await engine.openStream({ ...base, remote: { address: LOOP, port: partyB.localPort }, cname: 'phone@test', audio: { kind: 'silent' } });
    open.push(partyA, partyB, phoneA, phoneB);
    await engine.conference(phoneA, phoneB);
    const heard = { a: recorder(partyA, 4000), b: recorder(partyB, 4000), handset: recorder(phoneA, 4000) };
    const hears = (x: Int16Array, on: number[], off: number): boolean =>
      x.length === 4000 && on.every((hz) => dftPower(x, hz) > 2000) && dftPower(x, off) < 300;
    await waitFor(async () => (hears(await heard.a(), [500, 1500], 1000) ? true : undefined), 'party A hearing the phone and party B');
    await waitFor(async () => (hears(await heard.b(), [500, 1000], 1500) ? true : undefined), 'party B hearing the phone and party A');
    await waitFor(async () => (hears(await heard.handset(), [1000, 1500], 500) ? true : undefined), 'the handset hearing both parties');
    await expect(engine.conference(phoneA, phoneB)).rejects.toMatchObject({ code: 'MEDIA_CONFERENCE_BUSY' });

    await engine.split(phoneA);
    await waitFor(async () => {
      const x = await heard.a();
      return x.length === 4000 && dftPower(x, 500) > 2000 && dftPower(x, 1500) < 300 ? true : undefined;
    }, 'party A hearing only the phone after the split');
  });

  it('sets the media thread\'s own priority when asked (a higher nice value needs no privilege)', async () => {
    const low = await MediaEngine.start({ priority: 5 });
    try {
      expect(low.priority).toEqual({ requested: 5, applied: true });
    } finally {
      await low.stop();
    }
  });

  it('waits the last milliseconds before each frame precisely when asked, and only under real-time scheduling by default', async () => {
    // The default follows this process's policy (/proc/self/stat field 41: 1 FIFO, 2 RR); vitest runs at normal priority.
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const realTime = [1, 2].includes(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]));
    expect(engine.finalWaitMs).toBe(realTime ? 2 : 0);
    const precise = await MediaEngine.start({ finalWaitMs: 2 });
    try {
      expect(precise.finalWaitMs).toBe(2);
      const b = await precise.openStream({ remote: { address: LOOP, port: 9 }, codec: 'PCMU', payloadType: 0, rtcpMux: true, cname: 'b5@test', audio: { kind: 'tone', tone: steady('quiet', freqs([440], -60)), recordMs: 1000 } });
      await precise.openStream({ remote: { address: LOOP, port: b.localPort }, codec: 'PCMU', payloadType: 0, rtcpMux: true, cname: 'a5@test', audio: { kind: 'tone', tone: steady('1k', freqs([1000], -10)) } });
      const played = recorder(b, 2000);
      await waitFor(async () => {
        const x = await played();
        return x.length === 2000 && dftPower(x, 1000) > 5000 ? true : undefined;
      }, '1 kHz through the precisely paced streams');
      const st = await b.stats();
      expect(st.timing.mode).toBe('scheduler');
      expect(st.timing.frames).toBeGreaterThan(10);
    } finally {
      await precise.stop();
    }
  });

  it('tells the phone when the media worker dies, and refuses requests after', async () => {
    const doomed = await MediaEngine.start();
    const failures: MediaEngineError[] = [];
    doomed.onFailure((e) => failures.push(e));
    // Simulate a crash from outside (the worker exposes no way to crash itself).
    await (doomed as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await waitFor(() => (failures.length > 0 ? true : undefined), 'the failure report');
    expect(failures[0]!.code).toBe('MEDIA_WORKER_EXITED');
    await expect(doomed.openStream({ remote: { address: LOOP, port: 9 }, codec: 'PCMU', payloadType: 0, cname: 'x', audio: { kind: 'silent' } })).rejects.toMatchObject({
      code: 'MEDIA_WORKER_EXITED',
    });
  });

  it('counts and drops garbage datagrams sent at a stream, and keeps going', async () => {
    const s = await engine.openStream({ remote: { address: LOOP, port: 9 }, codec: 'PCMU', payloadType: 0, rtcpMux: true, cname: 'g@test', audio: { kind: 'silent' } });
    open.push(s);
    const sock = createSocket('udp4');
    try {
      let seed = 7;
      const counted = async (): Promise<{ n: number; st: Awaited<ReturnType<typeof s.stats>> }> => {
        const st = await s.stats();
        return { n: st.received.datagrams + st.rtcp.received, st };
      };
      let st: Awaited<ReturnType<typeof s.stats>> | undefined;
      // In batches of 20 (≤ 32 kB): 200 at once can overflow the socket's receive buffer while a
      // loaded machine keeps the worker from reading, and datagrams the kernel drops are never counted.
      for (let i = 0; i < 200; i++) {
        const len = (i * 37) % 1600;
        const junk = Buffer.alloc(len);
        for (let k = 0; k < len; k++) junk[k] = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
        if (len > 1) junk[0] = i % 2 === 0 ? 0x80 : junk[0]!; // half of them look like RTP v2
        await new Promise<void>((r) => sock.send(junk, s.localPort, LOOP, () => r()));
        if ((i + 1) % 20 === 0) {
          const sent = i + 1;
          st = (await waitFor(async () => {
            const c = await counted();
            return c.n >= 0.75 * sent ? c : undefined;
          }, `${sent} garbage datagrams to be counted`)).st;
        }
      }
      if (!st) throw new Error('no garbage was sent');
      expect(st.received.accepted).toBe(0);
      expect(st.sent.packets).toBeGreaterThan(0);
    } finally {
      sock.close();
    }
  });

  it('reports a bad request as a typed error and keeps running', async () => {
    await expect(
      engine.openStream({ remote: { address: LOOP, port: 9 }, codec: 'G729', payloadType: 18, cname: 'x', audio: { kind: 'silent' } }),
    ).rejects.toBeInstanceOf(MediaEngineError);
    const s = await engine.openStream({ remote: { address: LOOP, port: 9 }, codec: 'PCMU', payloadType: 0, ptimeMs: 80, cname: 'x', audio: { kind: 'silent' } }).catch((e: unknown) => e);
    expect((s as MediaEngineError).code).toBe('MEDIA_PTIME');
    const ok = await engine.openStream({ remote: { address: LOOP, port: 9 }, codec: 'PCMU', payloadType: 0, cname: 'x', audio: { kind: 'silent' } });
    open.push(ok);
    expect(ok.localPort).toBeGreaterThan(0);
  });
});
