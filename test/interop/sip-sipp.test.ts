import { afterEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../../firmware/clock/index.js';
import {
  RegistrationClient,
  ServerLocator,
  UdpTransport,
  UserAgentCore,
  createRequest,
  generateCallId,
  generateTag,
  parseUri,
  systemResolver,
  type RegistrationStatus,
  type ResponseOrigin,
  type SipResponse,
  type Transport,
} from '../../firmware/sip/index.js';
import { missingPeers } from './support/peers.js';
import { sippListening, startSipp, type SippRun } from './support/sipp.js';
import { waitFor } from './support/processes.js';

// Issue 3: the transaction and registration machines against sipp playing
// misbehaving servers over real UDP. Timings are measured on our side, from
// the instants our transport handed each datagram to the kernel.

const skip = missingPeers('sipp');

const clock = new SystemClock();

interface Sent {
  at: number;
  line: string;
  branch: string;
}

/** A phone's SIP core on a real UDP socket, with every datagram it sends recorded. */
async function phone(timers: { T1?: number } = {}) {
  const sent: Sent[] = [];
  let core: UserAgentCore | undefined;
  const udp = await UdpTransport.listen({ address: '127.0.0.1', port: 0 }, { message: (m) => core?.receive(m) });
  const spy: Transport = {
    protocol: 'UDP',
    reliable: false,
    get local() {
      return udp.local;
    },
    send(data, destination, options) {
      const text = Buffer.from(data).toString('latin1');
      sent.push({ at: clock.now(), line: text.slice(0, text.indexOf('\r\n')), branch: /branch=([^;\r\n,]+)/.exec(text)?.[1] ?? '' });
      return udp.send(data, destination, options);
    },
    sendKeepAlive: (d) => udp.sendKeepAlive(d),
    close: () => udp.close(),
  };
  const locator = new ServerLocator({ resolver: systemResolver(), transports: ['UDP'] });
  core = new UserAgentCore({ clock, transports: [spy], locate: (r) => locator.locate(r), timers });
  return { core, sent, close: () => (core!.close(), udp.close()) };
}

type Phone = Awaited<ReturnType<typeof phone>>;

function registration(p: Phone, sippPort: number, options: { expires?: number; password?: string; backoffBaseMs?: number } = {}) {
  const hop = parseUri(`sip:127.0.0.1:${sippPort}`);
  const history: RegistrationStatus[] = [];
  const client = new RegistrationClient(
    { user: 'alice', domain: 'lab.test', password: options.password ?? 'secret', expires: options.expires ?? 60 },
    {
      clock,
      contactUri: () => p.core.contactUri('alice', 'UDP'),
      sendRequest: (request, user) => p.core.sendRequest(request, user, { nextHop: hop }),
    },
    { backoff: { baseMs: options.backoffBaseMs ?? 500, maxMs: 10_000 } },
  );
  client.onChange((s) => history.push(s));
  return { client, history };
}

function reply(status: string, extra: string[] = [], contact = true): string {
  return `<send><![CDATA[
SIP/2.0 ${status}
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
${contact ? '[last_Contact:]\n' : ''}${extra.join('\n')}${extra.length ? '\n' : ''}Content-Length: 0

]]></send>`;
}

const scenario = (name: string, body: string) => `<?xml version="1.0" encoding="ISO-8859-1" ?>\n<scenario name="${name}">\n${body}\n</scenario>\n`;

async function sippServer(xml: string): Promise<SippRun> {
  const run = await startSipp({ scenario: xml, calls: 1 });
  await sippListening(run);
  return run;
}

const intervals = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

describe.skipIf(skip !== undefined)(`transactions and registration against sipp (${skip ?? 'installed'})`, () => {
  const cleanup: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it('retransmits a REGISTER at T1 then 2*T1 (Timer E) to a registrar that drops the first two copies', async () => {
    const sipp = await sippServer(scenario('late registrar', `<recv request="REGISTER"/>\n<pause milliseconds="1700"/>\n${reply('200 OK', ['Expires: 60'])}`));
    cleanup.push(() => sipp.stop());
    const p = await phone();
    cleanup.push(() => p.close());
    const { client, history } = registration(p, sipp.port);
    cleanup.push(() => client.dispose());
    client.start();
    await waitFor('registered', () => (client.state === 'registered' ? true : undefined), { timeoutMs: 10_000 });
    expect(await sipp.done()).toBe(0);
    const registers = p.sent.filter((s) => s.line.startsWith('REGISTER'));
    expect(registers).toHaveLength(3);
    expect(new Set(registers.map((r) => r.branch)).size).toBe(1);
    const [e1, e2] = intervals(registers.map((r) => r.at)) as [number, number];
    // §17.1.2.2: Timer E = T1 (500 ms), then MIN(2*T1, T2) = 1000 ms. Timers never fire early; a loaded machine makes them late.
    expect(e1).toBeGreaterThanOrEqual(495);
    expect(e1).toBeLessThan(800);
    expect(e2).toBeGreaterThanOrEqual(995);
    expect(e2).toBeLessThan(1300);
    expect(history.at(-1)).toMatchObject({ state: 'registered', expires: 60 });
  });

  it('retransmits an INVITE at T1 then 2*T1 (Timer A) and ACKs the final 486 itself', async () => {
    const sipp = await sippServer(
      scenario('late callee', `<recv request="INVITE"/>\n<pause milliseconds="1700"/>\n${reply('486 Busy Here', [], false)}\n<recv request="ACK"/>`),
    );
    cleanup.push(() => sipp.stop());
    const p = await phone();
    cleanup.push(() => p.close());
    const invite = createRequest({
      method: 'INVITE',
      uri: `sip:bob@127.0.0.1:${sipp.port}`,
      from: `<sip:alice@lab.test>;tag=${generateTag()}`,
      to: '<sip:bob@lab.test>',
      callId: generateCallId(),
      cseq: 1,
      contact: p.core.contactUri('alice', 'UDP').toString(),
    });
    const got: Array<[number, ResponseOrigin]> = [];
    p.core.sendRequest(invite, { onResponse: (r: SipResponse, origin) => got.push([r.status, origin]) });
    await waitFor('486', () => (got.some(([s]) => s === 486) ? true : undefined), { timeoutMs: 10_000 });
    expect(await sipp.done()).toBe(0);
    const invites = p.sent.filter((s) => s.line.startsWith('INVITE'));
    expect(invites).toHaveLength(3);
    const [a1, a2] = intervals(invites.map((r) => r.at)) as [number, number];
    expect(a1).toBeGreaterThanOrEqual(495);
    expect(a1).toBeLessThan(800);
    expect(a2).toBeGreaterThanOrEqual(995);
    expect(a2).toBeLessThan(1300);
    const ack = p.sent.find((s) => s.line.startsWith('ACK'));
    // §17.1.1.3: the ACK for a non-2xx is part of the INVITE transaction: same branch.
    expect(ack?.branch).toBe(invites[0]!.branch);
    expect(got).toEqual([[486, 'network']]);
  });

  it('raises the expiry to Min-Expires after 423 and registers', async () => {
    const sipp = await sippServer(
      scenario(
        '423 then 200',
        `<recv request="REGISTER"/>\n${reply('423 Interval Too Brief', ['Min-Expires: 120'], false)}\n` +
          `<recv request="REGISTER"><action><ereg regexp="[[:space:]]*120" search_in="hdr" header="Expires:" check_it="true" assign_to="1"/></action></recv>\n` +
          reply('200 OK', ['Expires: 120']) +
          '\n<Reference variables="1"/>',
      ),
    );
    cleanup.push(() => sipp.stop());
    const p = await phone();
    cleanup.push(() => p.close());
    const { client, history } = registration(p, sipp.port, { expires: 30 });
    cleanup.push(() => client.dispose());
    client.start();
    await waitFor('registered', () => (client.state === 'registered' ? true : undefined), { timeoutMs: 10_000 });
    expect(await sipp.done()).toBe(0);
    expect(history.at(-1)).toMatchObject({ state: 'registered', expires: 120 });
  });

  it('answers a 401 with stale=true with the new nonce, without failing', async () => {
    const challenge = (nonce: string, stale: boolean) =>
      `WWW-Authenticate: Digest realm="lab.test", nonce="${nonce}", qop="auth", algorithm=MD5${stale ? ', stale=true' : ''}`;
    const sipp = await sippServer(
      scenario(
        'stale nonce',
        `<recv request="REGISTER"/>\n${reply('401 Unauthorized', [challenge('nonce-one', false)], false)}\n` +
          `<recv request="REGISTER"><action><ereg regexp="nonce=.nonce-one." search_in="hdr" header="Authorization:" check_it="true" assign_to="1"/></action></recv>\n` +
          `${reply('401 Unauthorized', [challenge('nonce-two', true)], false)}\n` +
          `<recv request="REGISTER"><action><ereg regexp="nonce=.nonce-two." search_in="hdr" header="Authorization:" check_it="true" assign_to="2"/></action></recv>\n` +
          reply('200 OK', ['Expires: 60']) +
          '\n<Reference variables="1,2"/>',
      ),
    );
    cleanup.push(() => sipp.stop());
    const p = await phone();
    cleanup.push(() => p.close());
    const { client, history } = registration(p, sipp.port);
    cleanup.push(() => client.dispose());
    client.start();
    await waitFor('registered', () => (client.state === 'registered' || client.state === 'failed' ? true : undefined), { timeoutMs: 10_000 });
    expect(history.map((h) => h.state)).toEqual(['registering', 'registered']);
    expect(await sipp.done()).toBe(0);
    expect(p.sent.filter((s) => s.line.startsWith('REGISTER'))).toHaveLength(3);
  });

  it('times out with Timer F = 64*T1 when the registrar never answers, then backs off and tries again', async () => {
    // The server swallows every copy of the first REGISTER and waits for the retry.
    const sipp = await sippServer(scenario('silent registrar', '<recv request="REGISTER"/>\n<recv request="REGISTER" timeout="20000"/>'));
    cleanup.push(() => sipp.stop());
    const T1 = 50;
    const p = await phone({ T1 });
    cleanup.push(() => p.close());
    const { client, history } = registration(p, sipp.port, { backoffBaseMs: 500 });
    cleanup.push(() => client.dispose());
    const started = clock.now();
    let failedAt = 0;
    client.onChange((s) => {
      if (s.state === 'retry-wait' && failedAt === 0) failedAt = clock.now();
    });
    client.start();
    await waitFor('second attempt', () => (new Set(p.sent.map((s) => s.branch)).size >= 2 ? true : undefined), { timeoutMs: 15_000 });
    const firstBranch = p.sent[0]!.branch;
    const firstAttempt = p.sent.filter((s) => s.branch === firstBranch);
    const retry = p.sent.find((s) => s.branch !== firstBranch)!;
    // Timer F = 64 * T1 = 3.2 s; Timer E doubled from T1 up to T2 meanwhile: 0, 50, 150, 350, 750, 1550, 3150 ms.
    expect(firstAttempt).toHaveLength(7);
    expect(failedAt - started).toBeGreaterThanOrEqual(64 * T1 - 5);
    expect(failedAt - started).toBeLessThan(64 * T1 + 700);
    const waitStatus = history.find((h) => h.state === 'retry-wait')!;
    expect(waitStatus).toMatchObject({ status: 408, reason: 'registrar did not answer', consecutiveFailures: 1 });
    // RFC 5626 §4.5 back-off after the first failure: 50–100 % of 2 × base (500 ms) = 500…1000 ms.
    expect(waitStatus.retryInMs).toBeGreaterThanOrEqual(500);
    expect(waitStatus.retryInMs).toBeLessThanOrEqual(1000);
    expect(retry.at - failedAt).toBeGreaterThanOrEqual(waitStatus.retryInMs! - 5);
    expect(retry.at - failedAt).toBeLessThan(waitStatus.retryInMs! + 700);
    expect(retry.line.startsWith('REGISTER')).toBe(true);
  });
});
