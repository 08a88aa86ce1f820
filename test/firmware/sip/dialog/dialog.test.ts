import { describe, expect, it } from 'vitest';
import { Dialog, DialogTable } from '../../../../firmware/sip/dialog/index.js';
import { parseMessage, type SipRequest, type SipResponse } from '../../../../firmware/sip/message/index.js';

const INVITE = parseMessage(
  'INVITE sip:bob@lab.test SIP/2.0\r\n' +
    'Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bKa\r\n' +
    'Max-Forwards: 70\r\n' +
    'From: "Alice" <sip:alice@lab.test>;tag=alice-tag\r\n' +
    'To: <sip:bob@lab.test>\r\n' +
    'Call-ID: c1@lab.test\r\n' +
    'CSeq: 314 INVITE\r\n' +
    'Contact: <sip:alice@127.0.0.1:5062>\r\n' +
    'Record-Route: <sip:p2.lab.test;lr>, <sip:p1.lab.test;lr>\r\n' +
    'Content-Length: 0\r\n\r\n',
) as SipRequest;

function ok(contact: string, recordRoute: string[], status = 200): SipResponse {
  return parseMessage(
    `SIP/2.0 ${status} OK\r\n` +
      'Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bKa\r\n' +
      'From: "Alice" <sip:alice@lab.test>;tag=alice-tag\r\n' +
      'To: <sip:bob@lab.test>;tag=bob-tag\r\n' +
      'Call-ID: c1@lab.test\r\n' +
      'CSeq: 314 INVITE\r\n' +
      `Contact: ${contact}\r\n` +
      recordRoute.map((r) => `Record-Route: ${r}\r\n`).join('') +
      'Content-Length: 0\r\n\r\n',
  ) as SipResponse;
}

describe('Dialog as UAC (RFC 3261 §12.1.2, §12.2.1.1)', () => {
  it('takes its id from the tags, the route set from Record-Route reversed, the target from Contact', () => {
    const d = Dialog.asUac(INVITE, ok('<sip:bob@10.0.0.2:5060>', ['<sip:p2.lab.test;lr>', '<sip:p1.lab.test;lr>']));
    expect(d.id).toEqual({ callId: 'c1@lab.test', localTag: 'alice-tag', remoteTag: 'bob-tag' });
    expect(d.state).toBe('confirmed');
    expect(d.routeSet.map(String)).toEqual(['<sip:p1.lab.test;lr>', '<sip:p2.lab.test;lr>']);
    const bye = d.createRequest('BYE');
    expect(bye.uri.toString()).toBe('sip:bob@10.0.0.2:5060');
    expect(bye.headers.getAll('route')).toEqual(['<sip:p1.lab.test;lr>', '<sip:p2.lab.test;lr>']);
    expect(bye.cseq.toString()).toBe('315 BYE');
    expect(bye.from.tag).toBe('alice-tag');
    expect(bye.to.tag).toBe('bob-tag');
    expect(bye.maxForwards).toBe(70);
    expect(d.createRequest('INFO').cseq.seq).toBe(316);
  });

  it('is early on a 1xx with a To tag and confirmed by the 2xx', () => {
    const d = Dialog.asUac(INVITE, ok('<sip:bob@10.0.0.2>', [], 180));
    expect(d.state).toBe('early');
    d.confirm();
    expect(d.state).toBe('confirmed');
  });

  it('builds the ACK for a 2xx with the INVITE CSeq number and without bumping the local sequence', () => {
    const d = Dialog.asUac(INVITE, ok('<sip:bob@10.0.0.2>', []));
    const ack = d.createAck(314);
    expect(ack.cseq.toString()).toBe('314 ACK');
    expect(d.localSeq).toBe(314);
    expect(() => d.createRequest('ACK')).toThrow(/CSeq/);
  });

  it('routes through a strict router by putting it in the Request-URI and the target last in Route', () => {
    const d = Dialog.asUac(INVITE, ok('<sip:bob@10.0.0.2>', ['<sip:p2.lab.test>', '<sip:p1.lab.test;transport=tcp>']));
    const bye = d.createRequest('BYE');
    expect(bye.uri.toString()).toBe('sip:p1.lab.test');
    expect(bye.headers.getAll('route')).toEqual(['<sip:p2.lab.test>', '<sip:bob@10.0.0.2>']);
  });

  it('refreshes the remote target but never the route set', () => {
    const d = Dialog.asUac(INVITE, ok('<sip:bob@10.0.0.2>', ['<sip:p1.lab.test;lr>']));
    d.refreshTarget(ok('<sip:bob@10.0.0.99:5070>', ['<sip:elsewhere;lr>']));
    const req = d.createRequest('INFO');
    expect(req.uri.toString()).toBe('sip:bob@10.0.0.99:5070');
    expect(req.headers.getAll('route')).toEqual(['<sip:p1.lab.test;lr>']);
  });

  it('refuses to build requests once terminated', () => {
    const d = Dialog.asUac(INVITE, ok('<sip:bob@10.0.0.2>', []));
    d.terminate();
    expect(() => d.createRequest('BYE')).toThrow(/terminated/);
  });
});

describe('Dialog as UAS (RFC 3261 §12.1.1, §12.2.2)', () => {
  it('keeps the request Record-Route order, our tag as local tag, and an empty local CSeq', () => {
    const d = Dialog.asUas(INVITE, 'bob-tag', false);
    expect(d.id).toEqual({ callId: 'c1@lab.test', localTag: 'bob-tag', remoteTag: 'alice-tag' });
    expect(d.routeSet.map(String)).toEqual(['<sip:p2.lab.test;lr>', '<sip:p1.lab.test;lr>']);
    expect(d.localSeq).toBeUndefined();
    expect(d.remoteSeq).toBe(314);
    const bye = d.createRequest('BYE');
    expect(bye.uri.toString()).toBe('sip:alice@127.0.0.1:5062');
    expect(bye.from.toString()).toBe('<sip:bob@lab.test>;tag=bob-tag');
    expect(bye.to.tag).toBe('alice-tag');
    expect(bye.cseq.seq).toBe(1);
  });

  it('rejects an in-dialog request with a lower CSeq as out of order (500) and accepts higher ones', () => {
    const d = Dialog.asUas(INVITE, 'bob-tag', false);
    const withSeq = (seq: number, method = 'INFO') =>
      parseMessage(
        `${method} sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK${seq}\r\nMax-Forwards: 70\r\n` +
          `From: <sip:alice@lab.test>;tag=alice-tag\r\nTo: <sip:bob@lab.test>;tag=bob-tag\r\nCall-ID: c1@lab.test\r\nCSeq: ${seq} ${method}\r\nContent-Length: 0\r\n\r\n`,
      ) as SipRequest;
    expect(d.receiveRequest(withSeq(313))).toEqual({ ok: false, status: 500, reason: 'CSeq Out of Order' });
    expect(d.receiveRequest(withSeq(400))).toEqual({ ok: true });
    expect(d.remoteSeq).toBe(400);
    expect(d.receiveRequest(withSeq(314, 'ACK'))).toEqual({ ok: true });
    const table = new DialogTable();
    table.add({ dialog: d });
    expect(table.forRequest(withSeq(401))?.dialog).toBe(d);
    table.remove(d.id);
    expect(table.forRequest(withSeq(402))).toBeUndefined();
  });
});
