import { describe, expect, it } from 'vitest';
import { parseMessage, parseVia, type SipResponse } from '../../../../firmware/sip/message/index.js';
import { observeNat } from '../../../../firmware/sip/ua/index.js';

const sent = parseVia('SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bK1;rport');

function okWithVia(via: string): SipResponse {
  return parseMessage(
    `SIP/2.0 200 OK\r\nVia: ${via}\r\nFrom: <sip:a@lab.test>;tag=1\r\nTo: <sip:a@lab.test>;tag=2\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n`,
  ) as SipResponse;
}

describe('NAT detection from the registrar’s Via (RFC 3581)', () => {
  it('sees a NAT when the registrar saw another source address and port', () => {
    const obs = observeNat(sent, okWithVia('SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bK1;rport=40312;received=203.0.113.5'));
    expect(obs).toEqual({
      local: { address: '192.168.1.10', port: 5060 },
      public: { address: '203.0.113.5', port: 40312 },
      behindNat: true,
    });
  });

  it('sees a NAT that kept the address but changed the port (a port-restricted firewall)', () => {
    const obs = observeNat(sent, okWithVia('SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bK1;rport=6000;received=192.168.1.10'));
    expect(obs?.behindNat).toBe(true);
    expect(obs?.public).toEqual({ address: '192.168.1.10', port: 6000 });
  });

  it('sees no NAT when received and rport match what we sent', () => {
    const obs = observeNat(sent, okWithVia('SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bK1;rport=5060;received=192.168.1.10'));
    expect(obs?.behindNat).toBe(false);
  });

  it('learns nothing from a registrar that fills in neither parameter', () => {
    expect(observeNat(sent, okWithVia('SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bK1;rport'))).toBeUndefined();
    expect(observeNat(sent, okWithVia('SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bK1'))).toBeUndefined();
  });

  it('compares IPv6 addresses without their brackets or case', () => {
    const v6 = parseVia('SIP/2.0/UDP [2001:db8::10]:5060;branch=z9hG4bK1;rport');
    const obs = observeNat(v6, okWithVia('SIP/2.0/UDP [2001:db8::10]:5060;branch=z9hG4bK1;rport=5060;received=2001:DB8::10'));
    expect(obs).toEqual({ local: { address: '2001:db8::10', port: 5060 }, public: { address: '2001:db8::10', port: 5060 }, behindNat: false });
  });
});
