import { describe, expect, it } from 'vitest';
import { AbsoluteUri, SipParseError, SipUri, TelUri, parseUri, uriEquals } from '../../../../firmware/sip/message/index.js';

function sip(text: string): SipUri {
  const u = parseUri(text);
  expect(u).toBeInstanceOf(SipUri);
  return u as SipUri;
}

function rejects(text: string, reason: RegExp): void {
  let error: unknown;
  try {
    parseUri(text);
  } catch (e) {
    error = e;
  }
  expect(error, text).toBeInstanceOf(SipParseError);
  expect((error as SipParseError).reason).toMatch(reason);
}

describe('SIP URIs (RFC 3261 §19.1)', () => {
  it('reads user, password, host, port, parameters and headers', () => {
    const u = sip('sips:alice:secretword@atlanta.com:5061;transport=tcp;lr?subject=project%20x&priority=urgent');
    expect(u.scheme).toBe('sips');
    expect(u.user).toBe('alice');
    expect(u.password).toBe('secretword');
    expect(u.host).toBe('atlanta.com');
    expect(u.port).toBe(5061);
    expect(u.transport).toBe('tcp');
    expect(u.lr).toBe(true);
    expect(u.params.get('lr')).toBeNull();
    expect(u.headers.get('subject')).toBe('project x');
    expect(u.headers.get('priority')).toBe('urgent');
  });

  it('reads IPv4 hosts and IPv6 references', () => {
    expect(sip('sip:192.0.2.4').host).toBe('192.0.2.4');
    const v6 = sip('sip:[2001:db8::10]:5070;maddr=[2001:db8::1]');
    expect(v6.host).toBe('[2001:db8::10]');
    expect(v6.port).toBe(5070);
    expect(v6.params.get('maddr')).toBe('[2001:db8::1]');
    expect(sip('sip:[::ffff:192.0.2.1]').host).toBe('[::ffff:192.0.2.1]');
  });

  it('unescapes user and parameters, and escapes them again on output (§19.1.2)', () => {
    // RFC 4475 "esc01" style: escaped characters in the user part
    const u = sip('sip:sips%3Auser%40example.com@example.net');
    expect(u.user).toBe('sips:user@example.com');
    expect(u.toString()).toBe('sip:sips%3Auser%40example.com@example.net');
    const semi = sip('sip:user;par=u%40example.net@example.com');
    expect(semi.user).toBe('user;par=u@example.net');
    expect(semi.host).toBe('example.com');
    const utf = new SipUri({ user: 'jörg', host: 'example.com' });
    expect(utf.toString()).toBe('sip:j%C3%B6rg@example.com');
    expect(sip(utf.toString()).user).toBe('jörg');
  });

  it('treats a telephone-subscriber user with ;user=phone as a user like any other', () => {
    const u = sip('sip:+1-212-555-1212:1234@gateway.com;user=phone');
    expect(u.user).toBe('+1-212-555-1212');
    expect(u.password).toBe('1234');
    expect(u.params.get('user')).toBe('phone');
  });

  it('round-trips through toString', () => {
    for (const text of [
      'sip:alice@atlanta.com',
      'sip:alice@atlanta.com:5060;transport=udp',
      'sips:bob@[2001:db8::1]:5061',
      'sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com',
      'sip:+12125551212@gw.example.com;user=phone',
    ]) {
      expect(sip(text).toString()).toBe(text);
    }
  });

  it('rejects malformed URIs with the reason', () => {
    rejects('sip:', /empty host/);
    rejects('sip:alice@', /empty host/);
    rejects('sip:@atlanta.com', /empty user/);
    rejects('sip:alice@atlanta.com:99999', /bad port/);
    rejects('sip:alice@atlanta.com:', /bad port/);
    rejects('sip:alice@at lanta.com', /bad character in host/);
    rejects('sip:alice@[2001:db8::1', /unterminated IPv6/);
    rejects('sip:alice@[2001:db8:::1]', /bad IPv6/);
    rejects('sip:alice@256.1.1.1', /bad IPv4/);
    rejects('sip:alice@1.2.3', /bad IPv4/);
    rejects('sip:alice@-atlanta.com', /starts or ends with -/);
    rejects('sip:alice@atlanta..com', /empty host label/);
    rejects('sip:al%zzice@atlanta.com', /bad escape/);
    rejects('sip:alice@bob@atlanta.com', /more than one @/);
    rejects('sip:alice@atlanta.com;=x', /empty URI parameter name/);
    rejects('sip:alice@atlanta.com;transport=', /empty value/);
    rejects('sip:alice@atlanta.com?subject', /bad URI header/);
    rejects('sip:al"ice@atlanta.com', /bad character in URI user/);
    rejects('noscheme', /without scheme/);
    rejects('1sip:alice@atlanta.com', /bad URI scheme/);
  });
});

describe('TEL and other URIs', () => {
  it('reads global and local tel URIs (RFC 3966)', () => {
    const g = parseUri('tel:+1-201-555-0123;ext=1234') as TelUri;
    expect(g).toBeInstanceOf(TelUri);
    expect(g.number).toBe('+1-201-555-0123');
    expect(g.isGlobal).toBe(true);
    expect(g.params.get('ext')).toBe('1234');
    const l = parseUri('tel:7042;phone-context=example.com') as TelUri;
    expect(l.isGlobal).toBe(false);
    expect(l.toString()).toBe('tel:7042;phone-context=example.com');
  });

  it('rejects a local tel number without phone-context and non-digits', () => {
    expect(() => parseUri('tel:7042')).toThrow(/phone-context/);
    expect(() => parseUri('tel:+1-201-555-01x3')).toThrow(SipParseError);
    expect(() => parseUri('tel:')).toThrow(/empty tel number/);
  });

  it('keeps other schemes as text (the UA answers 416, §8.2.2.1)', () => {
    const u = parseUri('urn:service:sos');
    expect(u).toBeInstanceOf(AbsoluteUri);
    expect(u.scheme).toBe('urn');
    expect(u.toString()).toBe('urn:service:sos');
    expect(() => parseUri('http:bad uri')).toThrow(/bad character/);
  });
});

describe('URI comparison (RFC 3261 §19.1.4)', () => {
  const eq = (a: string, b: string) => uriEquals(parseUri(a), parseUri(b));

  it('finds the RFC examples equal', () => {
    expect(eq('sip:%61lice@atlanta.com;transport=TCP', 'sip:alice@AtLanTa.CoM;Transport=tcp')).toBe(true);
    expect(eq('sip:carol@chicago.com', 'sip:carol@chicago.com;newparam=5')).toBe(true);
    expect(eq('sip:carol@chicago.com', 'sip:carol@chicago.com;security=on')).toBe(true);
    expect(eq('sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com', 'sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com')).toBe(true);
    expect(eq('sip:alice@atlanta.com?subject=project%20x&priority=urgent', 'sip:alice@atlanta.com?priority=urgent&subject=project%20x')).toBe(true);
  });

  it('finds the RFC counter-examples different', () => {
    expect(eq('SIP:ALICE@AtLanTa.CoM;Transport=udp', 'sip:alice@AtLanTa.CoM;Transport=UDP')).toBe(false);
    expect(eq('sip:bob@biloxi.com', 'sip:bob@biloxi.com:5060')).toBe(false);
    expect(eq('sip:bob@biloxi.com', 'sip:bob@biloxi.com;transport=udp')).toBe(true);
    expect(eq('sip:bob@biloxi.com', 'sip:bob@biloxi.com:6000;transport=tcp')).toBe(false);
    expect(eq('sip:carol@chicago.com', 'sip:carol@chicago.com?Subject=next%20meeting')).toBe(false);
    expect(eq('sip:bob@phone21.boxesbybob.com', 'sip:bob@192.0.2.4')).toBe(false);
    expect(eq('sip:carol@chicago.com;security=on', 'sip:carol@chicago.com;security=off')).toBe(false);
  });

  it('never matches a user, ttl, method or maddr parameter present on one side only', () => {
    expect(eq('sip:a@h;user=phone', 'sip:a@h')).toBe(false);
    expect(eq('sip:a@h;maddr=192.0.2.1', 'sip:a@h')).toBe(false);
    expect(eq('sip:a@h', 'sip:a@h;ttl=1')).toBe(false);
    expect(eq('sips:a@h', 'sip:a@h')).toBe(false);
  });

  it('compares tel URIs without visual separators', () => {
    expect(eq('tel:+1-201-555-0123', 'tel:+1(201)5550123')).toBe(true);
    expect(eq('tel:+1-201-555-0123', 'tel:+1-201-555-0124')).toBe(false);
    expect(eq('tel:+1-201-555-0123;ext=1', 'tel:+12015550123')).toBe(false);
  });
});
