import { describe, expect, it } from 'vitest';
import { parseMessage, type SipRequest } from '../../../firmware/sip/message/index.js';
import { callerIdentity, sourceOf, TrustedServers } from '../../../firmware/phone/caller-identity.js';

// Issue 7 §3: the call screen names the caller from P-Asserted-Identity (RFC 3325) when the PBX vouches for it,
// else from From. The request is as the UA core hands it over: its top Via stamped with `received` (§18.2.1).

const PBX = '192.0.2.10';

function invite(headers: string[], via = `Via: SIP/2.0/UDP pbx.lab.test;branch=z9hG4bK1;received=${PBX}`): SipRequest {
  const text = [
    'INVITE sip:201@192.0.2.50 SIP/2.0',
    via,
    'Max-Forwards: 70',
    'From: "Spoofed Boss" <sip:1000@lab.test>;tag=f1',
    'To: <sip:201@lab.test>',
    'Call-ID: pai-1',
    'CSeq: 1 INVITE',
    'Contact: <sip:1000@192.0.2.10>',
    ...headers,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  return parseMessage(text) as SipRequest;
}

const servers = new TrustedServers();
servers.set([PBX]);
const trusted = (a: string) => servers.has(a);
const who = (request: SipRequest) => callerIdentity(request, request.from, trusted);

describe('caller identity for the call screen (RFC 3325)', () => {
  it('shows the asserted identity when the INVITE came from the PBX', () => {
    expect(who(invite(['P-Asserted-Identity: "Alice Smith" <sip:2001@lab.test>']))).toEqual({
      uri: 'sip:2001@lab.test',
      number: '2001',
      name: 'Alice Smith',
      asserted: true,
    });
  });

  it('ignores P-Asserted-Identity from anywhere else: From is shown (§5: outside the trust domain)', () => {
    const request = invite(['P-Asserted-Identity: "Alice Smith" <sip:2001@lab.test>'], 'Via: SIP/2.0/UDP 203.0.113.9:5060;branch=z9hG4bK2');
    expect(who(request)).toEqual({ uri: 'sip:1000@lab.test', number: '1000', name: 'Spoofed Boss', asserted: false });
  });

  it('takes the number from the tel URI and the name from the SIP one when both are asserted (§9.1)', () => {
    expect(who(invite(['P-Asserted-Identity: <tel:+15551234567>, "Alice Smith" <sip:2001@lab.test>']))).toEqual({
      uri: 'sip:2001@lab.test',
      number: '+15551234567',
      name: 'Alice Smith',
      asserted: true,
    });
    expect(who(invite(['P-Asserted-Identity: "Front Desk" <tel:+15550000>']))).toMatchObject({ uri: 'tel:+15550000', number: '+15550000', name: 'Front Desk' });
  });

  it('falls back to From when there is no asserted identity or it cannot be read', () => {
    expect(who(invite([]))).toMatchObject({ number: '1000', name: 'Spoofed Boss', asserted: false });
    expect(who(invite(['P-Asserted-Identity: "unterminated <sip:x@y>']))).toMatchObject({ number: '1000', asserted: false });
  });

  it('knows the source from `received`, or from a sent-by that is the source itself', () => {
    expect(sourceOf(invite([]))).toBe(PBX);
    expect(sourceOf(invite([], 'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK3'))).toBe(PBX);
    expect(sourceOf(invite([], 'Via: SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bK4'))).toBe('2001:db8::1');
    const mapped = new TrustedServers();
    mapped.set(['192.0.2.10']);
    expect(mapped.has('::ffff:192.0.2.10')).toBe(true);
  });
});
