import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { missingPeers } from './support/peers.js';
import { startKamailio, type Kamailio } from './support/kamailio.js';
import { phoneApi, startPhoneProcess, type PhoneProcess } from './support/phone.js';
import { tempDir, waitFor } from './support/processes.js';
import { wavStats, writeToneWav } from './support/audio.js';

// Issue 7 "End-to-end": two phones on the simulated board, registered to
// Kamailio, call each other through keys pressed over the REST API; the audio
// from a WAV on one arrives in the other's recording.

const skip = missingPeers('kamailio', 'kamcmd', 'sox');

describe.skipIf(skip !== undefined)(`two phones through Kamailio (${skip ?? 'peers installed'})`, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let kamailio: Kamailio;
  let alice: PhoneProcess;
  let bob: PhoneProcess;
  let bobHeard: string;
  const api = (phone: PhoneProcess) => {
    const rest = phoneApi(phone);
    return {
      keys: (keys: string[]) => rest.post('/api/v1/keys', { keys }),
      hook: (state: 'off-hook' | 'on-hook') => rest.post('/api/panel/hook', { state }),
      glass: rest.glass,
    };
  };

  const config = (user: string) => `admin:
  password: desk-admin
accounts:
  - displayName: Phone ${user}
    user: "${user}"
    password: pw-${user}
    domain: ${kamailio.domain}
    outboundProxy: 127.0.0.1:${kamailio.ports.udp}
dialPlan:
  digitMap: "[2-9]xx"
`;

  beforeAll(async () => {
    dir = await tempDir('two-phones');
    kamailio = await startKamailio({ users: [{ user: '201', password: 'pw-201' }, { user: '202', password: 'pw-202' }] });
    const aliceMic = join(dir.path, 'alice-1000hz.wav');
    writeToneWav(aliceMic, 1000, 30);
    bobHeard = join(dir.path, 'bob-speaker.wav');
    alice = await startPhoneProcess({ config: config('201'), args: ['--audio-in', aliceMic] });
    bob = await startPhoneProcess({ config: config('202'), args: ['--audio-out', bobHeard] });
    await waitFor('both phones registered', async () => {
      const aors = (await kamailio.registrations()).map((r) => r.aor);
      return aors.includes('201') && aors.includes('202') ? true : undefined;
    }, { timeoutMs: 15_000 });
  });
  afterAll(async () => {
    await alice?.stop();
    await bob?.stop();
    await kamailio?.stop();
    await dir?.remove();
  });

  it('201 lifts the handset and keys 202; 202 rings and answers; 202 hears 201’s microphone', async () => {
    const a = api(alice);
    const b = api(bob);
    await a.hook('off-hook');
    await a.keys(['2', '0', '2']);
    await waitFor('202 to ring', async () => ((await b.glass()).includes('Incoming call') ? true : undefined), { timeoutMs: 15_000 });
    expect(await b.glass()).toContain('Phone 201');
    await b.hook('off-hook');
    await waitFor('201 connected', async () => (/\d\d:\d\d/.test((await a.glass()).split('\n')[1] ?? '') ? true : undefined), { timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 3000)); // three seconds of conversation
    await a.hook('on-hook');
    // 202's handset is still up: the screen says the call ended until it goes down.
    await waitFor('202 to see the call end', async () => ((await b.glass()).includes('Call ended') ? true : undefined), { timeoutMs: 10_000 });
    await b.hook('on-hook');
    await waitFor('202 back to idle', async () => ((await b.glass()).includes('Phone 202') ? true : undefined), { timeoutMs: 10_000 });
    await bob.stop(); // finalises bob's speaker recording
    const heard = wavStats(bobHeard);
    expect(heard.rms).toBeGreaterThan(0.02);
    expect(heard.frequency).toBeGreaterThan(900);
    expect(heard.frequency).toBeLessThan(1100);
  }, 90_000);
});
