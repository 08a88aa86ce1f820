import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingPeers } from './support/peers.js';
import { startPhoneProcess, type PhoneProcess } from './support/phone.js';
import { runSipp } from './support/sipp.js';

// Call forwarding (issue 7 settings): with phone.callForward set, a caller is sent there with 302.

const skip = missingPeers('sipp');

describe.skipIf(skip !== undefined)(`call forward (${skip ?? 'sipp installed'})`, () => {
  let phone: PhoneProcess;
  beforeAll(async () => {
    phone = await startPhoneProcess({ config: 'phone:\n  callForward: "sip:reception@192.0.2.20"\n' });
  });
  afterAll(async () => {
    await phone?.stop();
  });

  it('answers the INVITE 302 with the forwarding target in Contact', async () => {
    const port = phone.sipPorts.udp!;
    const r = await runSipp({
      target: `127.0.0.1:${port}`,
      calls: 1,
      scenario: `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="forwarded">
  <send retrans="500"><![CDATA[
INVITE sip:phone@127.0.0.1:${port} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
Max-Forwards: 70
From: <sip:caller@[local_ip]:[local_port]>;tag=[pid]
To: <sip:phone@127.0.0.1:${port}>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:caller@[local_ip]:[local_port]>
Content-Length: 0

]]></send>
  <recv response="100" optional="true"/>
  <recv response="302">
    <action>
      <ereg regexp="Contact: *.sip:reception@192\\.0\\.2\\.20" search_in="msg" check_it="true" assign_to="contact"/>
    </action>
  </recv>
  <send><![CDATA[
ACK sip:phone@127.0.0.1:${port} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
Max-Forwards: 70
From: <sip:caller@[local_ip]:[local_port]>;tag=[pid]
To: <sip:phone@127.0.0.1:${port}>[peer_tag_param]
Call-ID: [call_id]
CSeq: 1 ACK
Content-Length: 0

]]></send>
  <Reference variables="contact"/>
</scenario>`,
    });
    expect(r.code, r.output).toBe(0);
  });
});
