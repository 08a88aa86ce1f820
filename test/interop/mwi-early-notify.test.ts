import { afterEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../../firmware/clock/index.js';
import { startMwi, type MwiStatus } from '../../firmware/sip/mwi/index.js';
import { SipStack, type SipAccountConfig } from '../../firmware/sip/ua/index.js';
import { missingPeers } from './support/peers.js';
import { waitFor } from './support/processes.js';
import { sippListening, startSipp, type SippRun } from './support/sipp.js';

// RFC 6665 §4.1.2.4 against sipp playing a voice-mail server that sends its first NOTIFY before the 200 to
// the SUBSCRIBE (as a notifier behind a slow proxy path does). The phone must answer that NOTIFY 200 (sipp
// fails the run on a 481), let it create the dialog, take the 200 after it, and unsubscribe inside that
// dialog on stop.

const skip = missingPeers('sipp');
const clock = new SystemClock();

const BODY = 'Messages-Waiting: yes\r\nMessage-Account: sip:alice@lab.test\r\nVoice-Message: 5/1\r\n';

/** Keeps what the 200 must echo (§8.2.6.2), since sipp's [last_*] will by then name the 200 to our NOTIFY. */
const subscribeKept = `<recv request="SUBSCRIBE">
  <action>
    <ereg regexp=";tag=([^;[:space:]]+)" search_in="hdr" header="From:" check_it="true" assign_to="junk,ftag"/>
    <ereg regexp="sip:[^>;[:space:]]+" search_in="hdr" header="Contact:" check_it="true" assign_to="contact"/>
    <ereg regexp=".+" search_in="hdr" header="Via:" check_it="true" assign_to="via"/>
    <ereg regexp=".+" search_in="hdr" header="From:" check_it="true" assign_to="from"/>
    <ereg regexp=".+" search_in="hdr" header="CSeq:" check_it="true" assign_to="cseq"/>
  </action>
</recv>`;

const earlyNotify = `<send><![CDATA[
NOTIFY [$contact] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:alice@lab.test>;tag=[pid]SIPpTag01[call_number]
To: <sip:alice@lab.test>;tag=[$ftag]
Call-ID: [call_id]
CSeq: 1 NOTIFY
Max-Forwards: 70
Contact: <sip:vm@[local_ip]:[local_port];transport=[transport]>
Event: message-summary
Subscription-State: active;expires=600
Content-Type: application/simple-message-summary
Content-Length: [len]

${BODY}]]></send>
<recv response="200"/>`;

const lateAccept = `<pause milliseconds="200"/>
<send><![CDATA[
SIP/2.0 200 OK
Via: [$via]
From: [$from]
To: <sip:alice@lab.test>;tag=[pid]SIPpTag01[call_number]
Call-ID: [call_id]
CSeq: [$cseq]
Contact: <sip:vm@[local_ip]:[local_port];transport=[transport]>
Expires: 600
Content-Length: 0

]]></send>`;

/** The unsubscribe (Expires: 0) must come inside the dialog the NOTIFY made: To carries the server's tag. */
const unsubscribe = `<recv request="SUBSCRIBE">
  <action>
    <ereg regexp="^ *0 *$" search_in="hdr" header="Expires:" check_it="true" assign_to="junk"/>
    <ereg regexp=";tag=[0-9]+SIPpTag01" search_in="hdr" header="To:" check_it="true" assign_to="junk2"/>
  </action>
</recv>
<send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:vm@[local_ip]:[local_port];transport=[transport]>
Expires: 0
Content-Length: 0

]]></send>
<send><![CDATA[
NOTIFY [$contact] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:alice@lab.test>;tag=[pid]SIPpTag01[call_number]
To: <sip:alice@lab.test>;tag=[$ftag]
Call-ID: [call_id]
CSeq: 2 NOTIFY
Max-Forwards: 70
Event: message-summary
Subscription-State: terminated;reason=timeout
Content-Length: 0

]]></send>
<recv response="200"/>`;

const scenario = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="NOTIFY before 200">
${subscribeKept}
${earlyNotify}
${lateAccept}
${unsubscribe}
<Reference variables="junk,junk2"/>
</scenario>
`;

describe.skipIf(skip !== undefined)(`a NOTIFY before the 200 to SUBSCRIBE, from sipp (${skip ?? 'installed'})`, () => {
  const cleanup: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it('answers it 200, reports the counts, keeps the dialog through the late 200 and unsubscribes inside it', async () => {
    const sipp: SippRun = await startSipp({ scenario, calls: 1 });
    cleanup.push(() => sipp.stop());
    await sippListening(sipp);
    const account: SipAccountConfig = { id: 'line1', user: 'alice', domain: 'lab.test', outboundProxy: `127.0.0.1:${sipp.port}`, register: false };
    const stack = await SipStack.create({ bindAddress: '127.0.0.1', ports: { udp: 0 }, transports: ['udp'], accounts: [account] }, { clock });
    cleanup.push(() => stack.stop(0));
    const mwi = startMwi(stack, [account], { clock, backoff: { baseMs: 200, maxMs: 2000 }, expires: 600 });
    const events: MwiStatus[] = [];
    mwi.onChange((e) => events.push(e));

    const event = await waitFor('MWI event', () => events[0], { peer: sipp.peer });
    expect(event).toMatchObject({ waiting: true, newVoice: 5, oldVoice: 1, source: 'subscription' });
    // The NOTIFY alone made the subscription active; the late 200 (status 200) keeps it, in the same dialog.
    expect(mwi.client.subscription('line1')?.state).toBe('active');
    await waitFor('the 200 after the NOTIFY', () => (mwi.client.subscription('line1')?.status === 200 ? true : undefined), { peer: sipp.peer });
    expect(mwi.client.subscription('line1')).toMatchObject({ state: 'active', expires: 600, status: 200 });
    await mwi.stop();
    // sipp exits 0 only if our answer to its early NOTIFY was 200 and the unsubscribe came in that dialog.
    expect(await sipp.done(), sipp.peer.output()).toBe(0);
  });
});
