import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingPeers } from './support/peers.js';
import { startKamailio, type Kamailio } from './support/kamailio.js';
import { phoneApi, startRegisteredPhone, type PhoneProcess } from './support/phone.js';
import { runSipp } from './support/sipp.js';
import { waitFor } from './support/processes.js';

// The registered phone: ghost calls from strangers are refused (issue 5 §12), and
// an unsolicited message-summary NOTIFY lights the voicemail count (issue 5 §9).

const skip = missingPeers('kamailio', 'kamcmd', 'sipp');

describe.skipIf(skip !== undefined)(`a registered phone and strangers (${skip ?? 'peers installed'})`, () => {
  let kamailio: Kamailio;
  let phone: PhoneProcess;
  const glass = () => phoneApi(phone).glass();

  beforeAll(async () => {
    kamailio = await startKamailio({ users: [{ user: '201', password: 'pw-201' }] });
    phone = await startRegisteredPhone(kamailio);
  });
  afterAll(async () => {
    await phone?.stop();
    await kamailio?.stop();
  });

  it('answers 403 to an INVITE from an address that is not its proxy', async () => {
    const port = phone.sipPorts.udp!;
    const result = await runSipp({
      localIp: '127.0.0.2',
      target: `127.0.0.1:${port}`,
      calls: 1,
      scenario: `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="ghost call">
  <send retrans="500"><![CDATA[
INVITE sip:201@127.0.0.1:${port} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
Max-Forwards: 70
From: "scanner" <sip:100@[local_ip]:[local_port]>;tag=[pid]
To: <sip:201@127.0.0.1:${port}>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:100@[local_ip]:[local_port]>
Content-Length: 0

]]></send>
  <recv response="100" optional="true"/>
  <recv response="403"/>
  <send><![CDATA[
ACK sip:201@127.0.0.1:${port} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
Max-Forwards: 70
From: "scanner" <sip:100@[local_ip]:[local_port]>;tag=[pid]
To: <sip:201@127.0.0.1:${port}>[peer_tag_param]
Call-ID: [call_id]
CSeq: 1 ACK
Content-Length: 0

]]></send>
</scenario>`,
    });
    expect(result.code, result.output).toBe(0);
    expect(await glass()).not.toContain('Incoming call');
  });

  it('shows the voicemail count from an unsolicited message-summary NOTIFY', async () => {
    const port = phone.sipPorts.udp!;
    const body = `Messages-Waiting: yes\r\nMessage-Account: sip:201@${kamailio.domain}\r\nVoice-Message: 3/7 (1/0)\r\n`;
    const result = await runSipp({
      target: `127.0.0.1:${port}`,
      calls: 1,
      scenario: `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="unsolicited mwi">
  <send retrans="500"><![CDATA[
NOTIFY sip:201@127.0.0.1:${port} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
Max-Forwards: 70
From: <sip:asterisk@[local_ip]:[local_port]>;tag=[pid]
To: <sip:201@${kamailio.domain}>
Call-ID: [call_id]
CSeq: 1 NOTIFY
Event: message-summary
Subscription-State: active
Content-Type: application/simple-message-summary
Content-Length: [len]

${body}]]></send>
  <recv response="200"/>
</scenario>`,
    });
    expect(result.code, result.output).toBe(0);
    await waitFor('the voicemail count on the idle screen', async () => ((await glass()).includes('3 voicemail') ? true : undefined), { timeoutMs: 10_000 });
  });
});
