import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingPeers } from './support/peers.js';
import { startKamailio, type Kamailio } from './support/kamailio.js';
import { runSipp } from './support/sipp.js';
import { startPhoneProcess, type PhoneProcess } from './support/phone.js';
import { waitFor } from './support/processes.js';

// The whole phone, started from the command line with a config file, against real peers.

const skip = missingPeers('kamailio', 'kamcmd', 'sipp');

describe.skipIf(skip !== undefined)(`the phone on the network (${skip ?? 'peers installed'})`, () => {
  it('answers sipp’s OPTIONS ping with 200 (direct-IP mode, no account)', async () => {
    const phone = await startPhoneProcess({ config: '' });
    try {
      const result = await runSipp({
        scenario: `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="options ping">
  <send retrans="500"><![CDATA[
OPTIONS sip:phone@127.0.0.1:${phone.sipPorts.udp} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
Max-Forwards: 0
From: <sip:sipp@[local_ip]:[local_port]>;tag=[pid]
To: <sip:phone@127.0.0.1:${phone.sipPorts.udp}>
Call-ID: [call_id]
CSeq: 1 OPTIONS
Accept: application/sdp
Content-Length: 0

]]></send>
  <recv response="200"/>
</scenario>`,
        target: `127.0.0.1:${phone.sipPorts.udp}`,
        calls: 1,
      });
      expect(result.code, result.output).toBe(0);
      // The same phone serves its front panel: the glass says how to call it.
      const panel = (await (await fetch(`http://127.0.0.1:${phone.httpPort}/api/panel`)).json()) as { lines: string[] };
      expect(panel.lines.join('\n')).toContain(`:${phone.sipPorts.udp}`);
    } finally {
      await phone.stop();
    }
  });

  describe('with an account on Kamailio', () => {
    let kamailio: Kamailio;
    let phone: PhoneProcess;
    beforeAll(async () => {
      kamailio = await startKamailio({ users: [{ user: '201', password: 'desk-pw' }] });
      phone = await startPhoneProcess({
        config: `accounts:
  - displayName: Front desk
    user: "201"
    password: desk-pw
    domain: ${kamailio.domain}
    outboundProxy: 127.0.0.1:${kamailio.ports.udp}
    registerExpires: 30
`,
      });
    });
    afterAll(async () => {
      await phone?.stop();
      await kamailio?.stop();
    });

    it('registers, and registers again after the PBX restarts', async () => {
      await waitFor('the phone to register', async () => ((await kamailio.registrations()).some((r) => r.aor === '201') ? true : undefined), { timeoutMs: 15_000 });
      await kamailio.restart(); // usrloc is in memory: the binding is gone
      expect(await kamailio.registrations()).toEqual([]);
      // The refresh is due long after this; the phone notices the lost binding only
      // when it next talks to the registrar. Within the registration's lifetime
      // (30 s, refreshed at about half) plus back-off it must be back.
      await waitFor('the phone to register again', async () => ((await kamailio.registrations()).some((r) => r.aor === '201') ? true : undefined), {
        timeoutMs: 50_000,
        intervalMs: 500,
      });
    }, 70_000);
  });
});
