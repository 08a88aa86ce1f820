import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../support/fake-clock.js';
import { TransactionLayer, type TransactionTarget } from '../../../../firmware/sip/transaction/index.js';
import { createResponse, type SipMessage, type SipResponse } from '../../../../firmware/sip/message/index.js';
import { request, responseTo } from './helpers.js';

const UDP: TransactionTarget = { protocol: 'UDP', address: '127.0.0.1', port: 5060 };
const TCP: TransactionTarget = { protocol: 'TCP', address: '127.0.0.1', port: 5060, connectionId: 'tcp-1' };

function layer() {
  const clock = new FakeClock();
  const sent: Array<{ message: SipMessage; target: TransactionTarget }> = [];
  const l = new TransactionLayer({ clock, send: (message, target) => (sent.push({ message, target }), Promise.resolve()) });
  return { clock, sent, layer: l };
}

describe('TransactionLayer matching (RFC 3261 §17.1.3, §17.2.3)', () => {
  it('routes a response by branch and CSeq method, and reports a stray one', () => {
    const { layer: l } = layer();
    const got: number[] = [];
    const reg = request('REGISTER', { branch: 'z9hG4bKreg' });
    l.sendRequest(reg, UDP, { onResponse: (r: SipResponse) => got.push(r.status) });
    expect(l.receiveResponse(responseTo(reg, 200))).toBe(true);
    expect(got).toEqual([200]);
    // same branch, other method (a CANCEL's response) does not match the REGISTER transaction
    expect(l.receiveResponse(responseTo(request('CANCEL', { branch: 'z9hG4bKreg' }), 200))).toBe(false);
    expect(l.receiveResponse(responseTo(request('REGISTER', { branch: 'z9hG4bKother' }), 200))).toBe(false);
  });

  it('absorbs a retransmitted request and matches an ACK for a non-2xx to its INVITE transaction', () => {
    const { layer: l, sent } = layer();
    const invite = request('INVITE', { branch: 'z9hG4bKi1' });
    const first = l.receiveRequest(invite, UDP);
    expect(first.kind).toBe('new');
    expect(l.receiveRequest(request('INVITE', { branch: 'z9hG4bKi1' }), UDP).kind).toBe('absorbed');
    if (first.kind !== 'new') throw new Error('unreachable');
    first.transaction.respond(createResponse(invite, 486, { toTag: 'x' }));
    const ack = l.receiveRequest(request('ACK', { branch: 'z9hG4bKi1', toTag: 'x' }), UDP);
    expect(ack.kind).toBe('absorbed');
    expect(first.transaction.state).toBe('confirmed');
    // the 100 Trying, its retransmission's answer and the 486 went to the response target
    expect(sent.map((s) => (s.message as SipResponse).status)).toEqual([100, 100, 486]);
    expect(sent.every((s) => s.target === UDP)).toBe(true);
  });

  it('hands an ACK matching no transaction (the ACK for a 2xx) to the core', () => {
    const { layer: l } = layer();
    expect(l.receiveRequest(request('ACK', { branch: 'z9hG4bKnew', toTag: 'x' }), UDP)).toEqual({ kind: 'ack' });
  });

  it('tells transactions apart by sent-by as well as branch', () => {
    const { layer: l } = layer();
    const a = request('OPTIONS', { via: 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKsame' });
    const b = request('OPTIONS', { via: 'SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bKsame' });
    expect(l.receiveRequest(a, UDP).kind).toBe('new');
    expect(l.receiveRequest(b, UDP).kind).toBe('new');
    expect(l.serverCount).toBe(2);
  });

  it('matches RFC 2543 requests (no magic cookie) by Request-URI, tags, Call-ID, CSeq and Via', () => {
    const { layer: l } = layer();
    const old = request('INVITE', { via: 'SIP/2.0/UDP 10.0.0.9:5060;branch=1234' });
    expect(l.receiveRequest(old, UDP).kind).toBe('new');
    expect(l.receiveRequest(request('INVITE', { via: 'SIP/2.0/UDP 10.0.0.9:5060;branch=1234' }), UDP).kind).toBe('absorbed');
    expect(l.receiveRequest(request('INVITE', { via: 'SIP/2.0/UDP 10.0.0.9:5060;branch=1234', cseq: 2 }), UDP).kind).toBe('new');
    const noBranch = request('OPTIONS', { via: 'SIP/2.0/UDP 10.0.0.9:5060' });
    expect(l.receiveRequest(noBranch, UDP).kind).toBe('new');
    expect(l.receiveRequest(request('OPTIONS', { via: 'SIP/2.0/UDP 10.0.0.9:5060' }), UDP).kind).toBe('absorbed');
  });

  it('finds the INVITE transaction a CANCEL refers to (§9.2)', () => {
    const { layer: l } = layer();
    l.receiveRequest(request('INVITE', { branch: 'z9hG4bKc1' }), UDP);
    expect(l.findCancelTarget(request('CANCEL', { branch: 'z9hG4bKc1' }))?.kind).toBe('server-invite');
    expect(l.findCancelTarget(request('CANCEL', { branch: 'z9hG4bKc2' }))).toBeUndefined();
  });

  it('detects a merged request: same From tag, Call-ID and CSeq through another branch (§8.2.2.2)', () => {
    const { layer: l } = layer();
    const first = l.receiveRequest(request('INVITE', { branch: 'z9hG4bKpath1' }), UDP);
    const second = l.receiveRequest(request('INVITE', { branch: 'z9hG4bKpath2' }), UDP);
    if (first.kind !== 'new' || second.kind !== 'new') throw new Error('both are new transactions');
    expect(l.isMerged(request('INVITE', { branch: 'z9hG4bKpath1' }), first.transaction)).toBe(false);
    expect(l.isMerged(request('INVITE', { branch: 'z9hG4bKpath2' }), second.transaction)).toBe(true);
  });

  it('chooses timers by the target transport and forgets transactions once terminated', () => {
    const { layer: l, clock, sent } = layer();
    const reg = request('REGISTER', { branch: 'z9hG4bKtcp' });
    l.sendRequest(reg, TCP, { onResponse() {} });
    clock.advance(5_000);
    expect(sent).toHaveLength(1); // no retransmission over TCP
    expect(sent[0]!.target.connectionId).toBe('tcp-1');
    l.receiveResponse(responseTo(reg, 200));
    clock.advance(0);
    expect(l.clientCount).toBe(0);
  });

  it('refuses to send an ACK or a duplicate branch through a client transaction', () => {
    const { layer: l } = layer();
    expect(() => l.sendRequest(request('ACK'), UDP, { onResponse() {} })).toThrow(/ACK/);
    l.sendRequest(request('OPTIONS', { branch: 'z9hG4bKdup' }), UDP, { onResponse() {} });
    expect(() => l.sendRequest(request('OPTIONS', { branch: 'z9hG4bKdup' }), UDP, { onResponse() {} })).toThrow(/exists/);
  });
});

describe('TransactionLayer CANCEL (RFC 3261 §9.1)', () => {
  it('sends CANCEL only once the INVITE is proceeding, to the same target, with the INVITE branch', () => {
    const { layer: l, sent } = layer();
    const invite = request('INVITE', { branch: 'z9hG4bKcancelme', cseq: 7 });
    const target = { ...TCP };
    const tx = l.sendRequest(invite, target, { onResponse() {} });
    if (tx.kind !== 'client-invite') throw new Error('expected an INVITE transaction');
    expect(l.sendCancel(tx, { onResponse() {} })).toBeUndefined();
    l.receiveResponse(responseTo(invite, 180));
    const cancelTx = l.sendCancel(tx, { onResponse() {} });
    expect(cancelTx?.kind).toBe('client-non-invite');
    const cancel = sent.at(-1)!;
    expect(cancel.target).toBe(target);
    const msg = cancel.message as typeof invite;
    expect(msg.method).toBe('CANCEL');
    expect(msg.topVia.branch).toBe('z9hG4bKcancelme');
    expect(msg.cseq.toString()).toBe('7 CANCEL');
    expect(msg.headers.getAll('via')).toHaveLength(1);
  });
});
