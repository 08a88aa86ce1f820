import { describe, expect, it } from 'vitest';
import { ServerInviteTransaction, ServerNonInviteTransaction } from '../../../../firmware/sip/transaction/index.js';
import { createResponse } from '../../../../firmware/sip/message/index.js';
import { fakeEnv, flush, request } from './helpers.js';

describe('INVITE server transaction (RFC 3261 §17.2.1, RFC 6026 §7.1)', () => {
  it('sends 100 Trying at once and answers an INVITE retransmission with the latest provisional', () => {
    const { env, describeSent } = fakeEnv(false);
    const invite = request('INVITE');
    const tx = new ServerInviteTransaction('k', env, invite);
    tx.start();
    tx.receiveRequest(invite);
    tx.respond(createResponse(invite, 180, { toTag: 'x' }));
    tx.receiveRequest(invite);
    expect(describeSent()).toEqual(['0 100', '0 100', '0 180', '0 180']);
  });

  it('retransmits a final non-2xx at Timer G (T1 doubling, capped at T2) until the ACK, then absorbs ACKs for Timer I', () => {
    const { clock, env, describeSent } = fakeEnv(false);
    const invite = request('INVITE');
    const tx = new ServerInviteTransaction('k', env, invite);
    tx.start();
    tx.respond(createResponse(invite, 486, { toTag: 'x' }));
    clock.advance(12_000);
    expect(describeSent()).toEqual(['0 100', '0 486', '500 486', '1500 486', '3500 486', '7500 486', '11500 486']);
    tx.receiveRequest(request('ACK', { toTag: 'x' }));
    expect(tx.state).toBe('confirmed');
    clock.advance(10_000);
    expect(describeSent()).toHaveLength(7);
    expect(tx.state).toBe('terminated');
  });

  it('tells its user when Timer H fires without an ACK', () => {
    const { clock, env } = fakeEnv(false);
    const invite = request('INVITE');
    const tx = new ServerInviteTransaction('k', env, invite);
    const failures: string[] = [];
    tx.setUser({ onFailure: (reason) => failures.push(reason) });
    tx.start();
    tx.respond(createResponse(invite, 603, { toTag: 'x' }));
    clock.advance(31_999);
    expect(failures).toEqual([]);
    clock.advance(1);
    expect(failures).toEqual(['timeout']);
    expect(tx.state).toBe('terminated');
  });

  it('keeps the transaction in Accepted after a 2xx: INVITE retransmissions absorbed, ACKs passed up, gone after Timer L', () => {
    const { clock, env, describeSent } = fakeEnv(false);
    const invite = request('INVITE');
    const tx = new ServerInviteTransaction('k', env, invite);
    const acks: string[] = [];
    tx.setUser({ onAck: (ack) => acks.push(ack.method) });
    tx.start();
    tx.respond(createResponse(invite, 200, { toTag: 'x' }));
    tx.receiveRequest(invite);
    tx.respond(createResponse(invite, 200, { toTag: 'x' })); // the TU's own 2xx retransmission (§13.3.1.4)
    tx.receiveRequest(request('ACK', { toTag: 'x' }));
    expect(describeSent()).toEqual(['0 100', '0 200', '0 200']);
    expect(acks).toEqual(['ACK']);
    clock.advance(32_000);
    expect(tx.state).toBe('terminated');
  });

  it('does not retransmit responses on a reliable transport and leaves Confirmed at once (Timer I = 0)', () => {
    const { clock, env, describeSent } = fakeEnv(true);
    const invite = request('INVITE');
    const tx = new ServerInviteTransaction('k', env, invite);
    tx.start();
    tx.respond(createResponse(invite, 404, { toTag: 'x' }));
    clock.advance(10_000);
    expect(describeSent()).toEqual(['0 100', '0 404']);
    tx.receiveRequest(request('ACK', { toTag: 'x' }));
    clock.advance(0);
    expect(tx.state).toBe('terminated');
  });

  it('reports a response that cannot be sent as a transport failure', async () => {
    const { env } = fakeEnv(true, { failSends: true });
    const tx = new ServerInviteTransaction('k', env, request('INVITE'));
    const failures: string[] = [];
    tx.setUser({ onFailure: (reason) => failures.push(reason) });
    tx.start();
    await flush();
    expect(failures).toEqual(['transport-error']);
    expect(tx.state).toBe('terminated');
  });
});

describe('non-INVITE server transaction (RFC 3261 §17.2.2)', () => {
  it('discards retransmissions while Trying, resends the last response after, and ends after Timer J', () => {
    const { clock, env, describeSent } = fakeEnv(false);
    const req = request('OPTIONS');
    const tx = new ServerNonInviteTransaction('k', env, req);
    tx.start();
    tx.receiveRequest(req);
    expect(describeSent()).toEqual([]);
    tx.respond(createResponse(req, 200, { toTag: 'x' }));
    tx.receiveRequest(req);
    // a second final from the TU is ignored: the transaction is Completed
    tx.respond(createResponse(req, 500));
    expect(describeSent()).toEqual(['0 200', '0 200']);
    clock.advance(31_999);
    expect(tx.state).toBe('completed');
    clock.advance(1);
    expect(tx.state).toBe('terminated');
  });

  it('answers a retransmission in Proceeding with the provisional', () => {
    const { env, describeSent } = fakeEnv(false);
    const req = request('REGISTER');
    const tx = new ServerNonInviteTransaction('k', env, req);
    tx.start();
    tx.respond(createResponse(req, 100));
    tx.receiveRequest(req);
    expect(tx.state).toBe('proceeding');
    expect(describeSent()).toEqual(['0 100', '0 100']);
  });

  it('terminates right after the final response on a reliable transport (Timer J = 0)', () => {
    const { clock, env } = fakeEnv(true);
    const req = request('OPTIONS');
    const tx = new ServerNonInviteTransaction('k', env, req);
    tx.start();
    tx.respond(createResponse(req, 200));
    clock.advance(0);
    expect(tx.state).toBe('terminated');
  });
});
