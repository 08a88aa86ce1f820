import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { missingPeers } from './support/peers.js';
import { startBaresip, type Baresip } from './support/baresip.js';
import { phoneApi, startPhoneProcess, type PhoneProcess } from './support/phone.js';
import { tempDir, waitFor } from './support/processes.js';
import { writeToneWav } from './support/audio.js';

// Issue 5 point 5 from the phone's side: a call with bob is blind-transferred to
// carol through the REST API; bob (baresip) follows the REFER and calls carol.

const skip = missingPeers('baresip', 'sox');

describe.skipIf(skip !== undefined)(`blind transfer from the phone (${skip ?? 'peers installed'})`, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let phone: PhoneProcess;
  let bob: Baresip;
  let carol: Baresip;
  let api: ReturnType<typeof phoneApi>;
  const post = (path: string, body: unknown) => api.post(path, body);
  const calls = () => api.calls();

  beforeAll(async () => {
    dir = await tempDir('transfer');
    const wav = join(dir.path, 'tone.wav');
    writeToneWav(wav, 440, 30);
    phone = await startPhoneProcess({ config: 'admin:\n  password: desk-admin\n' });
    api = phoneApi(phone);
    bob = await startBaresip({ user: 'bob', wav });
    carol = await startBaresip({ user: 'carol', wav });
  });
  afterAll(async () => {
    await carol?.stop();
    await bob?.stop();
    await phone?.stop();
    await dir?.remove();
  });

  it('bob ends up talking to carol and the phone’s call ends', async () => {
    await post('/api/dial', { target: `bob@127.0.0.1:${bob.sipPort}` });
    await bob.waitForEvent('CALL_ESTABLISHED');
    const [call] = await waitFor('the connected call', async () => {
      const list = await calls();
      return list.length === 1 && list[0]!.state === 'connected' ? list : undefined;
    });
    await post(`/api/v1/calls/${call!.id}/transfer`, { target: `carol@127.0.0.1:${carol.sipPort}` });
    await carol.waitForEvent('CALL_ESTABLISHED', 15_000);
    await waitFor('the phone’s call to end', async () => ((await calls()).length === 0 ? true : undefined), { timeoutMs: 15_000 });
  }, 60_000);
});
