import { afterEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../../firmware/clock/index.js';
import { SipStack } from '../../firmware/sip/index.js';
import { CallTransfer, type IncomingTransfer, type Replacement } from '../../firmware/sip/refer/index.js';
import { CallManager, type Call, type CallAccount } from '../../firmware/sip/session/index.js';
import { freePort, waitFor } from './support/processes.js';

// Issue 5 point 5 end to end between three of our own SIP stacks on loopback sockets: an attended transfer
// where every part is ours — the transferor's REFER with Replaces (RFC 5589 §7), the transferee's INVITE with
// Replaces and its NOTIFYs, and the target swapping the consultation call for the new one (RFC 3891 §3).
// Needs no peer package, so it always runs.

const CODECS = [{ name: 'PCMU', payloadType: 0, clockRate: 8000, channels: 1 }];

describe('attended transfer between three deskphone stacks', () => {
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
    calls.onIncoming((c) => {
      incoming.push(c);
      c.answer();
    });
    const port = stack.localTransports[0]!.port;
    const account: CallAccount = { user, domain: `127.0.0.1:${port}` };
    return { calls, transfer, incoming, account, uri: `sip:${user}@127.0.0.1:${port}` };
  }

  const active = (call: Call) => waitFor('call active', () => (call.state === 'active' ? true : undefined));
  const ended = (call: Call) => waitFor('call ended', () => call.ended);

  it('bob ends up talking to carol; alice is out of both calls; carol never rang twice', async () => {
    const alice = await phone('alice');
    const bob = await phone('bob');
    const carol = await phone('carol');
    const referred: IncomingTransfer[] = [];
    bob.transfer.on('referred', (r) => referred.push(r));
    const replaced: Replacement[] = [];
    carol.transfer.on('replaced', (r) => replaced.push(r));

    const toBob = alice.calls.call(bob.uri, alice.account);
    await active(toBob);
    const consult = alice.calls.call(carol.uri, alice.account);
    await active(consult);
    const progress: number[] = [];
    const transfer = alice.transfer.attended(toBob, consult);
    transfer.on('progress', (p) => progress.push(p.status));

    await waitFor('transfer done', () => transfer.outcome);
    expect(transfer.outcome).toMatchObject({ succeeded: true, status: 200 });
    expect(progress[0]).toBe(100);
    expect(progress.at(-1)).toBe(200);
    expect(referred).toHaveLength(1);
    expect(replaced).toHaveLength(1);
    expect(replaced[0]!.replaced).toBe(carol.incoming[0]);
    expect(replaced[0]!.call.callId).toBe(referred[0]!.newCall.callId);
    await ended(toBob);
    await ended(consult);
    expect(consult.ended).toMatchObject({ kind: 'remote' });
    expect(referred[0]!.newCall.state).toBe('active');
    expect(replaced[0]!.call.state).toBe('active');
    expect(carol.incoming).toHaveLength(1);

    referred[0]!.newCall.hangup();
    await ended(replaced[0]!.call);
    expect(replaced[0]!.call.ended).toMatchObject({ kind: 'remote' });
  });
});
