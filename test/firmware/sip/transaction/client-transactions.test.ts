import { describe, expect, it } from 'vitest';
import { ClientInviteTransaction, ClientNonInviteTransaction, type ResponseOrigin } from '../../../../firmware/sip/transaction/index.js';
import type { SipResponse } from '../../../../firmware/sip/message/index.js';
import { fakeEnv, flush, request, responseTo } from './helpers.js';

function recorder() {
  const got: Array<{ status: number; origin: ResponseOrigin }> = [];
  let terminated = 0;
  return {
    got,
    get terminated() {
      return terminated;
    },
    user: {
      onResponse: (r: SipResponse, origin: ResponseOrigin) => got.push({ status: r.status, origin }),
      onTerminated: () => terminated++,
    },
  };
}

describe('INVITE client transaction (RFC 3261 §17.1.1, RFC 6026)', () => {
  it('retransmits on UDP at T1, 2T1, 4T1… without a T2 cap, and times out with a 408 at Timer B = 64*T1', () => {
    const { clock, env, describeSent } = fakeEnv(false);
    const tu = recorder();
    const tx = new ClientInviteTransaction('k', env, request('INVITE'), tu.user);
    tx.start();
    clock.advance(31_999);
    // sends at 0, 500, 1500, 3500, 7500, 15500, 31500 (intervals 500·2^n, no cap at T2 = 4 s)
    expect(describeSent()).toEqual(['0 INVITE', '500 INVITE', '1500 INVITE', '3500 INVITE', '7500 INVITE', '15500 INVITE', '31500 INVITE']);
    expect(tu.got).toEqual([]);
    clock.advance(1);
    expect(tu.got).toEqual([{ status: 408, origin: 'timeout' }]);
    expect(tx.state).toBe('terminated');
    expect(tu.terminated).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('does not retransmit on a reliable transport but still has Timer B', () => {
    const { clock, env, describeSent } = fakeEnv(true);
    const tu = recorder();
    new ClientInviteTransaction('k', env, request('INVITE'), tu.user).start();
    clock.advance(31_999);
    expect(describeSent()).toEqual(['0 INVITE']);
    clock.advance(1);
    expect(tu.got).toEqual([{ status: 408, origin: 'timeout' }]);
  });

  it('stops retransmitting on a provisional response and passes every provisional up', () => {
    const { clock, env, describeSent } = fakeEnv(false);
    const tu = recorder();
    const invite = request('INVITE');
    const tx = new ClientInviteTransaction('k', env, invite, tu.user);
    tx.start();
    clock.advance(600);
    tx.receiveResponse(responseTo(invite, 100));
    tx.receiveResponse(responseTo(invite, 180));
    clock.advance(60_000);
    expect(describeSent()).toEqual(['0 INVITE', '500 INVITE']);
    expect(tx.state).toBe('proceeding');
    expect(tu.got.map((g) => g.status)).toEqual([100, 180]);
  });

  it('ACKs a non-2xx final response itself, re-ACKs its retransmissions, and ends after Timer D', () => {
    const { clock, env, sent } = fakeEnv(false);
    const tu = recorder();
    const invite = request('INVITE', { branch: 'z9hG4bKinv' });
    const tx = new ClientInviteTransaction('k', env, invite, tu.user);
    tx.start();
    const busy = responseTo(invite, 486, 'busytag');
    tx.receiveResponse(busy);
    tx.receiveResponse(busy);
    expect(tu.got.map((g) => g.status)).toEqual([486]);
    const acks = sent.filter((s) => s.message.kind === 'request' && s.message.method === 'ACK').map((s) => s.message as typeof invite);
    expect(acks).toHaveLength(2);
    // §17.1.1.3: same branch as the INVITE, To with the response's tag, CSeq number kept.
    expect(acks[0]!.topVia.branch).toBe('z9hG4bKinv');
    expect(acks[0]!.to.tag).toBe('busytag');
    expect(acks[0]!.cseq.toString()).toBe('1 ACK');
    expect(acks[0]!.uri.toString()).toBe(invite.uri.toString());
    expect(tx.state).toBe('completed');
    clock.advance(31_999);
    expect(tx.state).toBe('completed');
    clock.advance(1);
    expect(tx.state).toBe('terminated');
  });

  it('goes to Accepted on a 2xx, passes retransmitted and forked 2xx up, and ends after Timer M', () => {
    const { clock, env, sent } = fakeEnv(false);
    const tu = recorder();
    const invite = request('INVITE');
    const tx = new ClientInviteTransaction('k', env, invite, tu.user);
    tx.start();
    tx.receiveResponse(responseTo(invite, 200, 'a'));
    tx.receiveResponse(responseTo(invite, 200, 'a'));
    tx.receiveResponse(responseTo(invite, 200, 'b'));
    expect(tx.state).toBe('accepted');
    expect(tu.got.map((g) => g.status)).toEqual([200, 200, 200]);
    // The transaction never ACKs a 2xx: that is the dialog's job (§13.2.2.4).
    expect(sent.every((s) => s.message.kind === 'request' && s.message.method === 'INVITE')).toBe(true);
    clock.advance(32_000);
    expect(tx.state).toBe('terminated');
  });

  it('reports a transport failure as a 503 and terminates', async () => {
    const { env } = fakeEnv(false, { failSends: true });
    const tu = recorder();
    const tx = new ClientInviteTransaction('k', env, request('INVITE'), tu.user);
    tx.start();
    await flush();
    expect(tu.got).toEqual([{ status: 503, origin: 'transport-error' }]);
    expect(tx.state).toBe('terminated');
  });
});

describe('non-INVITE client transaction (RFC 3261 §17.1.2)', () => {
  it('retransmits at T1 doubling up to T2 and times out with a 408 at Timer F', () => {
    const { clock, env, describeSent } = fakeEnv(false);
    const tu = recorder();
    new ClientNonInviteTransaction('k', env, request('REGISTER'), tu.user).start();
    clock.advance(32_000);
    // 0, +500, +1000, +2000, +4000, then every T2 = 4000 until 64*T1 = 32 s
    expect(describeSent()).toEqual([
      '0 REGISTER', '500 REGISTER', '1500 REGISTER', '3500 REGISTER', '7500 REGISTER',
      '11500 REGISTER', '15500 REGISTER', '19500 REGISTER', '23500 REGISTER', '27500 REGISTER', '31500 REGISTER',
    ]);
    expect(tu.got).toEqual([{ status: 408, origin: 'timeout' }]);
  });

  it('retransmits every T2 once a provisional arrives, keeping Timer F', () => {
    const { clock, env, describeSent } = fakeEnv(false);
    const tu = recorder();
    const req = request('OPTIONS');
    const tx = new ClientNonInviteTransaction('k', env, req, tu.user);
    tx.start();
    clock.advance(100);
    tx.receiveResponse(responseTo(req, 100));
    clock.advance(12_000);
    // Timer E set at 0 fires at 500, then T2 intervals: 4500, 8500, 12500 (not yet)
    expect(describeSent()).toEqual(['0 OPTIONS', '500 OPTIONS', '4500 OPTIONS', '8500 OPTIONS']);
    expect(tx.state).toBe('proceeding');
    clock.advance(20_000);
    expect(tu.got.map((g) => g.status)).toEqual([100, 408]);
  });

  it('passes the first final response up, absorbs retransmissions during Timer K = T4, then terminates', () => {
    const { clock, env } = fakeEnv(false);
    const tu = recorder();
    const req = request('REGISTER');
    const tx = new ClientNonInviteTransaction('k', env, req, tu.user);
    tx.start();
    tx.receiveResponse(responseTo(req, 200));
    tx.receiveResponse(responseTo(req, 200));
    expect(tu.got.map((g) => g.status)).toEqual([200]);
    clock.advance(4_999);
    expect(tx.state).toBe('completed');
    clock.advance(1);
    expect(tx.state).toBe('terminated');
    expect(tu.terminated).toBe(1);
  });

  it('terminates at once after the final response on a reliable transport (Timer K = 0)', () => {
    const { clock, env } = fakeEnv(true);
    const req = request('REGISTER');
    const tx = new ClientNonInviteTransaction('k', env, req, recorder().user);
    tx.start();
    tx.receiveResponse(responseTo(req, 401));
    clock.advance(0);
    expect(tx.state).toBe('terminated');
  });

  it('uses a configured T1 for every derived timer', () => {
    const { clock, env, describeSent } = fakeEnv(false, { T1: 100 });
    const tu = recorder();
    new ClientNonInviteTransaction('k', env, request('REGISTER'), tu.user).start();
    clock.advance(6_400);
    expect(describeSent().slice(0, 4)).toEqual(['0 REGISTER', '100 REGISTER', '300 REGISTER', '700 REGISTER']);
    expect(tu.got).toEqual([{ status: 408, origin: 'timeout' }]);
  });
});
