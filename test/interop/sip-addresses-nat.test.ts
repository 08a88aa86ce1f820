import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingPeers } from './support/peers.js';
import { exited, tempDir, waitFor, type PeerProcess } from './support/processes.js';
import { ackAlongRoute, escapeRe, inNs, ip, must, netnsUnavailable, pagingInviteToAlice, startKamailioIn, startPhoneIn, startSippIn, tracedMessages } from './sip-addresses-lab.js';

// Issue 5 point 11 behind a real NAT: three namespaces — Kamailio at 10.231.1.1, a router masquerading the
// phone's LAN 192.168.77.0/24 behind its WAN address 10.231.1.254 (nftables), and the phone at 192.168.77.2.
// Kamailio cannot route to 192.168.77.2: only a Contact with the public address learned from its Via
// received/rport (RFC 3581) lets it reach the phone.

const tag = `${process.pid % 100000}`;
const PBX_NS = `dpn-pbx-${tag}`;
const ROUTER_NS = `dpn-rtr-${tag}`;
const PHONE_NS = `dpn-phone-${tag}`;
const PBX = '10.231.1.1';
const ROUTER_WAN = '10.231.1.254';
const PHONE = '192.168.77.2';

const skip = missingPeers('ip', 'nft', 'kamailio', 'kamcmd', 'sipp') ?? netnsUnavailable(tag);

/** sipp calls alice through Kamailio, intercom style, and hangs up through the NAT. */
const callScenario = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="call through a NAT">
${pagingInviteToAlice(PBX)}
  <recv response="200" rrs="true" timeout="15000"/>
${ackAlongRoute}
  <pause milliseconds="1000"/>
  <send retrans="500"><![CDATA[
BYE [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
[routes]
Max-Forwards: 70
From: "Paging" <sip:page@lab.test>;tag=[pid]SIPpTag[call_number]
[last_To:]
Call-ID: [call_id]
CSeq: 2 BYE
Content-Length: 0

]]></send>
  <recv response="200" timeout="10000"/>
</scenario>
`;

describe.skipIf(skip !== undefined)(`a phone behind NAT (${skip ?? 'netns, nft, kamailio and sipp available'})`, () => {
  let dir: { path: string; remove(): Promise<void> };
  let kamailio: Awaited<ReturnType<typeof startKamailioIn>> | undefined;
  let phone: PeerProcess | undefined;
  let etcNetnsExisted = true;

  beforeAll(async () => {
    dir = await tempDir('addresses-nat');
    for (const ns of [PBX_NS, ROUTER_NS, PHONE_NS]) {
      must('netns', 'add', ns);
      must('-n', ns, 'link', 'set', 'lo', 'up');
    }
    must('-n', PBX_NS, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'wan0', 'netns', ROUTER_NS);
    must('-n', ROUTER_NS, 'link', 'add', 'lan0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', PHONE_NS);
    must('-n', PBX_NS, 'addr', 'add', `${PBX}/24`, 'dev', 'eth0');
    must('-n', ROUTER_NS, 'addr', 'add', `${ROUTER_WAN}/24`, 'dev', 'wan0');
    must('-n', ROUTER_NS, 'addr', 'add', '192.168.77.1/24', 'dev', 'lan0');
    must('-n', PHONE_NS, 'addr', 'add', `${PHONE}/24`, 'dev', 'eth0');
    for (const [ns, dev] of [[PBX_NS, 'eth0'], [ROUTER_NS, 'wan0'], [ROUTER_NS, 'lan0'], [PHONE_NS, 'eth0']] as const) must('-n', ns, 'link', 'set', dev, 'up');
    must('-n', PHONE_NS, 'route', 'add', 'default', 'via', '192.168.77.1');
    // With a default route the phone's DNS queries (for lab.test, which is in no DNS) would time out behind
    // the router; \`ip netns exec\` gives the namespace its own resolv.conf, pointing at nothing, so they fail at once.
    etcNetnsExisted = existsSync('/etc/netns');
    await mkdir(`/etc/netns/${PHONE_NS}`, { recursive: true });
    await writeFile(`/etc/netns/${PHONE_NS}/resolv.conf`, 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
    inNs(ROUTER_NS, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
    inNs(ROUTER_NS, 'nft', 'add table ip nat; add chain ip nat post { type nat hook postrouting priority 100 ; } ; add rule ip nat post oifname "wan0" masquerade');

    kamailio = await startKamailioIn(PBX_NS, dir.path, PBX);
    phone = await startPhoneIn(PHONE_NS, dir.path, PBX);
  }, 60_000);

  afterAll(async () => {
    await phone?.stop();
    await kamailio?.peer.stop();
    for (const ns of [PHONE_NS, ROUTER_NS, PBX_NS]) ip('netns', 'del', ns);
    await rm(`/etc/netns/${PHONE_NS}`, { recursive: true, force: true });
    // /etc/netns itself only if this test made it: rmdir refuses a directory that has other namespaces' files.
    if (!etcNetnsExisted) await rmdir('/etc/netns').catch(() => undefined);
    await dir?.remove();
  });

  it('registers the public address the registrar saw, and removes the private binding it registered first', async () => {
    const bound = await waitFor('only the public Contact at the registrar', () => {
      const now = kamailio!.registrations();
      return now.length === 1 && now[0]!.includes(ROUTER_WAN) ? now : undefined;
    }, { peer: phone, timeoutMs: 30_000 });
    expect(bound[0]).toMatch(new RegExp(`^sip:alice@${escapeRe(ROUTER_WAN)}:\\d+$`));
    // The phone says why it registered twice (its log is written asynchronously: wait for the line).
    await waitFor('the NAT log line', () => (/behind NAT/.test(phone!.output()) ? true : undefined), { peer: phone, timeoutMs: 10_000 });
  });

  it('takes a call through the NAT: its 200 carries the public Contact, and the ACK and BYE reach it there', async () => {
    const sipp = await startSippIn(PBX_NS, dir.path, PBX, PBX, callScenario);
    try {
      const code = await exited(sipp.peer.child);
      expect(code, `${sipp.peer.output()}\n${await readFile(sipp.errors, 'utf8').catch(() => '')}\n${phone!.output().slice(-6000)}`).toBe(0);
    } finally {
      await sipp.peer.stop();
    }
    const received = tracedMessages(await readFile(sipp.trace, 'utf8')).filter((m) => m.direction === 'received').map((m) => m.text);
    const answer = received.find((t) => /^SIP\/2\.0 200/.test(t) && /CSeq:\s*1 INVITE/i.test(t));
    expect(answer, 'the 200 to the INVITE').toBeDefined();
    expect(answer).toMatch(new RegExp(`^Contact:.*sip:alice@${escapeRe(ROUTER_WAN)}:\\d+`, 'mi'));
    // SDP keeps the phone's own address unless nat.publicAddressInSdp asks otherwise (RTP port mapping is the NAT's).
    expect(answer).toMatch(new RegExp(`^c=IN IP4 ${escapeRe(PHONE)}\\s*$`, 'm'));
  }, 60_000);
});
