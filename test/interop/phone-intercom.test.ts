import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingPeers } from './support/peers.js';
import { startPhoneProcess, type PhoneProcess } from './support/phone.js';
import { runSipp } from './support/sipp.js';

// Issue 5 §10: a paging/intercom INVITE (Call-Info answer-after=0) is answered hands-free without ringing.

const skip = missingPeers('sipp');

const invite = (port: number, callInfo: string) => `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="intercom">
  <send retrans="500"><![CDATA[
INVITE sip:phone@127.0.0.1:${port} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
Max-Forwards: 70
From: "Paging" <sip:page@[local_ip]:[local_port]>;tag=[pid]
To: <sip:phone@127.0.0.1:${port}>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:page@[local_ip]:[local_port]>
${callInfo}Content-Type: application/sdp
Content-Length: [len]

v=0
o=- 1 1 IN IP4 [local_ip]
s=-
c=IN IP4 [local_ip]
t=0 0
m=audio [media_port] RTP/AVP 0
a=rtpmap:0 PCMU/8000
]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" timeout="2000"/>
  <send><![CDATA[
ACK sip:phone@127.0.0.1:${port} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
Max-Forwards: 70
From: "Paging" <sip:page@[local_ip]:[local_port]>;tag=[pid]
To: <sip:phone@127.0.0.1:${port}>[peer_tag_param]
Call-ID: [call_id]
CSeq: 1 ACK
Content-Length: 0

]]></send>
  <pause milliseconds="300"/>
  <send retrans="500"><![CDATA[
BYE sip:phone@127.0.0.1:${port} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
Max-Forwards: 70
From: "Paging" <sip:page@[local_ip]:[local_port]>;tag=[pid]
To: <sip:phone@127.0.0.1:${port}>[peer_tag_param]
Call-ID: [call_id]
CSeq: 2 BYE
Content-Length: 0

]]></send>
  <recv response="200"/>
</scenario>`;

describe.skipIf(skip !== undefined)(`intercom calls (${skip ?? 'sipp installed'})`, () => {
  let phone: PhoneProcess;
  beforeAll(async () => {
    phone = await startPhoneProcess({ config: 'phone:\n  autoAnswer: true\n' });
  });
  afterAll(async () => {
    await phone?.stop();
  });

  it('answers an INVITE with Call-Info answer-after=0 at once, hands-free', async () => {
    const r = await runSipp({ scenario: invite(phone.sipPorts.udp!, 'Call-Info: <sip:127.0.0.1>;answer-after=0\n'), target: `127.0.0.1:${phone.sipPorts.udp}`, calls: 1, args: ['-mp', '0'] });
    expect(r.code, r.output).toBe(0);
  });

  it('rings an ordinary INVITE (no 200 within 2 s)', async () => {
    const r = await runSipp({ scenario: invite(phone.sipPorts.udp!, ''), target: `127.0.0.1:${phone.sipPorts.udp}`, calls: 1, timeoutMs: 20_000 });
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/timeout|Timeout/);
  });
});
