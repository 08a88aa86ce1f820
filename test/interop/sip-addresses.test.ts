import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingPeers } from './support/peers.js';
import { exited, tempDir, waitFor, type PeerProcess } from './support/processes.js';
import { ackAlongRoute, escapeRe, inNs, ip, must, netnsUnavailable, pagingInviteToAlice, sippSdp, startKamailioIn, startPhoneIn, startSippIn, tracedMessages } from './sip-addresses-lab.js';

// Issue 5 point 11, "addresses that are right", on real networks: the test builds two network namespaces
// joined by a veth pair — Kamailio at 10.231.1.1 in one, the phone (`deskphone start`) in the other with two
// interfaces: lan9 (10.231.9.2, listed first, the address a "first non-internal IPv4" guess would pick) and
// eth0 (10.231.1.2, the one that reaches Kamailio). Then it moves the phone's eth0 to 10.231.1.3 during a call.

const tag = `${process.pid % 100000}`;
const PBX = '10.231.1.1';
const PHONE = '10.231.1.2';
const PHONE_MOVED = '10.231.1.3';
const OTHER = '10.231.9.2';

const skip = missingPeers('ip', 'kamailio', 'kamcmd', 'sipp') ?? netnsUnavailable(tag);

/** sipp in the PBX namespace calls alice through Kamailio, intercom style, then waits for her re-INVITE. */
function callScenario(flag: string): string {
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="address change in a call">
${pagingInviteToAlice(PBX)}
  <recv response="200" rrs="true" timeout="15000">
    <action><ereg regexp=".*" search_in="hdr" header="To:" check_it="true" assign_to="alice"/></action>
  </recv>
${ackAlongRoute}
  <nop><action><exec command="touch ${flag}"/></action></nop>
  <!-- The re-INVITE's Contact is the new remote target (RFC 3261 §12.2): the BYE goes there, through the proxy. -->
  <recv request="INVITE" timeout="60000">
    <action><ereg regexp="sip:[^>;]+" search_in="hdr" header="Contact:" check_it="true" assign_to="target"/></action>
  </recv>
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:page@[local_ip]:[local_port]>
Content-Type: application/sdp
Content-Length: [len]

${sippSdp(2)}]]></send>
  <recv request="ACK" timeout="10000"/>
  <pause milliseconds="300"/>
  <send retrans="500"><![CDATA[
BYE [$target] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
Route: <sip:${PBX}:5060;lr>
Max-Forwards: 70
From: "Paging" <sip:page@lab.test>;tag=[pid]SIPpTag[call_number]
To:[$alice]
Call-ID: [call_id]
CSeq: 2 BYE
Content-Length: 0

]]></send>
  <recv response="200" timeout="10000"/>
</scenario>
`;
}

describe.skipIf(skip !== undefined).each(['udp', 'tcp'] as const)(`addresses on a phone with two interfaces, registered over %s (${skip ?? 'netns, kamailio and sipp available'})`, (transport) => {
  const PBX_NS = `dpa-pbx-${transport}-${tag}`;
  const PHONE_NS = `dpa-phone-${transport}-${tag}`;
  const suffix = transport === 'tcp' ? ';transport=tcp' : '';
  let dir: { path: string; remove(): Promise<void> };
  let kamailio: Awaited<ReturnType<typeof startKamailioIn>> | undefined;
  let phone: PeerProcess | undefined;
  const registrations = () => kamailio!.registrations();

  beforeAll(async () => {
    dir = await tempDir('addresses');
    must('netns', 'add', PBX_NS);
    must('netns', 'add', PHONE_NS);
    must('-n', PBX_NS, 'link', 'set', 'lo', 'up');
    must('-n', PHONE_NS, 'link', 'set', 'lo', 'up');
    // The other network first, so it is the first non-loopback address the host lists.
    must('-n', PHONE_NS, 'link', 'add', 'lan9', 'type', 'veth', 'peer', 'name', 'lan9peer');
    must('-n', PHONE_NS, 'addr', 'add', `${OTHER}/24`, 'dev', 'lan9');
    must('-n', PHONE_NS, 'link', 'set', 'lan9', 'up');
    must('-n', PHONE_NS, 'link', 'set', 'lan9peer', 'up');
    must('-n', PBX_NS, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', PHONE_NS);
    must('-n', PBX_NS, 'addr', 'add', `${PBX}/24`, 'dev', 'eth0');
    must('-n', PBX_NS, 'link', 'set', 'eth0', 'up');
    must('-n', PHONE_NS, 'addr', 'add', `${PHONE}/24`, 'dev', 'eth0');
    must('-n', PHONE_NS, 'link', 'set', 'eth0', 'up');
    // A new address added beside the old one takes over when the old one is deleted (as a DHCP renewal does).
    inNs(PHONE_NS, 'sysctl', '-qw', 'net.ipv4.conf.all.promote_secondaries=1', 'net.ipv4.conf.eth0.promote_secondaries=1');

    kamailio = await startKamailioIn(PBX_NS, dir.path, PBX);
    phone = await startPhoneIn(PHONE_NS, dir.path, PBX, transport);
    await waitFor('the phone to register through Kamailio', () => (registrations().length > 0 ? true : undefined), { peer: phone, timeoutMs: 30_000 });
  }, 60_000);

  afterAll(async () => {
    await phone?.stop();
    await kamailio?.peer.stop();
    ip('netns', 'del', PHONE_NS);
    ip('netns', 'del', PBX_NS);
    await dir?.remove();
  });

  it('registers the address of the interface toward Kamailio, not the first one the host lists', () => {
    expect(registrations()).toEqual([`sip:alice@${PHONE}:5060${suffix}`]);
  });

  it('answers with that address in Contact and SDP, and after the address moves mid-call registers and re-INVITEs with the new one', async () => {
    const flag = join(dir.path, 'established');
    const sipp = await startSippIn(PBX_NS, dir.path, PBX, PBX, callScenario(flag));
    const trace = sipp.trace;
    const done = exited(sipp.peer.child);
    try {
      await waitFor('the phone to answer the call', () => (existsSync(flag) ? true : undefined), { peer: sipp.peer, timeoutMs: 20_000 });

      must('-n', PHONE_NS, 'addr', 'add', `${PHONE_MOVED}/24`, 'dev', 'eth0');
      must('-n', PHONE_NS, 'addr', 'del', `${PHONE}/24`, 'dev', 'eth0');

      // The phone polls its interfaces every few seconds: the new binding replaces the old one.
      await waitFor('the new Contact at the registrar', () => {
        const now = registrations();
        return now.length === 1 && now[0] === `sip:alice@${PHONE_MOVED}:5060${suffix}` ? now : undefined;
      }, { peer: phone, timeoutMs: 30_000 });

      const code = await done;
      expect(code, `${sipp.peer.output()}\n${await readFile(sipp.errors, 'utf8').catch(() => '')}\n${await readFile(trace, 'utf8').catch(() => '')}`).toBe(0);
    } finally {
      await sipp.peer.stop();
    }

    const messages = tracedMessages(await readFile(trace, 'utf8'));
    const received = messages.filter((m) => m.direction === 'received').map((m) => m.text);
    const answer = received.find((t) => /^SIP\/2\.0 200/.test(t) && /CSeq:\s*1 INVITE/i.test(t));
    expect(answer, 'the 200 to the INVITE').toBeDefined();
    expect(answer).toMatch(new RegExp(`^Contact:.*sip:alice@${escapeRe(PHONE)}:5060`, 'mi'));
    expect(answer).toMatch(new RegExp(`^c=IN IP4 ${escapeRe(PHONE)}\\s*$`, 'm'));
    expect(answer).not.toContain(OTHER);
    expect(answer).not.toContain('0.0.0.0');

    const reinvite = received.find((t) => /^INVITE /.test(t));
    expect(reinvite, 'the re-INVITE after the address change').toBeDefined();
    expect(reinvite).toMatch(new RegExp(`^Contact:.*sip:alice@${escapeRe(PHONE_MOVED)}:5060`, 'mi'));
    expect(reinvite).toMatch(new RegExp(`^c=IN IP4 ${escapeRe(PHONE_MOVED)}\\s*$`, 'm'));
    const version = (t: string) => /^o=\S+ (\d+) (\d+) IN IP4 (\S+)/m.exec(t)!;
    const [, idBefore, versionBefore] = version(answer!);
    const [, idAfter, versionAfter, originAfter] = version(reinvite!);
    expect(idAfter).toBe(idBefore);
    expect(Number(versionAfter)).toBe(Number(versionBefore) + 1);
    expect(originAfter).toBe(PHONE_MOVED);
    // The BYE went to the Contact of the re-INVITE (the target refresh) and the phone answered it there.
    const bye = messages.filter((m) => m.direction === 'sent').map((m) => m.text).find((t) => /^BYE /.test(t));
    expect(bye).toMatch(new RegExp(`^BYE sip:alice@${escapeRe(PHONE_MOVED)}:5060`));
  }, 90_000);
});
