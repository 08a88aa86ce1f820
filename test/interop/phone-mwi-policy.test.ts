import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingPeers } from './support/peers.js';
import { startKamailio, type Kamailio } from './support/kamailio.js';
import { phoneApi, startRegisteredPhone, type PhoneProcess } from './support/phone.js';
import { runSipp } from './support/sipp.js';
import { waitFor } from './support/processes.js';

// Issue 5 §9 with §12 on the registered phone: an unsolicited message-summary NOTIFY lights the message lamp
// only when it comes from the account's proxy. A stranger (sipp on 127.0.0.2, as a SIP scanner would)
// gets 403, is logged once however often it tries, and the idle screen shows no voicemail.

const skip = missingPeers('kamailio', 'kamcmd', 'sipp');

/** One unsolicited NOTIFY from sipp at `localIp` saying `count` new messages; the scenario expects `status`. */
const unsolicited = (port: number, domain: string, count: number, status: number) => `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="unsolicited mwi">
  <send retrans="500"><![CDATA[
NOTIFY sip:201@127.0.0.1:${port} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
Max-Forwards: 70
From: <sip:asterisk@[local_ip]:[local_port]>;tag=[pid]
To: <sip:201@${domain}>
Call-ID: [call_id]
CSeq: 1 NOTIFY
Event: message-summary
Subscription-State: active
Content-Type: application/simple-message-summary
Content-Length: [len]

Messages-Waiting: yes\r
Message-Account: sip:201@${domain}\r
Voice-Message: ${count}/0\r
]]></send>
  <recv response="${status}"/>
</scenario>`;

describe.skipIf(skip !== undefined)(`unsolicited MWI from strangers (${skip ?? 'peers installed'})`, () => {
  let kamailio: Kamailio;
  let phone: PhoneProcess;
  const glass = () => phoneApi(phone).glass();

  beforeAll(async () => {
    kamailio = await startKamailio({ users: [{ user: '201', password: 'pw-201' }] });
    phone = await startRegisteredPhone(kamailio);
  }, 60_000);
  afterAll(async () => {
    await phone?.stop();
    await kamailio?.stop();
  });

  it('answers a stranger 403 every time, logs it once, and shows no voicemail; the proxy’s NOTIFY still counts', async () => {
    const port = phone.sipPorts.udp!;
    for (let i = 0; i < 2; i++) {
      const r = await runSipp({ target: `127.0.0.1:${port}`, localIp: '127.0.0.2', calls: 1, scenario: unsolicited(port, kamailio.domain, 9, 403) });
      expect(r.code, r.output).toBe(0);
    }
    const refusals = phone.logLines().filter((l) => typeof l.msg === 'string' && l.msg.includes('unsolicited message-summary NOTIFY') && l.source === '127.0.0.2');
    expect(refusals).toHaveLength(1);
    expect(await glass()).not.toContain('voicemail');

    const ok = await runSipp({ target: `127.0.0.1:${port}`, calls: 1, scenario: unsolicited(port, kamailio.domain, 2, 200) });
    expect(ok.code, ok.output).toBe(0);
    await waitFor('the voicemail count on the idle screen', async () => ((await glass()).includes('2 voicemail') ? true : undefined), { timeoutMs: 10_000 });
  });
});
