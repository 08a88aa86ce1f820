import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../support/fake-clock.js';
import { PCMU } from '../../../../firmware/media/codec/index.js';
import type { RemoteEndpoint } from '../../../../firmware/media/rtp/index.js';
import { ConferenceBridge, GeneratorAudioPort, MediaStream, SilentAudioPort } from '../../../../firmware/media/stream/index.js';
import type { MediaAudioPort, MediaStreamConfig } from '../../../../firmware/media/stream/index.js';
import { freqs, steady } from '../../../../firmware/media/tones/index.js';
import { dftPower } from '../tones/signal-analysis.js';
import { Net } from './net.js';

const at = (port: number): RemoteEndpoint => ({ address: '127.0.0.1', port });
const cfg = (remote: RemoteEndpoint): MediaStreamConfig => ({ codec: PCMU, payloadType: 0, remote, rtcpMux: true, cname: 'conf@test' });
const tonePort = (hz: number): GeneratorAudioPort => new GeneratorAudioPort(steady(`${hz}`, freqs([hz], -12)), 8000, 8000);

/** The phone (handset at 500 Hz) in calls with A (1000 Hz) and B (1500 Hz). */
function setup() {
  const clock = new FakeClock(0);
  const net = new Net(clock, 5);
  const handset = tonePort(500);
  const partyA = tonePort(1000);
  const partyB = tonePort(1500);
  const [PHONE_A, PHONE_B, A, B] = [at(5000), at(5002), at(6000), at(7000)];
  const toA = new MediaStream(cfg(A), { clock, port: handset, rtp: net.sink(PHONE_A) });
  const toB = new MediaStream(cfg(B), { clock, port: new SilentAudioPort(), rtp: net.sink(PHONE_B) });
  const a = new MediaStream(cfg(PHONE_A), { clock, port: partyA, rtp: net.sink(A) });
  const b = new MediaStream(cfg(PHONE_B), { clock, port: partyB, rtp: net.sink(B) });
  net.listen(PHONE_A, (d, f) => toA.receiveRtp(d, f));
  net.listen(PHONE_B, (d, f) => toB.receiveRtp(d, f));
  net.listen(A, (d, f) => a.receiveRtp(d, f));
  net.listen(B, (d, f) => b.receiveRtp(d, f));
  for (const s of [toA, toB, a, b]) s.start();
  return { clock, handset, partyA, partyB, toA, toB };
}

function lastSecond(port: GeneratorAudioPort): Int16Array {
  const x = port.takePlayed();
  return x.subarray(x.length - 8000);
}

describe('ConferenceBridge (3-way call hosted on the phone)', () => {
  it('lets each party hear the other two and not itself', () => {
    const { clock, handset, partyA, partyB, toA, toB } = setup();
    clock.advance(500);
    const bridge = new ConferenceBridge(toA.replacePort(new SilentAudioPort()), toA.frameSamples);
    toA.replacePort(bridge.legA);
    toB.replacePort(bridge.legB);
    clock.advance(2000);
    const local = lastSecond(handset);
    const heardA = lastSecond(partyA);
    const heardB = lastSecond(partyB);
    const loud = 2000;
    const quiet = 100;
    expect([dftPower(local, 1000), dftPower(local, 1500)].every((v) => v > loud)).toBe(true);
    expect(dftPower(local, 500)).toBeLessThan(quiet);
    expect([dftPower(heardA, 500), dftPower(heardA, 1500)].every((v) => v > loud)).toBe(true);
    expect(dftPower(heardA, 1000)).toBeLessThan(quiet);
    expect([dftPower(heardB, 500), dftPower(heardB, 1000)].every((v) => v > loud)).toBe(true);
    expect(dftPower(heardB, 1500)).toBeLessThan(quiet);
  });

  it('mutes the local microphone in both calls while A and B still hear each other', () => {
    const { clock, partyA, partyB, toA, toB } = setup();
    const bridge = new ConferenceBridge(toA.replacePort(new SilentAudioPort()), toA.frameSamples);
    toA.replacePort(bridge.legA);
    toB.replacePort(bridge.legB);
    bridge.setMicMuted(true);
    clock.advance(2000);
    const heardA = lastSecond(partyA);
    const heardB = lastSecond(partyB);
    expect(dftPower(heardA, 500)).toBeLessThan(100);
    expect(dftPower(heardA, 1500)).toBeGreaterThan(2000);
    expect(dftPower(heardB, 1000)).toBeGreaterThan(2000);
  });

  it('takes microphone frames from a paced handset through its FIFO', () => {
    let listener: ((s: Int16Array, i: number) => void) | undefined;
    const written: Int16Array[] = [];
    const paced: MediaAudioPort = {
      sampleRate: 8000,
      paced: true,
      onFrame: (l) => {
        listener = l;
        return () => (listener = undefined);
      },
      write: (s) => written.push(s.slice()),
    };
    const bridge = new ConferenceBridge(paced, 160);
    const outA = new Int16Array(160);
    listener!(Int16Array.from({ length: 160 }, () => 1000), 0);
    bridge.legA.read!(outA);
    expect(outA.every((v) => v === 1000)).toBe(true); // A hears the mic
    expect(written[0]!.every((v) => v === 0)).toBe(true); // the handset does not hear itself
    bridge.close();
    expect(listener).toBeUndefined();
  });
});
