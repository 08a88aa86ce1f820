import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { missingPeers } from './support/peers.js';
import { startBaresip, type Baresip } from './support/baresip.js';
import { phoneApi, startPhoneProcess, type PhoneProcess } from './support/phone.js';
import { tempDir, waitFor } from './support/processes.js';
import { wavStats, writeToneWav } from './support/audio.js';

// Issue 5 point 6: a 3-way conference hosted on the phone, driven from the front panel.

const skip = missingPeers('baresip', 'sox');

describe.skipIf(skip !== undefined)(`3-way conference on the phone (${skip ?? 'peers installed'})`, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let phone: PhoneProcess;
  let bob: Baresip;
  let carol: Baresip;
  let api: ReturnType<typeof phoneApi>;
  const post = (path: string, body: unknown) => api.post(path, body);
  const glass = () => api.glass();

  beforeAll(async () => {
    dir = await tempDir('conference');
    const bobWav = join(dir.path, 'bob-440.wav');
    const carolWav = join(dir.path, 'carol-660.wav');
    writeToneWav(bobWav, 440, 30);
    writeToneWav(carolWav, 660, 6);
    phone = await startPhoneProcess({ config: 'admin:\n  password: desk-admin\n' });
    api = phoneApi(phone);
    bob = await startBaresip({ user: 'bob', wav: bobWav });
    carol = await startBaresip({ user: 'carol', wav: carolWav });
  });
  afterAll(async () => {
    await carol?.stop();
    await bob?.stop();
    await phone?.stop();
    await dir?.remove();
  });

  it('calls bob, holds him, calls carol, joins them: carol hears bob through the phone', async () => {
    await post('/api/dial', { target: `bob@127.0.0.1:${bob.sipPort}` });
    await bob.waitForEvent('CALL_ESTABLISHED');
    await post('/api/panel/key', { key: 'hold', action: 'press' });
    await waitFor('bob on hold', async () => ((await glass()).includes('On hold') ? true : undefined), { timeoutMs: 10_000 });
    await post('/api/dial', { target: `carol@127.0.0.1:${carol.sipPort}` });
    await carol.waitForEvent('CALL_ESTABLISHED');
    await post('/api/panel/key', { key: 'conference', action: 'press' });
    await waitFor('the conference screen', async () => ((await glass()).includes('Conference') ? true : undefined), { timeoutMs: 10_000 });
    // carol's WAV ends after 6 s and she leaves; bob stays with the phone.
    await carol.waitForEvent('CALL_CLOSED', 20_000);
    await waitFor('bob alone again', async () => ((await glass()).includes('Conference') ? undefined : true), { timeoutMs: 10_000 });
    const [recording] = await carol.recordings();
    expect(recording, 'carol recorded the call').toBeDefined();
    const heard = wavStats(recording!);
    expect(heard.rms).toBeGreaterThan(0.02);
    expect(heard.frequency).toBeGreaterThan(380);
    expect(heard.frequency).toBeLessThan(500);
    expect(bob.events().some((e) => e.type === 'CALL_CLOSED')).toBe(false);
  }, 90_000);
});
