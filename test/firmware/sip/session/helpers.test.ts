import { describe, expect, it } from 'vitest';
import { parseMessage, type SipRequest } from '../../../../firmware/sip/message/index.js';
import {
  expiryDelayMs,
  formatDtmfRelay,
  formatRAck,
  parseDtmfInfo,
  readMinSE,
  readRAck,
  readRSeq,
  readSessionExpires,
  refreshDelayMs,
  statusWords,
} from '../../../../firmware/sip/session/index.js';

const withHeaders = (...headers: string[]) =>
  parseMessage(
    ['OPTIONS sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'From: <sip:x@y>;tag=1', 'To: <sip:a@b>', 'Call-ID: c', 'CSeq: 1 OPTIONS', ...headers, 'Content-Length: 0', '', ''].join('\r\n'),
  ) as SipRequest;

describe('status words', () => {
  it('treats an unknown code like the x00 of its class (§8.1.3.2)', () => {
    expect(statusWords(599)).toBe('Server error');
    expect(statusWords(699)).toBe('Busy');
    expect(statusWords(487)).toBe('Cancelled');
  });
});

describe('RFC 4028 headers and arithmetic', () => {
  it('reads Session-Expires with and without refresher, long and compact names', () => {
    expect(readSessionExpires(withHeaders('Session-Expires: 1800;refresher=uas'))).toEqual({ interval: 1800, refresher: 'uas' });
    expect(readSessionExpires(withHeaders('x: 90'))).toEqual({ interval: 90, refresher: undefined });
    expect(readSessionExpires(withHeaders('Session-Expires: soon'))).toBeUndefined();
  });

  it('reads Min-SE with the 90 s floor', () => {
    expect(readMinSE(withHeaders('Min-SE: 600'))).toBe(600);
    expect(readMinSE(withHeaders('Min-SE: 30'))).toBe(90);
    expect(readMinSE(withHeaders())).toBe(90);
  });

  it('refreshes at half the interval and gives up min(32 s, interval/3) before expiry (§10)', () => {
    expect(refreshDelayMs(1800)).toBe(900_000);
    expect(expiryDelayMs(1800)).toBe(1_768_000);
    expect(expiryDelayMs(90)).toBe(60_000);
  });
});

describe('RFC 3262 headers', () => {
  it('reads RSeq and RAck and writes RAck', () => {
    expect(readRSeq(withHeaders('RSeq: 988789'))).toBe(988789);
    expect(readRSeq(withHeaders('RSeq: 0'))).toBeUndefined();
    expect(readRAck(withHeaders('RAck: 776656 1 INVITE'))).toEqual({ rseq: 776656, cseq: 1, method: 'INVITE' });
    expect(readRAck(withHeaders('RAck: 1 INVITE'))).toBeUndefined();
    expect(formatRAck({ rseq: 5, cseq: 2, method: 'INVITE' })).toBe('5 2 INVITE');
  });
});

describe('DTMF INFO bodies', () => {
  it('writes and reads application/dtmf-relay', () => {
    const body = formatDtmfRelay('*', 160);
    expect(body).toBe('Signal=*\r\nDuration=160\r\n');
    expect(parseDtmfInfo('application/dtmf-relay', body)).toEqual({ digit: '*', durationMs: 160 });
  });

  it('accepts event numbers and lower-case letters, and refuses what is not a digit', () => {
    expect(parseDtmfInfo('Application/DTMF-Relay', 'signal=10\nduration=100')).toEqual({ digit: '*', durationMs: 100 });
    expect(parseDtmfInfo('application/dtmf-relay', 'Signal=d')).toEqual({ digit: 'D', durationMs: 250 });
    expect(parseDtmfInfo('application/dtmf-relay', 'Signal=16')).toBeUndefined();
    expect(parseDtmfInfo('text/plain', 'Signal=1')).toBeUndefined();
  });
});

describe('accounts and targets for calls', async () => {
  const { callAccount, targetUri } = await import('../../../../firmware/sip/session/index.js');

  it('maps a configured line to a call account with its outbound proxy and transport', () => {
    const account = callAccount({ id: 'l1', user: 'alice', password: 'pw', domain: 'lab.test', outboundProxy: '127.0.0.1:5070', transport: 'tcp' });
    expect(account.outboundProxy?.toString()).toBe('sip:127.0.0.1:5070;transport=tcp');
    expect(account.protocol).toBe('TCP');
    expect(callAccount({ id: 'l2', user: 'bob', domain: 'lab.test' }).outboundProxy).toBeUndefined();
    expect(callAccount({ id: 'l3', user: 'bob', domain: 'lab.test', registrar: 'sip:pbx.lab.test' }).outboundProxy?.toString()).toBe('sip:pbx.lab.test');
  });

  it('turns what the user dialled into a Request-URI', () => {
    const account = { domain: 'lab.test' };
    expect(targetUri('201', account).toString()).toBe('sip:201@lab.test');
    expect(targetUri('bob@192.0.2.7:5062', account).toString()).toBe('sip:bob@192.0.2.7:5062');
    expect(targetUri('sips:carol@lab.test', account).toString()).toBe('sips:carol@lab.test');
  });
});
