import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../../firmware/clock/index.js';
import { startMwi, type MwiHandle, type MwiStatus } from '../../firmware/sip/mwi/index.js';
import { SipStack, type SipAccountConfig } from '../../firmware/sip/ua/index.js';
import { missingPeers } from './support/peers.js';
import { freePort, waitFor } from './support/processes.js';
import { runSipp, sippListening, startSipp, type SippRun } from './support/sipp.js';

// Issue 5 point 9: message waiting (RFC 3842 over RFC 6665) on the real SipStack against sipp playing the
// voice-mail server: a subscription with NOTIFY bodies, 489 Bad Event, a subscription the server ends with
// reason=timeout, the unsubscribe on stop, and Asterisk's unsolicited NOTIFY.

const skip = missingPeers('sipp');
const clock = new SystemClock();

const scenario = (name: string, body: string) =>
  `<?xml version="1.0" encoding="ISO-8859-1" ?>\n<scenario name="${name}">\n${body}\n${body.includes('assign_to="junk') ? '<Reference variables="junk,junk2"/>\n' : ''}</scenario>\n`;

/** 200 to the SUBSCRIBE that creates the dialog (adds the notifier's To tag). */
const accept = (expires: number) => `<send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:vm@[local_ip]:[local_port];transport=[transport]>
Expires: ${expires}
Content-Length: 0

]]></send>`;

/** 200 to a SUBSCRIBE inside the dialog (its To already carries the tag). */
const acceptInDialog = (expires: number) => `<send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:vm@[local_ip]:[local_port];transport=[transport]>
Expires: ${expires}
Content-Length: 0

]]></send>`;

/**
 * A NOTIFY inside the dialog, to the phone's address; the phone's From tag was captured from the SUBSCRIBE
 * (`subscribeRecv`) because sipp's [last_From:] carries the header name.
 */
const notify = (cseq: number, state: string, body: string) => `<send><![CDATA[
NOTIFY [$contact] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:alice@lab.test>;tag=[pid]SIPpTag01[call_number]
To: <sip:alice@lab.test>;tag=[$ftag]
Call-ID: [call_id]
CSeq: ${cseq} NOTIFY
Max-Forwards: 70
Contact: <sip:vm@[local_ip]:[local_port];transport=[transport]>
Event: message-summary
Subscription-State: ${state}
${body === '' ? '' : 'Content-Type: application/simple-message-summary\n'}Content-Length: [len]

${body}]]></send>
<recv response="200"/>`;

/** Receives a SUBSCRIBE and keeps the phone's From tag in $ftag (and its Expires in $expires, checked by the test). */
const subscribeRecv = (expires?: number) => `<recv request="SUBSCRIBE">
  <action>
    <ereg regexp=";tag=([^;[:space:]]+)" search_in="hdr" header="From:" check_it="true" assign_to="junk,ftag"/>
    <ereg regexp="sip:[^>;[:space:]]+" search_in="hdr" header="Contact:" check_it="true" assign_to="contact"/>
    <ereg regexp="^ *${expires ?? '[0-9]+'} *$" search_in="hdr" header="Expires:" check_it="true" assign_to="junk2"/>
  </action>
</recv>`;

/** True once something accepts TCP connections on the port. */
function tcpOpen(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(undefined));
  });
}

const BODY = 'Messages-Waiting: yes\r\nMessage-Account: sip:alice@lab.test\r\nVoice-Message: 2/7 (1/0)\r\n';

async function phone(
  proxyPort: number,
  transport: 'udp' | 'tcp' = 'udp',
  subscribe = true,
): Promise<{ stack: SipStack; mwi: MwiHandle; events: MwiStatus[]; account: SipAccountConfig }> {
  const account: SipAccountConfig = { id: 'line1', user: 'alice', domain: 'lab.test', password: 'secret', outboundProxy: `127.0.0.1:${proxyPort}`, register: false, transport };
  const stack = await SipStack.create({ bindAddress: '127.0.0.1', ports: { udp: 0, tcp: 0 }, transports: ['udp', 'tcp'], accounts: [account] }, { clock });
  const mwi = startMwi(stack, [account], { clock, backoff: { baseMs: 200, maxMs: 2000 }, expires: 600, subscribe: () => subscribe });
  const events: MwiStatus[] = [];
  mwi.onChange((e) => events.push(e));
  return { stack, mwi, events, account };
}

describe.skipIf(skip !== undefined)(`message waiting against sipp (${skip ?? 'installed'})`, () => {
  const cleanup: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function server(xml: string, calls = 1, transport: 'udp' | 'tcp' = 'udp'): Promise<SippRun> {
    const run = await startSipp({ scenario: xml, calls, transport });
    cleanup.push(() => run.stop());
    if (transport === 'udp') await sippListening(run);
    else await waitFor('sipp to listen on TCP', () => tcpOpen(run.port), { peer: run.peer });
    return run;
  }

  it.each(['udp', 'tcp'] as const)('subscribes, shows the counts of the NOTIFY, and unsubscribes with Expires: 0 on stop (%s)', async (transport) => {
    const sipp = await server(
      scenario(
        'mwi server',
        [
          subscribeRecv(600),
          accept(600),
          notify(1, 'active;expires=600', BODY),
          subscribeRecv(0),
          acceptInDialog(0),
          notify(2, 'terminated;reason=timeout', ''),
        ].join('\n'),
      ),
      1,
      transport,
    );
    const p = await phone(sipp.port, transport);
    cleanup.push(() => p.stack.stop(0));
    const event = await waitFor('MWI event', () => p.events[0], { peer: sipp.peer });
    expect(event).toEqual({ accountId: 'line1', waiting: true, newVoice: 2, oldVoice: 7, urgentNew: 1, urgentOld: 0, messageAccount: 'sip:alice@lab.test', source: 'subscription' });
    expect(p.mwi.client.subscription('line1')).toMatchObject({ state: 'active', expires: 600 });
    expect(p.mwi.status()).toEqual({ line1: event });
    const started = clock.now();
    await p.mwi.stop();
    expect(clock.now() - started).toBeLessThan(1000);
    // sipp exits 0 only when it saw the Expires: 0 SUBSCRIBE and our 200 to its terminated NOTIFY.
    expect(await sipp.done(), sipp.peer.output()).toBe(0);
  });

  it('answers the digest challenge of the voice-mail server, and keeps sending credentials on the unsubscribe', async () => {
    const challenge = `<send><![CDATA[
SIP/2.0 401 Unauthorized
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
WWW-Authenticate: Digest realm="lab.test", nonce="[pid][call_number]sippnonce", algorithm=MD5
Content-Length: 0

]]></send>`;
    /** Receives a SUBSCRIBE whose Authorization (sipp verifies no other) must check out for alice/secret, else answers 403 and ends. */
    const authorized = (label: string) => `<recv request="SUBSCRIBE">
  <action>
    <ereg regexp=";tag=([^;[:space:]]+)" search_in="hdr" header="From:" check_it="true" assign_to="junk,ftag"/>
    <ereg regexp="sip:[^>;[:space:]]+" search_in="hdr" header="Contact:" check_it="true" assign_to="contact"/>
    <ereg regexp="[0-9]+" search_in="hdr" header="Expires:" check_it="true" assign_to="junk2"/>
    <verifyauth assign_to="authvalid" username="alice" password="secret"/>
  </action>
</recv>
<nop hide="true" test="authvalid" next="${label}"/>
<send><![CDATA[
SIP/2.0 403 Wrong Credentials
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>
<nop hide="true" next="end"/>
<label id="${label}"/>`;
    const sipp = await server(
      scenario(
        'mwi server with digest',
        [
          subscribeRecv(600),
          challenge,
          authorized('first'),
          accept(600),
          notify(1, 'active;expires=600', BODY),
          authorized('unsubscribe'),
          acceptInDialog(0),
          notify(2, 'terminated;reason=timeout', ''),
          '<label id="end"/>',
        ].join('\n'),
      ),
    );
    const p = await phone(sipp.port);
    cleanup.push(() => p.stack.stop(0));
    await waitFor('MWI event', () => p.events[0], { peer: sipp.peer });
    expect(p.mwi.client.subscription('line1')?.state).toBe('active');
    await p.mwi.stop();
    expect(await sipp.done(), sipp.peer.output()).toBe(0);
    // sipp counts each message it sent: a 403 sent (bad credentials) would also end its call "successfully".
    expect(sipp.peer.output()).not.toMatch(/<-+ 403 +[1-9]/);
  });

  it('stops subscribing after 489 Bad Event', async () => {
    const sipp = await server(
      scenario(
        'no mwi here',
        `<recv request="SUBSCRIBE"/>
<send><![CDATA[
SIP/2.0 489 Bad Event
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
Allow-Events: presence
Content-Length: 0

]]></send>`,
      ),
    );
    const p = await phone(sipp.port);
    cleanup.push(() => p.mwi.stop());
    cleanup.push(() => p.stack.stop(0));
    await waitFor('failed subscription', () => (p.mwi.client.subscription('line1')?.state === 'failed' ? true : undefined));
    expect(p.mwi.client.subscription('line1')).toMatchObject({ state: 'failed', status: 489 });
    expect(await sipp.done(), sipp.peer.output()).toBe(0);
    await new Promise((r) => setTimeout(r, 700));
    // Well past the back-off (base 200 ms): a 489 is not retried.
    expect(p.mwi.client.subscription('line1')?.state).toBe('failed');
  });

  it('subscribes again, in a new dialog, after the server ends the subscription with reason=timeout', async () => {
    // Each sipp "call" is one subscription (one Call-ID): two calls means the phone came back once.
    const sipp = await server(
      scenario(
        'mwi server that times out',
        [subscribeRecv(), accept(600), notify(1, 'active;expires=600', BODY), notify(2, 'terminated;reason=timeout', '')].join('\n'),
      ),
      2,
    );
    const p = await phone(sipp.port);
    cleanup.push(() => p.mwi.stop());
    cleanup.push(() => p.stack.stop(0));
    expect(await sipp.done(), sipp.peer.output()).toBe(0);
    expect(p.events.filter((e) => e.source === 'subscription').length).toBeGreaterThanOrEqual(2);
    expect(p.events.every((e) => e.newVoice === 2 && e.waiting)).toBe(true);
  });

  it("accepts Asterisk's unsolicited NOTIFY (no subscription, out of dialog) with 200 and reports it", async () => {
    // An Asterisk line that only pushes: no subscription at all (the proxy port has nobody behind it).
    const p = await phone(await freePort(), 'udp', false);
    cleanup.push(() => p.mwi.stop());
    cleanup.push(() => p.stack.stop(0));
    const port = p.stack.localTransports[0]!.port;
    const { code, output } = await runSipp({
      scenario: scenario(
        'asterisk unsolicited mwi',
        `<send><![CDATA[
NOTIFY sip:alice@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "asterisk" <sip:asterisk@lab.test>;tag=[pid]SIPpTag00[call_number]
To: <sip:alice@lab.test>
Call-ID: [call_id]
CSeq: 102 NOTIFY
Max-Forwards: 70
Contact: <sip:asterisk@[local_ip]:[local_port]>
Event: message-summary
Content-Type: application/simple-message-summary
Content-Length: [len]

Messages-Waiting: yes
Message-Account: sip:*97@lab.test
Voice-Message: 3/1 (0/0)
]]></send>
<recv response="200"/>`,
      ),
      target: `127.0.0.1:${port}`,
      calls: 1,
      timeoutMs: 15_000,
    });
    expect(code, output).toBe(0);
    expect(p.mwi.client.subscription('line1')?.state).toBe('idle');
    expect(p.events).toContainEqual({ accountId: 'line1', waiting: true, newVoice: 3, oldVoice: 1, urgentNew: 0, urgentOld: 0, messageAccount: 'sip:*97@lab.test', source: 'unsolicited' });
  });
});
