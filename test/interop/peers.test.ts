import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { missingPeers } from './support/peers.js';
import { startKamailio, type Kamailio } from './support/kamailio.js';
import { startBaresip, type Baresip } from './support/baresip.js';
import { runSipp } from './support/sipp.js';
import { tempDir } from './support/processes.js';
import { wavStats, writeToneWav } from './support/audio.js';

// The harness itself, against the real peers: if these fail, every interop test
// built on them would fail for the wrong reason.

const skip = missingPeers('kamailio', 'kamcmd', 'sipp', 'baresip', 'sox', 'openssl');

describe.skipIf(skip !== undefined)(`real peers (${skip ?? 'installed'})`, () => {
  let kamailio: Kamailio;
  beforeAll(async () => {
    kamailio = await startKamailio({ users: [{ user: 'alice', password: 'alice-pw' }, { user: 'bob', password: 'bob-pw' }] });
  });
  afterAll(async () => {
    await kamailio?.stop();
  });

  it('Kamailio challenges a REGISTER and accepts sipp’s digest answer', async () => {
    // The same REGISTER twice: first bare (401 expected), then with sipp's digest answer.
    const register = (cseq: number, auth: string) => `
REGISTER sip:[field0] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
Max-Forwards: 70
From: <sip:alice@[field0]>;tag=[pid]SIPpTag00[call_number]
To: <sip:alice@[field0]>
Call-ID: [call_id]
CSeq: ${cseq} REGISTER
Contact: <sip:alice@[local_ip]:[local_port]>
${auth}Expires: 60
Content-Length: 0

`;
    const scenario = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="register with digest">
  <send retrans="500"><![CDATA[${register(1, '')}]]></send>
  <recv response="401" auth="true"/>
  <send retrans="500"><![CDATA[${register(2, '[authentication username=alice password=alice-pw]\n')}]]></send>
  <recv response="200"/>
</scenario>`;
    const dir = await tempDir('inject');
    const { writeFile } = await import('node:fs/promises');
    const inject = join(dir.path, 'users.csv');
    await writeFile(inject, `SEQUENTIAL\n${kamailio.domain};\n`);
    const result = await runSipp({ scenario, target: `127.0.0.1:${kamailio.ports.udp}`, calls: 1, args: ['-inf', inject, '-auth_uri', kamailio.domain] });
    await dir.remove();
    expect(result.code, result.output).toBe(0);
    const regs = await kamailio.registrations();
    expect(regs.map((r) => r.aor)).toContain('alice');
  });

  it('baresip registers, calls another baresip through Kamailio, and records what it hears', async () => {
    const dir = await tempDir('audio');
    const toneA = join(dir.path, 'a-1000hz.wav');
    const toneB = join(dir.path, 'b-440hz.wav');
    writeToneWav(toneA, 1000, 2);
    writeToneWav(toneB, 440, 4);
    const registrar = `127.0.0.1:${kamailio.ports.udp}`;
    let alice: Baresip | undefined;
    let bob: Baresip | undefined;
    try {
      bob = await startBaresip({ user: 'bob', password: 'bob-pw', registrar, wav: toneB });
      alice = await startBaresip({ user: 'alice', password: 'alice-pw', registrar, wav: toneA });
      await alice.dial(`sip:bob@${kamailio.domain}`);
      await bob.waitForEvent('CALL_ESTABLISHED');
      // alice's WAV lasts 2 s; then she hangs up (LAB.md: aufile's end ends the call).
      await bob.waitForEvent('CALL_CLOSED', 20_000);
      const [recording] = await bob.recordings();
      expect(recording, 'bob recorded the call').toBeDefined();
      const heard = wavStats(recording!);
      expect(heard.rms).toBeGreaterThan(0.05);
      expect(heard.frequency).toBeGreaterThan(900);
      expect(heard.frequency).toBeLessThan(1100);
    } finally {
      await alice?.stop();
      await bob?.stop();
      await dir.remove();
    }
  });
});
