import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../../firmware/clock/index.js';
import { SipStack, type SipAccountConfig } from '../../firmware/sip/index.js';
import { CallTransfer, type IncomingTransfer, type OutgoingTransfer, type Replacement } from '../../firmware/sip/refer/index.js';
import { CallManager, callAccount, type Call, type CallAccount } from '../../firmware/sip/session/index.js';
import type { SdpCodec } from '../../firmware/sip/sdp/index.js';
import { writeToneWav } from './support/audio.js';
import { startBaresip } from './support/baresip.js';
import { startKamailio, type Kamailio } from './support/kamailio.js';
import { missingPeers } from './support/peers.js';
import { freePort, tempDir, waitFor } from './support/processes.js';

// Issue 5 point 5 against a real phone: baresip 1.0.0 follows a REFER it receives (it calls the Refer-To
// target, reports progress in NOTIFY sipfrag), so it plays the transferee of our blind transfers, and the
// target when our phone is the transferee. As attended transferee it puts the Replaces in its Request-URI
// (1.0.0 has no Replaces header support), which our UA core accepts; it cannot be the target of an attended
// transfer (it would ring a second call, never replacing one): sipp plays that in transfer-sipp.test.ts.
// Signalling only: media is not the point here.

const skip = missingPeers('baresip', 'kamailio', 'sox');

const CODECS: SdpCodec[] = [
  { name: 'PCMU', payloadType: 0, clockRate: 8000, channels: 1 },
  { name: 'PCMA', payloadType: 8, clockRate: 8000, channels: 1 },
];

interface Phone {
  stack: SipStack;
  calls: CallManager;
  transfer: CallTransfer;
  incoming: Call[];
  account: CallAccount;
  uri: string;
}

async function startPhone(user: string, account?: SipAccountConfig, transport: 'udp' | 'tcp' = 'udp'): Promise<Phone> {
  const clock = new SystemClock();
  const stack = await SipStack.create(
    {
      bindAddress: '127.0.0.1',
      ports: { udp: 0, tcp: 0 },
      transports: [transport],
      userAgent: 'deskphone-interop',
      supported: ['100rel', 'timer', 'replaces'],
      accounts: account ? [account] : [],
    },
    { clock },
  );
  const rtpPort = await freePort(2);
  const calls = new CallManager(stack.core, { clock }, { localMedia: () => ({ address: '127.0.0.1', port: rtpPort, codecs: CODECS }) });
  const transfer = new CallTransfer(calls, { clock });
  const incoming: Call[] = [];
  calls.onIncoming((c) => incoming.push(c));
  const port = stack.localTransports[0]!.port;
  const line = account ? callAccount(account) : { user, domain: `127.0.0.1:${port}` };
  return { stack, calls, transfer, incoming, account: line, uri: `sip:${user}@${line.domain}` };
}

function until(call: Call, state: Call['state'], timeoutMs = 10_000): Promise<void> {
  return waitFor(`call ${state}`, () => (call.state === state ? true : undefined), { timeoutMs }).then(() => undefined);
}

function track(transfer: OutgoingTransfer): string[] {
  const log: string[] = [];
  transfer.on('accepted', (a) => log.push(`accepted ${a.status}`));
  transfer.on('progress', (p) => log.push(`progress ${p.status}`));
  transfer.on('done', (d) => log.push(`done ${d.succeeded ? 'ok' : 'failed'} ${d.words}`));
  return log;
}

describe.skipIf(skip !== undefined)(`transfer with baresip (${skip ?? 'installed'})`, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let wav: string;
  const cleanup: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    dir = await tempDir('transfer');
    wav = join(dir.path, 'tone.wav');
    writeToneWav(wav, 440, 20);
  });
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c().catch(() => undefined);
  });
  afterAll(async () => {
    await dir?.remove();
  });

  async function phone(user: string) {
    const p = await startPhone(user);
    cleanup.push(() => p.stack.stop());
    return p;
  }

  it('blind transfer with baresip as transferee: it calls the target, our NOTIFY events end in success, the call to it ends', async () => {
    const alice = await phone('alice');
    const carol = await phone('carol');
    const bob = await startBaresip({ user: 'bob', wav });
    cleanup.push(() => bob.stop());
    const call = alice.calls.call(bob.uri, alice.account);
    await until(call, 'active');
    await bob.waitForEvent('CALL_ESTABLISHED');

    const transfer = alice.transfer.blind(call, carol.uri);
    const log = track(transfer);
    const atCarol = await waitFor('the transferred call at carol', () => carol.incoming[0]);
    expect(atCarol.remoteIdentity.uri.toString()).toContain('bob@');
    atCarol.answer();
    await waitFor('transfer done', () => transfer.outcome);
    expect(transfer.outcome).toMatchObject({ succeeded: true, status: 200 });
    expect(log[0]).toMatch(/^accepted 20[02]$/);
    expect(log).toContain('progress 200');
    await until(call, 'ended');
    expect(atCarol.state).toBe('active');
    atCarol.hangup();
  });

  it('blind transfer to a busy target: the failure comes back in the NOTIFY and our call stays up', async () => {
    const alice = await phone('alice');
    const carol = await phone('carol');
    carol.calls.onIncoming((c) => c.reject(486));
    const bob = await startBaresip({ user: 'bob', wav });
    cleanup.push(() => bob.stop());
    const call = alice.calls.call(bob.uri, alice.account);
    await until(call, 'active');
    await bob.waitForEvent('CALL_ESTABLISHED');
    const transfer = alice.transfer.blind(call, carol.uri);
    await waitFor('transfer done', () => transfer.outcome);
    expect(transfer.outcome).toMatchObject({ succeeded: false, status: 486 });
    expect(call.state).toBe('active');
    call.hangup();
  });

  it('attended transfer with baresip 1.0.0 as transferee: its Request-URI Replaces takes the place of our consultation call at the target', async () => {
    // baresip 1.0.0 has no Replaces support of its own: it copies the Refer-To URI, `?Replaces=` and all,
    // into its INVITE's Request-URI, with each escaped ; and = turned into ? (captured on lo with tshark:
    // `INVITE sip:carol@127.0.0.1:58122?Replaces=<call-id>?to-tag?<tag>?from-tag?<tag> SIP/2.0`, no
    // Replaces header). Our UA core moves it into a Replaces header, so carol's consultation call with alice
    // is replaced by bob's call without ringing, and alice leaves both calls.
    const alice = await phone('alice');
    const carol = await phone('carol');
    const replaced: Replacement[] = [];
    carol.transfer.on('replaced', (r) => replaced.push(r));
    const bob = await startBaresip({ user: 'bob', wav });
    cleanup.push(() => bob.stop());
    const call = alice.calls.call(bob.uri, alice.account);
    await until(call, 'active');
    await bob.waitForEvent('CALL_ESTABLISHED');
    const consult = alice.calls.call(carol.uri, alice.account);
    const atCarol = await waitFor('consultation call at carol', () => carol.incoming[0]);
    atCarol.answer();
    await until(consult, 'active');

    const transfer = alice.transfer.attended(call, consult);
    const log = track(transfer);
    const replacement = await waitFor('bob replaces alice at carol', () => replaced[0]);
    expect(replacement.replaced).toBe(atCarol);
    expect(replacement.call.remoteIdentity.uri.toString()).toContain('bob@');
    await until(replacement.call, 'active');
    await waitFor('transfer done', () => transfer.outcome);
    expect(transfer.outcome).toMatchObject({ succeeded: true, status: 200 });
    expect(log).toContain('progress 200');
    await until(atCarol, 'ended');
    await until(consult, 'ended');
    await until(call, 'ended');
    // No second ringing call at carol: the replacement was answered at once (RFC 3891 §3).
    expect(carol.incoming).toHaveLength(1);
    replacement.call.hangup();
    await bob.waitForEvent('CALL_CLOSED');
  });

  it('being transferred, with baresip as target: we call it, report 200 in NOTIFY, and leave the transferor', async () => {
    const alice = await phone('alice');
    const dave = await phone('dave');
    const referred: IncomingTransfer[] = [];
    dave.transfer.on('referred', (r) => referred.push(r));
    const bob = await startBaresip({ user: 'bob', wav });
    cleanup.push(() => bob.stop());
    const call = alice.calls.call(dave.uri, alice.account);
    const atDave = await waitFor('call at dave', () => dave.incoming[0]);
    atDave.answer();
    await until(call, 'active');

    const transfer = alice.transfer.blind(call, bob.uri);
    const log = track(transfer);
    await waitFor('dave referred', () => referred[0]);
    await bob.waitForEvent('CALL_ESTABLISHED');
    await until(referred[0]!.newCall, 'active');
    await waitFor('transfer done', () => transfer.outcome);
    expect(log).toEqual(expect.arrayContaining(['accepted 202', 'progress 100', 'progress 200', 'done ok Transferred']));
    await until(atDave, 'ended');
    await until(call, 'ended');
    referred[0]!.newCall.hangup();
    await bob.waitForEvent('CALL_CLOSED');
  });

  describe('through Kamailio', () => {
    let kamailio: Kamailio;
    beforeAll(async () => {
      kamailio = await startKamailio({
        users: [
          { user: 'alice', password: 'alice-pw' },
          { user: 'bob', password: 'bob-pw' },
          { user: 'carol', password: 'carol-pw' },
        ],
      });
    });
    afterAll(async () => {
      await kamailio?.stop();
    });

    async function registered(user: string, transport: 'udp' | 'tcp') {
      const proxy = `127.0.0.1:${kamailio.ports.udp}${transport === 'tcp' ? ';transport=tcp' : ''}`;
      const p = await startPhone(user, { id: 'line1', user, password: `${user}-pw`, domain: kamailio.domain, outboundProxy: proxy, transport, expires: 120 }, transport);
      cleanup.push(() => p.stack.stop());
      p.stack.start();
      await waitFor(`${user} registered`, () => (p.stack.registrationStatus()['line1']?.state === 'registered' ? true : undefined));
      return p;
    }

    it.each(['udp', 'tcp'] as const)('blind transfer by number over %s: REFER and NOTIFYs follow the route set, baresip reaches carol through the proxy', async (transport) => {
      const alice = await registered('alice', transport);
      const carol = await registered('carol', 'udp');
      carol.calls.onIncoming((c) => c.answer());
      const bob = await startBaresip({ user: 'bob', password: 'bob-pw', registrar: `127.0.0.1:${kamailio.ports.udp}`, wav });
      cleanup.push(() => bob.stop());
      const call = alice.calls.call('bob', alice.account);
      await until(call, 'active');
      await bob.waitForEvent('CALL_ESTABLISHED');
      expect(call.confirmedDialog!.routeSet.length).toBeGreaterThan(0);

      const transfer = alice.transfer.blind(call, 'carol');
      const log = track(transfer);
      await waitFor('transfer done', () => transfer.outcome);
      expect(transfer.outcome, log.join(', ')).toMatchObject({ succeeded: true, status: 200 });
      const atCarol = carol.incoming[0]!;
      expect(atCarol.remoteIdentity.uri.toString()).toContain('bob@');
      await until(call, 'ended');
      expect(atCarol.state).toBe('active');
      atCarol.hangup();
    });

    it('attended transfer with baresip as transferee: its INVITE, Request-URI Replaces and all, reaches carol through the proxy and replaces the consultation call', async () => {
      const alice = await registered('alice', 'udp');
      const carol = await registered('carol', 'udp');
      carol.calls.onIncoming((c) => c.answer());
      const replaced: Replacement[] = [];
      carol.transfer.on('replaced', (r) => replaced.push(r));
      const bob = await startBaresip({ user: 'bob', password: 'bob-pw', registrar: `127.0.0.1:${kamailio.ports.udp}`, wav });
      cleanup.push(() => bob.stop());
      const call = alice.calls.call('bob', alice.account);
      await until(call, 'active');
      await bob.waitForEvent('CALL_ESTABLISHED');
      const consult = alice.calls.call('carol', alice.account);
      await until(consult, 'active');

      const transfer = alice.transfer.attended(call, consult);
      const log = track(transfer);
      await waitFor('transfer done', () => transfer.outcome);
      expect(transfer.outcome, log.join(', ')).toMatchObject({ succeeded: true, status: 200 });
      expect(replaced).toHaveLength(1);
      expect(replaced[0]!.replaced).toBe(carol.incoming[0]);
      expect(replaced[0]!.call.remoteIdentity.uri.toString()).toContain('bob@');
      await until(call, 'ended');
      await until(consult, 'ended');
      expect(carol.incoming).toHaveLength(1);
      replaced[0]!.call.hangup();
    });
  });
});
