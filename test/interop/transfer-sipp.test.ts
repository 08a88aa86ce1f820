import { afterEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../../firmware/clock/index.js';
import { SipStack } from '../../firmware/sip/index.js';
import { CallTransfer, type IncomingTransfer, type Replacement } from '../../firmware/sip/refer/index.js';
import { CallManager, type Call, type CallAccount } from '../../firmware/sip/session/index.js';
import { missingPeers } from './support/peers.js';
import { freePort, waitFor } from './support/processes.js';
import { sippListening, startSipp, type SippRun } from './support/sipp.js';

// Issue 5 point 5 where baresip cannot play the part: sipp as a transferor that REFERs us and checks each
// NOTIFY sipfrag we send (RFC 3515 §2.4.4–§2.4.5), and sipp as a transferee sending the INVITE with
// Replaces (RFC 3891 §3) that must take over the right call. sipp's exit code says whether our messages came
// in the order, and with the content, its scenario expects.

const skip = missingPeers('sipp');

const scenario = (name: string, body: string) => `<?xml version="1.0" encoding="ISO-8859-1" ?>\n<scenario name="${name}">\n${body}\n</scenario>\n`;

const SDP = ['v=0', 'o=sipp 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 6000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000'].join('\n');
const CODECS = [{ name: 'PCMU', payloadType: 0, clockRate: 8000, channels: 1 }];

/** sipp's 200 to the request it just received. */
const ok = () => `<send><![CDATA[\nSIP/2.0 200 OK\n[last_Via:]\n[last_From:]\n[last_To:]\n[last_Call-ID:]\n[last_CSeq:]\nContent-Length: 0\n\n]]></send>`;

/** A request from sipp as the caller; `first` marks the INVITE that starts its call. */
const request = (method: string, target: string, cseq: number, opts: { first?: boolean; headers?: string[]; body?: string } = {}) =>
  `<send retrans="500"><![CDATA[\n${method} ${opts.first ? target : '[next_url]'} SIP/2.0\nVia: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n` +
  `From: <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag[call_number]\n${opts.first ? `To: <${target}>` : '[last_To:]'}\nCall-ID: [call_id]\n` +
  `CSeq: ${cseq} ${method}\nContact: <sip:sipp@[local_ip]:[local_port]>\nMax-Forwards: 70\n${(opts.headers ?? []).map((h) => `${h}\n`).join('')}` +
  (opts.body !== undefined ? `Content-Type: application/sdp\nContent-Length: [len]\n\n${opts.body}\n]]></send>` : `Content-Length: 0\n\n]]></send>`);
const ackFor = (cseq: number) =>
  `<send><![CDATA[\nACK [next_url] SIP/2.0\nVia: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\nFrom: <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag[call_number]\n` +
  `[last_To:]\nCall-ID: [call_id]\nCSeq: ${cseq} ACK\nMax-Forwards: 70\nContent-Length: 0\n\n]]></send>`;
/** A NOTIFY whose sipfrag and Subscription-State must match; sipp answers it 200. */
const notify = (sipfrag: string, state: string, n: number) =>
  `<recv request="NOTIFY"><action>` +
  `<ereg regexp="^SIP/2.0 ${sipfrag}" search_in="body" check_it="true" assign_to="frag${n}"/>` +
  `<ereg regexp="refer;id=2" search_in="hdr" header="Event:" check_it="true" assign_to="event${n}"/>` +
  `<ereg regexp="${state}" search_in="hdr" header="Subscription-State:" check_it="true" assign_to="state${n}"/>` +
  `</action></recv>\n${ok()}\n<Reference variables="frag${n},event${n},state${n}"/>`;

describe.skipIf(skip !== undefined)(`transfer against sipp scenarios (${skip ?? 'installed'})`, () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c().catch(() => undefined);
  });

  async function phone(user: string) {
    const clock = new SystemClock();
    const stack = await SipStack.create(
      { bindAddress: '127.0.0.1', ports: { udp: 0 }, transports: ['udp'], supported: ['100rel', 'timer', 'replaces'], accounts: [] },
      { clock },
    );
    cleanup.push(() => stack.stop());
    const rtpPort = await freePort();
    const calls = new CallManager(stack.core, { clock }, { localMedia: () => ({ address: '127.0.0.1', port: rtpPort, codecs: CODECS }) });
    const transfer = new CallTransfer(calls, { clock });
    const incoming: Call[] = [];
    calls.onIncoming((c) => incoming.push(c));
    const port = stack.localTransports[0]!.port;
    const account: CallAccount = { user, domain: `127.0.0.1:${port}` };
    return { stack, calls, transfer, incoming, account, port, uri: `sip:${user}@127.0.0.1:${port}` };
  }

  async function sippUac(port: number, name: string, body: string, keys: Record<string, string> = {}): Promise<SippRun> {
    const run = await startSipp({ scenario: scenario(name, body), target: `127.0.0.1:${port}`, calls: 1, keys });
    cleanup.push(() => run.stop());
    return run;
  }

  async function finished(run: SippRun, timeoutMs = 20_000): Promise<number | null> {
    const code = await Promise.race([run.done(), new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs))]);
    if (code === 'timeout') throw new Error(`sipp did not finish:\n${run.peer.output()}`);
    return code;
  }

  it('follows sipp\'s REFER: 202, NOTIFY 100 / 180 / 200 (the last one terminating), then BYE to the transferor', async () => {
    const dave = await phone('dave');
    const carol = await phone('carol');
    dave.calls.onIncoming((c) => c.answer());
    carol.calls.onIncoming((c) => c.answer());
    const referred: IncomingTransfer[] = [];
    dave.transfer.on('referred', (r) => referred.push(r));
    const target = dave.uri;
    const run = await sippUac(
      dave.port,
      'transferor',
      `${request('INVITE', target, 1, { first: true, body: SDP })}\n<recv response="100" optional="true"/>\n<recv response="180" optional="true"/>\n` +
        `<recv response="200" rrs="true"/>\n${ackFor(1)}\n` +
        `${request('REFER', target, 2, { headers: ['Refer-To: <[target]>', 'Referred-By: <sip:sipp@[local_ip]:[local_port]>'] })}\n<recv response="202"/>\n` +
        `${notify('100 Trying', 'active', 1)}\n${notify('180 Ringing', 'active', 2)}\n${notify('200 OK', 'terminated', 3)}\n` +
        `<recv request="BYE"/>\n${ok()}`,
      { target: carol.uri },
    );
    expect(await finished(run), run.peer.output()).toBe(0);
    expect(referred).toHaveLength(1);
    expect(referred[0]!.referredBy).toContain('sip:sipp@');
    const atCarol = carol.incoming[0]!;
    expect(atCarol.state).toBe('active');
    expect(referred[0]!.newCall.state).toBe('active');
    expect(referred[0]!.call.ended).toMatchObject({ kind: 'local' });
    atCarol.hangup();
  });

  it('lets sipp\'s INVITE with Replaces take over the consultation call: answered at once, the replaced call gets BYE', async () => {
    const alice = await phone('alice');
    const carol = await phone('carol');
    const replaced: Replacement[] = [];
    carol.transfer.on('replaced', (r) => replaced.push(r));
    const consult = alice.calls.call(carol.uri, alice.account);
    const atCarol = await waitFor('consultation call at carol', () => carol.incoming[0]);
    atCarol.answer();
    await waitFor('consultation answered', () => (consult.state === 'active' ? true : undefined));
    const id = atCarol.confirmedDialog!.id;
    // RFC 3891 §3: to-tag and from-tag as carol sees the dialog (to-tag is her own, local tag).
    const replaces = `${id.callId};to-tag=${id.localTag};from-tag=${id.remoteTag}`;
    const target = carol.uri;
    const run = await sippUac(
      carol.port,
      'transferee with Replaces',
      `${request('INVITE', target, 1, { first: true, body: SDP, headers: ['Replaces: [replaces]', 'Supported: replaces'] })}\n` +
        `<recv response="100" optional="true"/>\n<recv response="180" optional="true"/>\n<recv response="200" rrs="true"/>\n${ackFor(1)}\n` +
        `<pause milliseconds="200"/>\n${request('BYE', target, 2)}\n<recv response="200"/>`,
      { replaces },
    );
    expect(await finished(run), run.peer.output()).toBe(0);
    expect(replaced).toHaveLength(1);
    expect(replaced[0]!.replaced).toBe(atCarol);
    expect(replaced[0]!.call.ended).toMatchObject({ kind: 'remote' });
    // Alice's consultation call was ended by carol's BYE; nothing rang at carol for the new INVITE.
    await waitFor('consultation ended', () => consult.ended);
    expect(consult.ended).toMatchObject({ kind: 'remote' });
    expect(carol.incoming).toHaveLength(1);
  });

  it('refuses an INVITE whose Replaces names no call with 481, and one that is early-only for a connected call with 486', async () => {
    const alice = await phone('alice');
    const carol = await phone('carol');
    const consult = alice.calls.call(carol.uri, alice.account);
    const atCarol = await waitFor('call at carol', () => carol.incoming[0]);
    atCarol.answer();
    await waitFor('answered', () => (consult.state === 'active' ? true : undefined));
    const id = atCarol.confirmedDialog!.id;
    const refused = (status: number) =>
      `${request('INVITE', carol.uri, 1, { first: true, body: SDP, headers: ['Replaces: [replaces]'] })}\n<recv response="100" optional="true"/>\n` +
      `<recv response="${status}"/>\n<send><![CDATA[\nACK ${carol.uri} SIP/2.0\n[last_Via:]\n[last_From:]\n[last_To:]\n[last_Call-ID:]\nCSeq: 1 ACK\nMax-Forwards: 70\nContent-Length: 0\n\n]]></send>`;
    const none = await sippUac(carol.port, 'replaces nothing', refused(481), { replaces: `${id.callId};to-tag=${id.remoteTag};from-tag=${id.localTag}` });
    expect(await finished(none), none.peer.output()).toBe(0);
    const early = await sippUac(carol.port, 'early-only', refused(486), { replaces: `${id.callId};to-tag=${id.localTag};from-tag=${id.remoteTag};early-only` });
    expect(await finished(early), early.peer.output()).toBe(0);
    expect(atCarol.state).toBe('active');
    expect(carol.incoming).toHaveLength(1);
    consult.hangup();
  });

  it('takes the NOTIFYs of sipp\'s refer subscription that come before its 202 (RFC 6665 §4.1.2.4), and the transfer succeeds', async () => {
    // sipp is the transferee: it answers alice's call, then reports 100 and 200 in NOTIFYs before it sends the
    // 202 to the REFER. Alice must answer both NOTIFYs 200 (sipp fails on a 481), count the transfer a
    // success, and hang up (BYE) as after any successful transfer.
    const alice = await phone('alice');
    const uas = `<recv request="INVITE">
  <action><ereg regexp="sip:[^>;[:space:]]+" search_in="hdr" header="Contact:" check_it="true" assign_to="contact"/></action>
</recv>
<send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:];tag=[pid]sipp[call_number]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:bob@[local_ip]:[local_port]>
Content-Type: application/sdp
Content-Length: [len]

${SDP}
]]></send>
<recv request="ACK"/>
<recv request="REFER">
  <action>
    <ereg regexp=".+" search_in="hdr" header="Via:" check_it="true" assign_to="via"/>
    <ereg regexp=".+" search_in="hdr" header="From:" check_it="true" assign_to="from"/>
    <ereg regexp=".+" search_in="hdr" header="To:" check_it="true" assign_to="to"/>
    <ereg regexp=".+" search_in="hdr" header="CSeq:" check_it="true" assign_to="cseq"/>
    <ereg regexp="[0-9]+" search_in="hdr" header="CSeq:" check_it="true" assign_to="referseq"/>
  </action>
</recv>
${['100 Trying', '200 OK']
  .map(
    (frag, i) => `<send><![CDATA[
NOTIFY [$contact] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: [$to]
To: [$from]
Call-ID: [call_id]
CSeq: ${i + 1} NOTIFY
Contact: <sip:bob@[local_ip]:[local_port]>
Max-Forwards: 70
Event: refer;id=[$referseq]
Subscription-State: ${i === 0 ? 'active;expires=60' : 'terminated;reason=noresource'}
Content-Type: message/sipfrag
Content-Length: [len]

SIP/2.0 ${frag}
]]></send>
<recv response="200"/>`,
  )
  .join('\n')}
<send><![CDATA[
SIP/2.0 202 Accepted
Via: [$via]
From: [$from]
To: [$to]
Call-ID: [call_id]
CSeq: [$cseq]
Contact: <sip:bob@[local_ip]:[local_port]>
Content-Length: 0

]]></send>
<recv request="BYE"/>
${ok()}`;
    const run = await startSipp({ scenario: scenario('transferee, NOTIFY before 202', uas), calls: 1 });
    cleanup.push(() => run.stop());
    await sippListening(run);
    const call = alice.calls.call(`sip:bob@127.0.0.1:${run.port}`, alice.account);
    await waitFor('call answered', () => (call.state === 'active' ? true : undefined), { peer: run.peer });
    const transfer = alice.transfer.blind(call, 'sip:carol@127.0.0.1:5999');
    const progress: number[] = [];
    transfer.on('progress', (p) => progress.push(p.status));
    await waitFor('transfer done', () => transfer.outcome, { peer: run.peer });
    expect(transfer.outcome).toMatchObject({ succeeded: true, status: 200 });
    expect(progress).toEqual([100, 200]);
    expect(await finished(run), run.peer.output()).toBe(0);
    expect(call.state).toBe('ended');
  });
});
