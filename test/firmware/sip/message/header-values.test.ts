import { describe, expect, it } from 'vitest';
import {
  NameAddr,
  Params,
  SipParseError,
  SipUri,
  Via,
  parseCSeq,
  parseHeaderParams,
  parseNameAddr,
  parseVia,
} from '../../../../firmware/sip/message/index.js';

describe('name-addr and addr-spec (RFC 3261 §20.10, §25.1)', () => {
  it('reads a quoted display name with escapes, the URI and header parameters', () => {
    const na = parseNameAddr('"Alice \\"The\\" \\\\ Great" <sip:alice@atlanta.com;transport=tcp>;tag=1928301774;x');
    expect(na.displayName).toBe('Alice "The" \\ Great');
    expect(String(na.uri)).toBe('sip:alice@atlanta.com;transport=tcp');
    expect(na.tag).toBe('1928301774');
    expect(na.params.get('x')).toBeNull();
  });

  it('needs no space between display name and < (RFC 4475 "lwsdisp")', () => {
    expect(parseNameAddr('caller<sip:caller@example.com>;tag=323').displayName).toBe('caller');
    expect(parseNameAddr('"caller"<sip:caller@example.com>;tag=323').tag).toBe('323');
  });

  it('reads an unquoted display name of tokens and an empty quoted one', () => {
    expect(parseNameAddr('Bob  Smith <sip:bob@biloxi.com>').displayName).toBe('Bob  Smith');
    expect(parseNameAddr('"" <sip:bob@biloxi.com>').displayName).toBe('');
    expect(parseNameAddr('<sip:bob@biloxi.com>').displayName).toBeUndefined();
  });

  it('gives parameters after an addr-spec to the header, not the URI (§20.10)', () => {
    const na = parseNameAddr('sip:bob@biloxi.com;tag=abc');
    expect(String(na.uri)).toBe('sip:bob@biloxi.com');
    expect(na.tag).toBe('abc');
    expect(na.toString()).toBe('<sip:bob@biloxi.com>;tag=abc');
  });

  it('reads Contact expires and keeps quoted parameter values with their quotes', () => {
    const c = parseNameAddr('<sip:201@192.0.2.10>;expires=3600;+sip.instance="<urn:uuid:1234>"');
    expect(c.expires).toBe(3600);
    expect(c.params.get('+sip.instance')).toBe('"<urn:uuid:1234>"');
  });

  it('reads an addr-spec whose quoted parameter holds a < (not a name-addr)', () => {
    const na = parseNameAddr('sip:bob@biloxi.com;tag=1;x="<a>"');
    expect(String(na.uri)).toBe('sip:bob@biloxi.com');
    expect(na.params.get('x')).toBe('"<a>"');
  });

  it('accepts whitespace around = and ; in parameters', () => {
    const na = parseNameAddr('<sip:a@b> ; tag = 77 ;lr');
    expect(na.tag).toBe('77');
    expect(na.params.has('lr')).toBe(true);
  });

  it('sets a tag without touching the rest', () => {
    const na = parseNameAddr('"Bob" <sip:bob@biloxi.com>');
    const tagged = na.withTag('314');
    expect(tagged.toString()).toBe('"Bob" <sip:bob@biloxi.com>;tag=314');
    expect(na.tag).toBeUndefined();
  });

  it('builds from a parsed URI', () => {
    const na = new NameAddr(new SipUri({ user: 'carol', host: 'chicago.com' }), [['tag', 'x']], 'Carol');
    expect(na.toString()).toBe('"Carol" <sip:carol@chicago.com>;tag=x');
  });

  it('rejects what RFC 4475 §3.1.2 calls invalid', () => {
    // unterminated quoted display name (RFC 4475 "quotbal")
    expect(() => parseNameAddr('"Mr J. User <sip:j.user@example.com>')).toThrow(/unterminated display name/);
    // non-token characters in an unquoted display name (RFC 4475 "baddn")
    expect(() => parseNameAddr('Bell, Alexander <sip:a.g.bell@example.com>')).toThrow(/display name/);
    // <> not closed
    expect(() => parseNameAddr('<sip:a@b;tag=1')).toThrow(/missing >/);
    // an addr-spec with a URI header needs <> (§20.10)
    expect(() => parseNameAddr('sip:a@b?subject=x')).toThrow(/enclosed in <>/);
    expect(() => parseNameAddr('<>')).toThrow(/empty URI/);
    expect(() => parseNameAddr('<sip:a@b>;tag=')).toThrow(/empty value/);
    expect(() => parseNameAddr('<sip:a@b> junk')).toThrow(/expected ;/);
  });

  it('parses the URI when first read, and rejects a bad one then', () => {
    const na = parseNameAddr('<sip:a@bad..host>;tag=1');
    expect(na.tag).toBe('1');
    expect(() => na.uri).toThrow(SipParseError);
  });
});

describe('Via (RFC 3261 §20.42, RFC 3581)', () => {
  it('reads sent-protocol, sent-by and the parameters transactions use', () => {
    const v = parseVia('SIP/2.0/UDP pc33.atlanta.com:5066;branch=z9hG4bK776asdhds;received=192.0.2.1;rport=5066;ttl=16');
    expect(v.transport).toBe('UDP');
    expect(v.host).toBe('pc33.atlanta.com');
    expect(v.port).toBe(5066);
    expect(v.branch).toBe('z9hG4bK776asdhds');
    expect(v.received).toBe('192.0.2.1');
    expect(v.rport).toBe(5066);
    expect(v.params.get('ttl')).toBe('16');
  });

  it('reads a bare IPv6 received (§25.1 via-received)', () => {
    expect(parseVia('SIP/2.0/UDP [2001:db8::9];branch=z9hG4bK1;received=2001:db8::9').received).toBe('2001:db8::9');
  });

  it('tells an empty rport (please fill in) from an absent one', () => {
    expect(parseVia('SIP/2.0/UDP h;rport;branch=z9hG4bK1').rport).toBeNull();
    expect(parseVia('SIP/2.0/UDP h;branch=z9hG4bK1').rport).toBeUndefined();
  });

  it('accepts LWS inside sent-protocol and around the port colon, and IPv6 sent-by', () => {
    const v = parseVia('SIP / 2.0 / TCP  [2001:db8::9] : 5061 ;branch=z9hG4bKx');
    expect(v.transport).toBe('TCP');
    expect(v.host).toBe('[2001:db8::9]');
    expect(v.port).toBe(5061);
    expect(v.toString()).toBe('SIP/2.0/TCP [2001:db8::9]:5061;branch=z9hG4bKx');
  });

  it('adds received and rport without touching the rest (§18.2.1, RFC 3581 §4)', () => {
    const v = parseVia('SIP/2.0/UDP 10.0.0.5:5060;rport;branch=z9hG4bKa').withParam('received', '203.0.113.9').withParam('rport', '40001');
    expect(v.toString()).toBe('SIP/2.0/UDP 10.0.0.5:5060;rport=40001;branch=z9hG4bKa;received=203.0.113.9');
  });

  it('upper-cases the transport and builds from parts', () => {
    expect(new Via({ transport: 'tls', host: 'a.example', port: 5061, params: [['branch', 'z9hG4bKq']] }).toString()).toBe(
      'SIP/2.0/TLS a.example:5061;branch=z9hG4bKq',
    );
  });

  it('rejects broken Vias', () => {
    expect(() => parseVia('SIP/2.0 pc33.atlanta.com')).toThrow(/expected \//);
    expect(() => parseVia('SIP/2.0/UDP')).toThrow(/expected space/);
    expect(() => parseVia('SIP/2.0/UDP pc33.atlanta.com:70000')).toThrow(/bad port/);
    expect(() => parseVia('SIP/2.0/UDP pc33..atlanta.com')).toThrow(/empty host label/);
    expect(() => parseVia('SIP/2.0/UDP h;rport=abc')).toThrow(/bad rport/);
    expect(() => parseVia('SIP/2.0/UDP h;received=not_an_address')).toThrow(/bad received/);
    expect(() => parseVia('SIP/2.0/UDP h;branch')).toThrow(/empty branch/);
    expect(() => parseVia('/2.0/UDP h')).toThrow(/bad protocol name/);
  });
});

describe('CSeq (RFC 3261 §20.16)', () => {
  it('reads number and method', () => {
    const c = parseCSeq('4711 INVITE');
    expect(c.seq).toBe(4711);
    expect(c.method).toBe('INVITE');
    expect(c.toString()).toBe('4711 INVITE');
    expect(parseCSeq('0 NEWMETHOD').method).toBe('NEWMETHOD');
  });

  it('rejects numbers of 2**31 and more (§8.1.1.5) and malformed values', () => {
    expect(parseCSeq('2147483647 BYE').seq).toBe(2 ** 31 - 1);
    expect(() => parseCSeq('2147483648 BYE')).toThrow(/too large/);
    expect(() => parseCSeq('36893488147419103232 INVITE')).toThrow(/too large/);
    expect(() => parseCSeq('-1 INVITE')).toThrow(/bad CSeq number/);
    expect(() => parseCSeq('1INVITE')).toThrow(/expected space/);
    expect(() => parseCSeq('1 INV ITE')).toThrow(/bad CSeq method/);
    expect(() => parseCSeq('1')).toThrow(SipParseError);
  });
});

describe('header parameters', () => {
  it('keeps order and compares names case-insensitively', () => {
    const p = parseHeaderParams(';Tag=abc;lr;Q=0.5', 0);
    expect(p.entries).toEqual([
      ['Tag', 'abc'],
      ['lr', null],
      ['Q', '0.5'],
    ]);
    expect(p.get('tag')).toBe('abc');
    expect(p.get('q')).toBe('0.5');
    expect(p.get('missing')).toBeUndefined();
  });

  it('is immutable: with and without return new lists', () => {
    const p = new Params([['a', '1']]);
    const q = p.with('b', null).with('A', '2');
    expect(p.entries).toEqual([['a', '1']]);
    expect(q.entries).toEqual([
      ['a', '2'],
      ['b', null],
    ]);
    expect(q.without('A').entries).toEqual([['b', null]]);
  });

  it('accepts IPv6 references and quoted strings as values', () => {
    const p = parseHeaderParams(';received=[2001:db8::1];x="a;b,c"', 0);
    expect(p.get('received')).toBe('[2001:db8::1]');
    expect(p.get('x')).toBe('"a;b,c"');
  });
});
