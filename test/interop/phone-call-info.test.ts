import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { missingPeers } from './support/peers.js';
import { startBaresip, type Baresip } from './support/baresip.js';
import { phoneApi, startPhoneProcess, type PhoneProcess } from './support/phone.js';
import { tempDir, waitFor } from './support/processes.js';
import { writeToneWav } from './support/audio.js';

// Issue 7 §3 "codec on demand" on the real phone: in a call with baresip, OK shows the agreed codec and the
// media stream's own figures (MOS, loss, jitter from the worker's statistics) on the glass, then the call
// screen comes back. On loopback nothing is lost, so the figures must say so.

const skip = missingPeers('baresip', 'sox');

describe.skipIf(skip !== undefined)(`codec and quality on the glass in a call (${skip ?? 'peers installed'})`, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let phone: PhoneProcess;
  let bob: Baresip;

  beforeAll(async () => {
    dir = await tempDir('call-info');
    const wav = join(dir.path, 'tone.wav');
    writeToneWav(wav, 440, 30);
    phone = await startPhoneProcess({ config: 'admin:\n  password: desk-admin\naudio:\n  codecs: [PCMA, PCMU, telephone-event]\n' });
    bob = await startBaresip({ user: 'bob', wav });
  }, 60_000);
  afterAll(async () => {
    await bob?.stop();
    await phone?.stop();
    await dir?.remove();
  });

  it('shows the codec, MOS, loss and jitter after OK, then the call again', async () => {
    const api = phoneApi(phone);
    await api.post('/api/dial', { target: `bob@127.0.0.1:${bob.sipPort}` });
    await bob.waitForEvent('CALL_ESTABLISHED');
    await waitFor('connected', async () => ((await api.calls()).some((c) => c.state === 'connected') ? true : undefined));
    // A couple of seconds of bob's audio, so the figures are from packets, not "No audio yet".
    await new Promise((r) => setTimeout(r, 2000));
    await api.post('/api/keys', { keys: ['ok'] });
    const shown = await waitFor('the figures on the glass', async () => {
      const text = await api.glass();
      return /MOS/.test(text) ? text : undefined;
    }, { timeoutMs: 10_000 });
    // Our offer put PCMA first and baresip takes it; loopback loses nothing; MOS is G.711's best (≈4.4).
    expect(shown).toMatch(/PCMA/);
    expect(shown).toMatch(/Loss 0\.0%/);
    const mos = Number(/MOS (\d\.\d)/.exec(shown)![1]);
    expect(mos).toBeGreaterThanOrEqual(4);
    expect(mos).toBeLessThanOrEqual(4.5);
    await waitFor('the call screen back', async () => ((await api.glass()).includes('MOS') ? undefined : true), { timeoutMs: 10_000 });
    expect(await api.glass()).toMatch(/bob/);
    await bob.hangup();
  }, 60_000);
});
