import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { missingPeers } from './support/peers.js';
import { startBaresip, type Baresip } from './support/baresip.js';
import { phoneApi, startPhoneProcess, type PhoneProcess } from './support/phone.js';
import { tempDir, waitFor } from './support/processes.js';
import { writeToneWav } from './support/audio.js';

// Issue 5 point 5, attended, from the phone's keys with baresip 1.0.0 as the transferee: alice (our phone)
// talks to bob (baresip), presses Transfer (bob goes on hold), calls carol (a second phone process), and once
// carol answers presses Transfer again: a REFER with Replaces goes to bob. baresip puts that Replaces in its
// INVITE's Request-URI (it has no Replaces header support); carol's phone takes it as the header, so bob's
// call replaces alice's consultation call there without ringing, and alice is left with no call.

const skip = missingPeers('baresip', 'sox');

/** The last second (8000 samples) the phone's speaker has played so far, from its growing --audio-out WAV. */
async function lastSecond(path: string): Promise<Int16Array | undefined> {
  const bytes = await readFile(path).catch(() => undefined);
  if (!bytes || bytes.length < 44 + 16_000) return undefined;
  const end = bytes.length - ((bytes.length - 44) % 2);
  const data = bytes.subarray(end - 16_000, end);
  return new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
}

function rms(samples: Int16Array): number {
  let sum = 0;
  for (const x of samples) sum += x * x;
  return Math.sqrt(sum / samples.length);
}

/** Goertzel power of one frequency at 8 kHz. */
function power(samples: Int16Array, hz: number): number {
  const coeff = 2 * Math.cos((2 * Math.PI * hz) / 8000);
  let s1 = 0;
  let s2 = 0;
  for (const x of samples) {
    const s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (s1 * s1 + s2 * s2 - coeff * s1 * s2) / (samples.length * samples.length);
}

describe.skipIf(skip !== undefined)(`attended transfer from the phone's keys, baresip transferee (${skip ?? 'peers installed'})`, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let alice: PhoneProcess;
  let carol: PhoneProcess;
  let bob: Baresip;
  let carolSpeaker: string;

  beforeAll(async () => {
    dir = await tempDir('attended');
    const wav = join(dir.path, 'tone.wav');
    writeToneWav(wav, 440, 30);
    alice = await startPhoneProcess({ config: 'admin:\n  password: desk-admin\n' });
    carolSpeaker = join(dir.path, 'carol-speaker.wav');
    carol = await startPhoneProcess({ config: 'admin:\n  password: desk-admin\n', args: ['--audio-out', carolSpeaker] });
    bob = await startBaresip({ user: 'bob', wav });
  }, 60_000);
  afterAll(async () => {
    await bob?.stop();
    await carol?.stop();
    await alice?.stop();
    await dir?.remove();
  });

  it('bob ends up talking to carol in the call carol already had; alice is out; carol never rang twice', async () => {
    const a = phoneApi(alice);
    const c = phoneApi(carol);
    const connected = (api: typeof a, count = 1) =>
      waitFor('connected call', async () => {
        const list = await api.calls();
        return list.length === count && list.some((x) => x.state === 'connected') ? list : undefined;
      }, { timeoutMs: 15_000 });

    await a.post('/api/dial', { target: `bob@127.0.0.1:${bob.sipPort}` });
    await bob.waitForEvent('CALL_ESTABLISHED');
    await connected(a);

    // Transfer: bob on hold, dial tone; the consultation call to carol (a URI: typed in the web dial box).
    await a.post('/api/keys', { keys: ['transfer'] });
    await waitFor('bob on hold', async () => ((await a.calls()).some((x) => x.state === 'on-hold') ? true : undefined));
    await a.post('/api/dial', { target: `carol@127.0.0.1:${carol.sipPorts.udp}` });
    const [ringing] = await waitFor('the consultation call ringing at carol', async () => {
      const list = await c.calls();
      return list.length === 1 && list[0]!.state === 'incoming' ? list : undefined;
    });
    await c.post(`/api/v1/calls/${ringing!.id}/answer`, {});
    await connected(a, 2);
    const carolCallId = ringing!.id;

    // Transfer again, with the consultation call connected: attended (REFER with Replaces to bob).
    await a.post('/api/keys', { keys: ['transfer'] });
    await waitFor('alice out of both calls', async () => ((await a.calls()).length === 0 ? true : undefined), { timeoutMs: 20_000 });
    // Carol's call is the same phone call, now with bob at the far end; it never rang again.
    const after = await waitFor('carol talking to bob', async () => {
      const list = await c.calls();
      const peer = (list[0] as { peer?: string } | undefined)?.peer ?? '';
      return list.length === 1 && list[0]!.state === 'connected' && /bob/.test(peer) ? list : undefined;
    }, { timeoutMs: 20_000 });
    expect(after[0]!.id).toBe(carolCallId);
    const replaced = carol.logLines().some((l) => l.msg === 'sip: Replaces taken from the Request-URI');
    expect(replaced).toBe(true);
    // And carol hears bob: his 440 Hz tone in what her speaker played (alice's microphone was silent).
    const heard = await waitFor('bob’s tone in carol’s speaker', async () => {
      const last = await lastSecond(carolSpeaker);
      return last && rms(last) > 300 ? last : undefined;
    }, { timeoutMs: 15_000 });
    for (const other of [350, 480, 1000]) expect(power(heard, 440)).toBeGreaterThan(20 * power(heard, other));
    await bob.hangup();
    await waitFor('carol’s call to end', async () => ((await c.calls()).length === 0 ? true : undefined), { timeoutMs: 15_000 });
  }, 90_000);
});
