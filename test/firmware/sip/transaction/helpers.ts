import { FakeClock } from '../../../support/fake-clock.js';
import { parseMessage, type SipMessage, type SipRequest, type SipResponse } from '../../../../firmware/sip/message/index.js';
import { TransportError } from '../../../../firmware/sip/transport/index.js';
import type { TransactionEnv } from '../../../../firmware/sip/transaction/index.js';
import { sipTimers } from '../../../../firmware/sip/timers.js';

export function request(method: string, opts: { branch?: string; toTag?: string; cseq?: number; callId?: string; fromTag?: string; via?: string } = {}): SipRequest {
  const branch = opts.branch ?? 'z9hG4bKtest1';
  const text =
    `${method} sip:bob@lab.test SIP/2.0\r\n` +
    `Via: ${opts.via ?? `SIP/2.0/UDP 127.0.0.1:5062;branch=${branch}`}\r\n` +
    `Max-Forwards: 70\r\n` +
    `From: <sip:alice@lab.test>;tag=${opts.fromTag ?? 'ft1'}\r\n` +
    `To: <sip:bob@lab.test>${opts.toTag ? `;tag=${opts.toTag}` : ''}\r\n` +
    `Call-ID: ${opts.callId ?? 'call-1@lab.test'}\r\n` +
    `CSeq: ${opts.cseq ?? 1} ${method === 'ACK' ? 'ACK' : method}\r\n` +
    `Content-Length: 0\r\n\r\n`;
  return parseMessage(text) as SipRequest;
}

export function responseTo(req: SipRequest, status: number, toTag = 'tt1'): SipResponse {
  const via = req.headers.getAll('via').join(', ');
  const text =
    `SIP/2.0 ${status} Whatever\r\n` +
    `Via: ${via}\r\n` +
    `From: ${req.headers.get('from')}\r\n` +
    `To: ${req.headers.get('to')}${status > 100 && !req.to.tag ? `;tag=${toTag}` : ''}\r\n` +
    `Call-ID: ${req.callId}\r\n` +
    `CSeq: ${req.cseq.seq} ${req.cseq.method}\r\n` +
    `Content-Length: 0\r\n\r\n`;
  return parseMessage(text) as SipResponse;
}

/** A transaction environment on a FakeClock whose sends are recorded with their time. */
export function fakeEnv(reliable: boolean, options: { failSends?: boolean; T1?: number } = {}) {
  const clock = new FakeClock();
  const sent: Array<{ at: number; message: SipMessage }> = [];
  const env: TransactionEnv = {
    clock,
    reliable,
    timers: sipTimers({ T1: options.T1 ?? 500 }, reliable),
    send(message) {
      sent.push({ at: clock.now(), message });
      if (options.failSends) return Promise.reject(new TransportError('send-failed', 'unreachable', { protocol: reliable ? 'TCP' : 'UDP' }));
      return Promise.resolve();
    },
  };
  const describeSent = () =>
    sent.map(({ at, message }) => `${at} ${message.kind === 'request' ? message.method : message.status}`);
  return { clock, env, sent, describeSent };
}

export const flush = () => new Promise<void>((r) => setImmediate(r));
