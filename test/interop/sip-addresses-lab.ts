import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireInterop } from './support/peers.js';
import { startProcess, waitFor, type PeerProcess } from './support/processes.js';
import { sippSdp as sippPcmuSdp } from './support/scenarios.js';

// Shared by the sip-addresses*.test.ts files: network namespaces, Kamailio and the phone inside them.

const root = fileURLToPath(new URL('../..', import.meta.url));

export function ip(...args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

export function must(...args: string[]): void {
  const r = ip(...args);
  if (!r.ok) throw new Error(`ip ${args.join(' ')} failed: ${r.out}`);
}

/** Runs a command inside a namespace; throws with its output when it fails. */
export function inNs(ns: string, ...command: string[]): void {
  const r = spawnSync('ip', ['netns', 'exec', ns, ...command], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command.join(' ')} in ${ns} failed: ${r.stdout}${r.stderr}`);
}

/** Namespaces need root (CAP_SYS_ADMIN); a sandbox may forbid them. Undefined when they work. */
export function netnsUnavailable(tag: string): string | undefined {
  const probe = `dpa-probe-${tag}`;
  const added = ip('netns', 'add', probe);
  if (added.ok) {
    ip('netns', 'del', probe);
    return undefined;
  }
  const reason = `ip netns is not permitted here (${added.out.trim().split('\n')[0]})`;
  if (requireInterop) throw new Error(`DESKPHONE_REQUIRE_INTEROP=1 but ${reason}`);
  return reason;
}

/** A registrar and record-routing proxy without authentication, listening on one address: what is under test is the addresses. */
export function kamailioConfig(listen: string, ctl: string): string {
  return `#!KAMAILIO
debug=2
log_stderror=yes
fork=yes
children=2
auto_aliases=no
alias="lab.test"
listen=udp:${listen}:5060
listen=tcp:${listen}:5060
mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "siputils.so"
loadmodule "textops.so"
loadmodule "ctl.so"
loadmodule "kex.so"
modparam("ctl", "binrpc", "unix:${ctl}")
modparam("usrloc", "db_mode", 0)
modparam("rr", "enable_full_lr", 1)

request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  force_rport();
  if (has_totag()) {
    if (loose_route()) { route(RELAY); exit; }
    if (is_method("ACK")) { if (t_check_trans()) { t_relay(); } exit; }
    sl_send_reply("404", "Not here");
    exit;
  }
  if (is_method("CANCEL")) { if (t_check_trans()) { route(RELAY); } exit; }
  t_check_trans();
  if (is_method("REGISTER")) { if (!save("location")) { sl_reply_error(); } exit; }
  if (is_method("INVITE")) record_route();
  if (uri==myself) {
    if (!lookup("location")) { sl_send_reply("404", "Not Found"); exit; }
  }
  route(RELAY);
}

route[RELAY] {
  if (!t_relay()) sl_reply_error();
  exit;
}
`;
}

/** Kamailio in `ns`, ready when its control socket answers. */
export async function startKamailioIn(ns: string, dir: string, listen: string): Promise<{ peer: PeerProcess; registrations(): string[] }> {
  const ctl = join(dir, 'kamailio.ctl');
  await writeFile(join(dir, 'kamailio.cfg'), kamailioConfig(listen, ctl));
  const peer = startProcess('kamailio', 'ip', ['netns', 'exec', ns, 'kamailio', '-f', join(dir, 'kamailio.cfg'), '-DD', '-E', '-m', '32', '-M', '8', '-Y', dir, '-w', dir], { cwd: dir });
  const dump = () => spawnSync('kamcmd', ['-s', `unix:${ctl}`, 'ul.dump'], { encoding: 'utf8' });
  await waitFor('kamailio control socket', () => (dump().status === 0 ? true : undefined), { peer, timeoutMs: 15_000 });
  return {
    peer,
    /** The registered Contact URIs, as Kamailio's location service holds them. */
    registrations: () => [...(dump().stdout ?? '').matchAll(/Address:\s*(sip:[^\s]+)/g)].map((m) => m[1]!),
  };
}

/** `deskphone start` inside `ns`, SIP on port 5060, registering alice@lab.test through `proxy`, intercom answering on. */
export async function startPhoneIn(ns: string, dir: string, proxy: string, transport: 'udp' | 'tcp' = 'udp'): Promise<PeerProcess> {
  const config = [
    'admin:',
    '  password: desk-admin',
    'phone:',
    '  autoAnswer: true',
    'accounts:',
    '  - user: alice',
    '    domain: lab.test',
    `    outboundProxy: ${proxy}:5060`,
    '    registerExpires: 300',
    `    transport: ${transport}`,
    '',
  ].join('\n');
  await writeFile(join(dir, 'phone.yaml'), config);
  return startProcess(
    'deskphone',
    'ip',
    ['netns', 'exec', ns, process.execPath, 'scripts/deskphone.js', 'start', '--config', join(dir, 'phone.yaml'), '--data-dir', join(dir, 'data'), '--sip-port', '5060', '--http-port', '0', '--log-level', 'debug'],
    { cwd: root },
  );
}

/** sipp in `ns` on `address`:5070 playing `scenario` once against the proxy at `proxy`:5060, tracing every message. */
export async function startSippIn(ns: string, dir: string, address: string, proxy: string, scenario: string): Promise<{ peer: PeerProcess; trace: string; errors: string }> {
  const trace = join(dir, 'sipp-messages.log');
  const errors = join(dir, 'sipp-errors.log');
  await writeFile(join(dir, 'scenario.xml'), scenario);
  const peer = startProcess(
    'sipp',
    'ip',
    ['netns', 'exec', ns, 'sipp', '-nostdin', '-i', address, '-p', '5070', '-m', '1', '-sf', join(dir, 'scenario.xml'), '-trace_msg', '-message_file', trace, '-trace_err', '-error_file', errors, `${proxy}:5060`],
    { cwd: dir },
  );
  return { peer, trace, errors };
}

/** The SIP messages in a sipp -trace_msg file: blocks after a dashed line, "UDP message sent|received …:" first. */
export function tracedMessages(text: string): Array<{ direction: 'sent' | 'received'; text: string }> {
  const out: Array<{ direction: 'sent' | 'received'; text: string }> = [];
  for (const block of text.split(/^-{5,}.*$/m)) {
    const lines = block.replace(/^\s*\n/, '').split('\n');
    const head = lines[0] ?? '';
    const direction = /message sent/i.test(head) ? 'sent' : /message received/i.test(head) ? 'received' : undefined;
    if (direction) out.push({ direction, text: lines.slice(1).join('\n').replace(/^\s+/, '') });
  }
  return out;
}

/** An SDP body sipp sends from its own address, version `version` (a re-INVITE's offer counts up, RFC 3264 §8). */
export const sippSdp = (version: number) => sippPcmuSdp(version, 'sipp');

/** sipp's INVITE to alice through Kamailio at `pbx`, intercom style (answer-after=0), and the provisional responses it may get. */
export const pagingInviteToAlice = (pbx: string) => `  <send retrans="500"><![CDATA[
INVITE sip:alice@lab.test SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
Route: <sip:${pbx}:5060;lr>
Max-Forwards: 70
From: "Paging" <sip:page@lab.test>;tag=[pid]SIPpTag[call_number]
To: <sip:alice@lab.test>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:page@[local_ip]:[local_port]>
Call-Info: <sip:${pbx}>;answer-after=0
Content-Type: application/sdp
Content-Length: [len]

${sippSdp(1)}]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>`;

/** sipp's ACK to the 200 it received, along the route set it recorded (rrs="true" on that recv). */
export const ackAlongRoute = `  <send><![CDATA[
ACK [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
[routes]
Max-Forwards: 70
From: "Paging" <sip:page@lab.test>;tag=[pid]SIPpTag[call_number]
[last_To:]
Call-ID: [call_id]
CSeq: 1 ACK
Content-Length: 0

]]></send>`;

export const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
