import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingPeers } from './support/peers.js';
import { startKamailio, type Kamailio } from './support/kamailio.js';
import { phoneApi, startRegisteredPhone, type PhoneProcess } from './support/phone.js';
import { sippSdp } from './support/scenarios.js';
import { startSipp } from './support/sipp.js';
import { waitFor } from './support/processes.js';

// Issue 7 §3 / RFC 3325 on the real phone: the ringing screen names the caller from P-Asserted-Identity when
// the INVITE came through the account's proxy (Kamailio), and from From when the same header comes straight
// from another address (direct calls allowed, so it rings at all) — a caller cannot assert a name by itself.

const skip = missingPeers('kamailio', 'kamcmd', 'sipp');

/** Calls `ruri` through `target` with From "Spoofed Boss" and an asserted "Alice Smith", rings 3 s, then cancels. */
const ringThenCancel = (ruri: string) => `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="asserted caller">
  <send retrans="500"><![CDATA[
INVITE ${ruri} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=z9hG4bK[pid]inv[call_number]
Max-Forwards: 70
From: "Spoofed Boss" <sip:1000@carrier.example>;tag=[pid]
To: <${ruri}>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:1000@[local_ip]:[local_port]>
P-Asserted-Identity: "Alice Smith" <sip:2001@carrier.example>
Content-Type: application/sdp
Content-Length: [len]

${sippSdp()}]]></send>
  <recv response="100" optional="true"/>
  <recv response="180"/>
  <pause milliseconds="3000"/>
  <send><![CDATA[
CANCEL ${ruri} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=z9hG4bK[pid]inv[call_number]
Max-Forwards: 70
From: "Spoofed Boss" <sip:1000@carrier.example>;tag=[pid]
To: <${ruri}>
Call-ID: [call_id]
CSeq: 1 CANCEL
Content-Length: 0

]]></send>
  <recv response="200"/>
  <recv response="487"/>
  <send><![CDATA[
ACK ${ruri} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=z9hG4bK[pid]inv[call_number]
Max-Forwards: 70
From: "Spoofed Boss" <sip:1000@carrier.example>;tag=[pid]
To: <${ruri}>[peer_tag_param]
Call-ID: [call_id]
CSeq: 1 ACK
Content-Length: 0

]]></send>
</scenario>`;

describe.skipIf(skip !== undefined)(`who is calling, on the registered phone (${skip ?? 'peers installed'})`, () => {
  let kamailio: Kamailio;
  let phone: PhoneProcess;
  const glass = () => phoneApi(phone).glass();

  beforeAll(async () => {
    kamailio = await startKamailio({ users: [{ user: '201', password: 'pw-201' }] });
    phone = await startRegisteredPhone(kamailio, 'phone:\n  acceptDirectCalls: true\n');
  }, 60_000);
  afterAll(async () => {
    await phone?.stop();
    await kamailio?.stop();
  });

  async function ringing(run: Awaited<ReturnType<typeof startSipp>>): Promise<string> {
    const shown = await waitFor('the ringing screen', async () => {
      const text = await glass();
      return text.includes('Incoming call') ? text : undefined;
    }, { peer: run.peer, timeoutMs: 10_000 });
    expect(await run.done(), run.peer.output()).toBe(0);
    return shown;
  }

  it('names the caller from P-Asserted-Identity when the INVITE came through the proxy', async () => {
    const run = await startSipp({ scenario: ringThenCancel(`sip:201@${kamailio.domain}`), target: `127.0.0.1:${kamailio.ports.udp}`, calls: 1 });
    const shown = await ringing(run);
    expect(shown).toContain('Alice Smith');
    expect(shown).not.toContain('Spoofed');
  });

  it('names it from From when the same INVITE comes straight from another address', async () => {
    const port = phone.sipPorts.udp!;
    const run = await startSipp({ scenario: ringThenCancel(`sip:201@127.0.0.1:${port}`), target: `127.0.0.1:${port}`, localIp: '127.0.0.2', calls: 1 });
    const shown = await ringing(run);
    expect(shown).toContain('Spoofed Boss');
    expect(shown).not.toContain('Alice');
  });
});
