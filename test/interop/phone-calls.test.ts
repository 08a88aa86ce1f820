import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { missingPeers } from './support/peers.js';
import { startBaresip, type Baresip } from './support/baresip.js';
import { phoneApi, startPhoneProcess, type PhoneProcess } from './support/phone.js';
import { tempDir, waitFor } from './support/processes.js';
import { wavStats, writeToneWav } from './support/audio.js';

// The whole phone as `deskphone start` runs it on the simulated board, driven
// through its web front panel like a person would, talking to baresip.

const skip = missingPeers('baresip', 'sox');

describe.skipIf(skip !== undefined)(`calls made and taken from the front panel (${skip ?? 'peers installed'})`, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let phone: PhoneProcess;
  let baresip: Baresip;
  let heard: string;
  let api: ReturnType<typeof phoneApi>;
  const post = (path: string, body: unknown) => api.post(path, body);
  const glass = () => api.glass();

  beforeAll(async () => {
    dir = await tempDir('phone-calls');
    const mic = join(dir.path, 'phone-mic-1000hz.wav');
    const far = join(dir.path, 'baresip-440hz.wav');
    heard = join(dir.path, 'phone-speaker.wav');
    writeToneWav(mic, 1000, 30);
    writeToneWav(far, 440, 3);
    phone = await startPhoneProcess({ config: 'admin:\n  password: desk-admin\n', args: ['--audio-in', mic, '--audio-out', heard] });
    api = phoneApi(phone);
    baresip = await startBaresip({ user: 'bob', wav: far });
  });
  afterAll(async () => {
    await baresip?.stop();
    await phone?.stop();
    await dir?.remove();
  });

  it('dials baresip by address from the web page; baresip hears the phone’s microphone', async () => {
    await post('/api/dial', { target: `bob@127.0.0.1:${baresip.sipPort}` });
    await baresip.waitForEvent('CALL_ESTABLISHED');
    await waitFor('the connected screen', async () => ((await glass()).includes('00:0') ? true : undefined), { timeoutMs: 10_000 });
    // baresip's WAV is 3 s long: it hangs up when it ends (LAB.md).
    await baresip.waitForEvent('CALL_CLOSED', 20_000);
    const [recording] = await baresip.recordings();
    expect(recording, 'baresip recorded the call').toBeDefined();
    const stats = wavStats(recording!);
    expect(stats.rms).toBeGreaterThan(0.05);
    expect(stats.frequency).toBeGreaterThan(900);
    expect(stats.frequency).toBeLessThan(1100);
    await waitFor('the phone back to idle', async () => ((await glass()).includes('Direct IP') ? true : undefined), { timeoutMs: 10_000 });
  }, 60_000);

  it('rings for baresip’s call; lifting the handset answers; the speaker plays what baresip sends', async () => {
    await baresip.dial(`sip:phone@127.0.0.1:${phone.sipPorts.udp}`);
    await waitFor('the phone to ring', async () => ((await glass()).includes('Incoming call') ? true : undefined), { timeoutMs: 10_000 });
    // The remote-control API lists the ringing call.
    expect(await api.calls()).toEqual([expect.objectContaining({ state: 'incoming', direction: 'incoming' })]);
    await post('/api/panel/hook', { state: 'off-hook' });
    await waitFor('baresip to see the answer', () => baresip.events().filter((e) => e.type === 'CALL_ESTABLISHED').length >= 2 || undefined, { timeoutMs: 10_000 });
    await waitFor('baresip to hang up', () => baresip.events().filter((e) => e.type === 'CALL_CLOSED').length >= 2 || undefined, { timeoutMs: 20_000 });
    await post('/api/panel/hook', { state: 'on-hook' });
    await phone.stop(); // finalises the speaker recording
    const stats = wavStats(heard);
    expect(stats.rms).toBeGreaterThan(0.02);
    expect(stats.frequency).toBeGreaterThan(380);
    expect(stats.frequency).toBeLessThan(500);
  }, 60_000);
});
