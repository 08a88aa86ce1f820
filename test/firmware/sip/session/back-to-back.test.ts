import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../support/fake-clock.js';
import { UserAgentCore } from '../../../../firmware/sip/ua/index.js';
import type { HostPort, Transport } from '../../../../firmware/sip/transport/index.js';
import { CallManager, type Call } from '../../../../firmware/sip/session/index.js';
import { PCMA, PCMU, TE, flush } from './harness.js';

/**
 * Two of our phones wired back to back through an in-memory network on one FakeClock: each half of the
 * session code (UAC and UAS) is checked against the other over hours of simulated time.
 */
function network() {
  const clock = new FakeClock();
  const cores = new Map<number, UserAgentCore>();
  const wire: string[] = [];
  const phone = (port: number, codecs = [PCMU, PCMA, TE], sessionTimer = { expires: 1800 }, mediaAddress = '127.0.0.1') => {
    const local: HostPort = { address: '127.0.0.1', port };
    const transport: Transport = {
      protocol: 'UDP',
      reliable: false,
      local,
      send(data, to) {
        const text = Buffer.from(data).toString('latin1');
        wire.push(`${port}→${to.port} ${text.slice(0, text.indexOf(' ', text.startsWith('SIP/2.0') ? 8 : 0)).replace('SIP/2.0 ', '')}`);
        // 5 ms one way: messages arrive in order, after the sender's turn.
        clock.setTimeout(() => cores.get(to.port)?.receive({ data, protocol: 'UDP', remote: local, local: { address: '127.0.0.1', port: to.port } }), 5);
        return Promise.resolve({ local });
      },
      sendKeepAlive: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
    const core = new UserAgentCore({
      clock,
      transports: [transport],
      locate: (req) => Promise.resolve([{ protocol: 'UDP', address: '127.0.0.1', port: req.port ?? 5060, serverName: req.host }]),
      supported: ['100rel', 'timer'],
    });
    cores.set(port, core);
    const manager = new CallManager(core, { clock }, { localMedia: () => ({ address: mediaAddress, port: port + 10000, codecs }), sessionTimer });
    const incoming: Call[] = [];
    manager.onIncoming((c) => incoming.push(c));
    return { core, manager, incoming, account: { user: `u${port}`, domain: `127.0.0.1:${port}` } };
  };
  /** Lets time pass timer by timer, so promise-based sends (RFC 3263 locate) get their turn between them. */
  const run = async (ms: number) => {
    const end = clock.now() + ms;
    await flush();
    while (clock.now() < end) {
      const next = clock.nextTimerIn();
      clock.advance(next === undefined ? end - clock.now() : Math.min(Math.max(next, 0), end - clock.now()));
      await flush();
    }
  };
  return { clock, phone, run, wire };
}

describe('two phones back to back', () => {
  it('call, answer, hold, being held, resume, DTMF, session refreshes for two hours, hang-up', async () => {
    const net = network();
    const a = net.phone(5062);
    const b = net.phone(5064, [PCMA, TE], { expires: 600 });
    const call = a.manager.call('sip:u5064@127.0.0.1:5064', a.account);
    await net.run(100);
    const callee = b.incoming[0]!;
    expect(callee.state).toBe('ringing');
    expect(call.state).toBe('early');
    callee.answer();
    await net.run(100);
    expect(call.state).toBe('active');
    expect(call.media).toMatchObject({ codec: { name: 'PCMA' }, remotePort: 15064, telephoneEventPayloadType: 101 });
    expect(callee.media).toMatchObject({ codec: { name: 'PCMA' }, remotePort: 15062 });

    const heldAtB: boolean[] = [];
    callee.on('hold', (h) => heldAtB.push(h.remote));
    const refreshes = () => net.wire.filter((w) => w.startsWith('5062→5064 INVITE')).length;
    call.hold();
    await net.run(100);
    expect(call.localHold).toBe(true);
    expect(callee.remoteHold).toBe(true);
    expect(callee.media?.direction).toBe('recvonly');
    // B holds as well: its offer must be inactive (RFC 3264 §8.4), and A sees it.
    callee.hold();
    await net.run(100);
    expect(callee.media?.direction).toBe('inactive');
    expect(call.remoteHold).toBe(true);
    call.resume();
    callee.resume();
    await net.run(10_000);
    expect([call.localHold, call.remoteHold, callee.localHold, callee.remoteHold]).toEqual([false, false, false, false]);
    expect(call.media?.direction).toBe('sendrecv');
    expect(heldAtB[0]).toBe(true);
    expect(heldAtB.at(-1)).toBe(false);

    const digits: string[] = [];
    callee.on('dtmf', (d) => digits.push(d.digit));
    for (const d of '123#') call.sendDtmfInfo(d);
    await net.run(200);
    expect(digits).toEqual(['1', '2', '3', '#']);

    // A asked for 1800 s; B accepts, and since A supports timers A refreshes, every 900 s; B would hang up at
    // 1768 s without them.
    const before = refreshes();
    await net.run(2 * 3600 * 1000);
    expect(refreshes() - before).toBe(8);
    expect(call.state).toBe('active');
    expect(callee.state).toBe('active');

    callee.hangup();
    await net.run(100);
    expect(call.ended).toEqual({ kind: 'remote', words: 'Call ended' });
    expect(callee.ended).toEqual({ kind: 'local', words: 'Call ended' });
    expect(a.core.dialogs.size + b.core.dialogs.size).toBe(0);
    expect(a.manager.calls.length + b.manager.calls.length).toBe(0);
  });

  it('negotiates IPv6 media with an IPv4 one: each side sends to the address the other wrote (IN IP6 / IN IP4)', async () => {
    const net = network();
    const a = net.phone(5062, [PCMU, TE], { expires: 1800 }, '2001:db8::10');
    const b = net.phone(5064, [PCMU, TE], { expires: 1800 }, '192.0.2.20');
    const call = a.manager.call('sip:u5064@127.0.0.1:5064', a.account);
    await net.run(100);
    b.incoming[0]!.answer();
    await net.run(100);
    expect(call.media).toMatchObject({ remoteAddress: '192.0.2.20', localAddress: '2001:db8::10' });
    expect(b.incoming[0]!.media).toMatchObject({ remoteAddress: '2001:db8::10', localAddress: '192.0.2.20' });
  });

  it('glare: both hold at once, each gets 491, the back-offs differ and both end up held', async () => {
    const net = network();
    const a = net.phone(5062);
    const b = net.phone(5064);
    const call = a.manager.call('sip:u5064@127.0.0.1:5064', a.account);
    await net.run(100);
    b.incoming[0]!.answer();
    await net.run(100);
    const callee = b.incoming[0]!;
    call.hold();
    callee.hold();
    await net.run(100);
    expect(net.wire.filter((w) => w.includes('491'))).toHaveLength(2);
    await net.run(8000);
    expect([call.localHold, callee.localHold]).toEqual([true, true]);
    expect(call.media?.direction).toBe('inactive');
  });
});
