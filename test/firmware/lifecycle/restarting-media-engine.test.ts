import { describe, expect, it } from 'vitest';
import { RestartingMediaEngine } from '../../../firmware/lifecycle/restarting-media-engine.js';
import type { MediaEngine, MediaStreamEvent, MediaStreamHandle, OpenStreamParams } from '../../../firmware/media/index.js';

// The calls' streams across media-worker restarts: a new worker gets each
// stream back as it is now (after hold, a new remote, mute, a conference), on
// the port the SDP named, and the call's listeners hear the new stream.

/** A stand-in for the worker's engine: records what it is asked, hands out stream handles. */
function fakeEngine(name: string) {
  const log: string[] = [];
  const emitters = new Map<number, (e: MediaStreamEvent) => void>();
  let next = 1;
  const engine = {
    async openStream(params: OpenStreamParams) {
      const id = next++;
      log.push(`${name} open #${id} port=${params.localPort} remote=${params.remote.address}:${params.remote.port} dir=${params.direction ?? 'sendrecv'}`);
      const handle = {
        id,
        localPort: params.localPort,
        ssrc: id,
        on: (l: (e: MediaStreamEvent) => void) => (emitters.set(id, l), () => emitters.delete(id)),
        update: async (c: { direction?: string }) => void log.push(`${name} update #${id} dir=${c.direction}`),
        setMute: async (m: boolean) => void log.push(`${name} mute #${id} ${m}`),
        sendDtmf: async (d: string) => void log.push(`${name} dtmf #${id} ${d}`),
        close: async () => (log.push(`${name} close #${id}`), {}),
      };
      return handle as unknown as MediaStreamHandle;
    },
    async conference(a: MediaStreamHandle, b: MediaStreamHandle) {
      log.push(`${name} conference #${a.id}+#${b.id}`);
    },
    async split(keep: MediaStreamHandle) {
      log.push(`${name} split keep #${keep.id}`);
    },
    async configureCapture(ringBytes: number | null, ownAddress?: string) {
      log.push(`${name} capture ${ringBytes} ${ownAddress}`);
    },
    async captureSnapshot() {
      return new Uint8Array([1, 2, 3]);
    },
  };
  return { engine: engine as unknown as MediaEngine, log, emit: (id: number, e: MediaStreamEvent) => emitters.get(id)?.(e) };
}

const quiet = { info: () => undefined, warn: () => undefined };
const params = (port: number): OpenStreamParams => ({ localPort: port, remote: { address: '192.0.2.20', port: port - 16000 }, codec: 'PCMU', payloadType: 0, cname: `c${port}`, audio: { kind: 'silent' } });

describe('RestartingMediaEngine', () => {
  it('re-opens each stream in the new worker as it is now: same port, the latest remote and direction, muted again', async () => {
    const media = new RestartingMediaEngine(quiet);
    const first = fakeEngine('w1');
    await media.attach(first.engine);
    const stream = await media.openStream(params(20000));
    await stream.update({ direction: 'sendonly', remote: { address: '192.0.2.30', port: 6000 } });
    await stream.setMute(true);

    media.detach(first.engine);
    expect(stream.current).toBeUndefined();
    const second = fakeEngine('w2');
    await media.attach(second.engine);
    expect(second.log).toEqual(['w2 open #1 port=20000 remote=192.0.2.30:6000 dir=sendonly', 'w2 mute #1 true']);
    expect(stream.localPort).toBe(20000);
  });

  it('the call’s listeners hear the stream in the new worker (DTMF received after the restart)', async () => {
    const media = new RestartingMediaEngine(quiet);
    const first = fakeEngine('w1');
    await media.attach(first.engine);
    const stream = await media.openStream(params(20002));
    const heard: string[] = [];
    stream.on((e) => e.type === 'dtmf' && heard.push(`${e.digit}`));
    media.detach(first.engine);
    const second = fakeEngine('w2');
    await media.attach(second.engine);
    first.emit(1, { type: 'dtmf', phase: 'end', digit: '1', source: 'rfc4733' });
    second.emit(1, { type: 'dtmf', phase: 'end', digit: '7', source: 'rfc4733' });
    expect(heard).toEqual(['7']);
  });

  it('rebuilds a conference in the new worker, and forgets it after a split', async () => {
    const media = new RestartingMediaEngine(quiet);
    const w1 = fakeEngine('w1');
    await media.attach(w1.engine);
    const a = await media.openStream(params(20010));
    const b = await media.openStream(params(20012));
    await media.conference(a, b);
    media.detach(w1.engine);
    const w2 = fakeEngine('w2');
    await media.attach(w2.engine);
    expect(w2.log.filter((l) => l.includes('conference'))).toEqual(['w2 conference #1+#2']);
    await media.split(a);
    media.detach(w2.engine);
    const w3 = fakeEngine('w3');
    await media.attach(w3.engine);
    expect(w3.log.some((l) => l.includes('conference'))).toBe(false);
  });

  it('a call answered while the worker restarts gets its stream once the new worker is up', async () => {
    const media = new RestartingMediaEngine(quiet);
    const w1 = fakeEngine('w1');
    await media.attach(w1.engine);
    media.detach(w1.engine);
    const opening = media.openStream(params(20020));
    const w2 = fakeEngine('w2');
    await media.attach(w2.engine);
    const stream = await opening;
    expect(stream.current).toBeDefined();
    expect(w2.log).toEqual(['w2 open #1 port=20020 remote=192.0.2.20:4020 dir=sendrecv']);
  });

  it('while the worker is down: a DTMF digit is refused with a reason, a closed stream is not re-opened', async () => {
    const media = new RestartingMediaEngine(quiet);
    const w1 = fakeEngine('w1');
    await media.attach(w1.engine);
    const kept = await media.openStream(params(20030));
    const closed = await media.openStream(params(20032));
    media.detach(w1.engine);
    await expect(kept.sendDtmf('5')).rejects.toThrow(/restarting: cannot send DTMF/);
    await expect(closed.close()).rejects.toMatchObject({ code: 'MEDIA_RESTARTING' });
    const w2 = fakeEngine('w2');
    await media.attach(w2.engine);
    expect(w2.log).toEqual(['w2 open #1 port=20030 remote=192.0.2.20:4030 dir=sendrecv']);
    expect(media.openStreams).toEqual([kept]);
  });

  it('gives the packet-capture setting to each new worker; no snapshot while none runs', async () => {
    const media = new RestartingMediaEngine(quiet);
    const w1 = fakeEngine('w1');
    await media.attach(w1.engine);
    await media.configureCapture(1_572_864, '192.0.2.2');
    expect(await media.captureSnapshot()).toEqual(new Uint8Array([1, 2, 3]));
    media.detach(w1.engine);
    await expect(media.captureSnapshot()).rejects.toMatchObject({ code: 'MEDIA_RESTARTING' });
    const w2 = fakeEngine('w2');
    await media.attach(w2.engine);
    expect(w2.log).toEqual(['w2 capture 1572864 192.0.2.2']);
    await media.configureCapture(null);
    media.detach(w2.engine);
    const w3 = fakeEngine('w3');
    await media.attach(w3.engine);
    expect(w3.log).toEqual([]);
  });

  it('a stream still waiting for a worker when the phone stops is refused, not left hanging', async () => {
    const media = new RestartingMediaEngine(quiet);
    const opening = media.openStream(params(20040));
    media.close();
    await expect(opening).rejects.toMatchObject({ code: 'MEDIA_STOPPED' });
    expect(media.openStreams).toEqual([]);
  });
});
