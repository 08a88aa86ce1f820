import { describe, expect, it } from 'vitest';
import { SipHeaders, SipParseError, headerKey, parseMessage, parseVia } from '../../../../firmware/sip/message/index.js';

describe('SipHeaders', () => {
  it('finds fields case-insensitively and by compact form (§7.3.1, §7.3.3)', () => {
    const h = new SipHeaders([
      ['v', 'SIP/2.0/UDP a;branch=z9hG4bK1'],
      ['CALL-ID', 'abc'],
      ['f', '<sip:a@b>;tag=1'],
    ]);
    expect(h.get('Via')).toBe('SIP/2.0/UDP a;branch=z9hG4bK1');
    expect(h.get('call-id')).toBe('abc');
    expect(h.get('i')).toBe('abc');
    expect(h.has('From')).toBe(true);
    expect(h.has('To')).toBe(false);
    expect(headerKey('m')).toBe('contact');
    expect(headerKey('x')).toBe('session-expires');
    expect(headerKey('Q')).toBe('q');
  });

  it('keeps every occurrence in order and splits list values at top-level commas only', () => {
    const h = new SipHeaders([
      ['Route', '<sip:p1.example;lr>, "A, B" <sip:p2.example;lr>'],
      ['Subject', 'x'],
      ['Route', '<sip:p3.example;lr;x="1,2">'],
    ]);
    expect(h.getAll('route')).toHaveLength(2);
    expect(h.list('route')).toEqual(['<sip:p1.example;lr>', '"A, B" <sip:p2.example;lr>', '<sip:p3.example;lr;x="1,2">']);
  });

  it('set replaces all occurrences where the first one was; append and prepend add', () => {
    const h = new SipHeaders([
      ['Via', 'SIP/2.0/UDP a'],
      ['To', 't'],
      ['Via', 'SIP/2.0/UDP b'],
    ]);
    h.set('via', ['SIP/2.0/UDP c', 'SIP/2.0/UDP d']);
    expect([...h].map((f) => `${f.name}: ${f.value}`)).toEqual(['Via: SIP/2.0/UDP c', 'Via: SIP/2.0/UDP d', 'To: t']);
    h.prepend('Via', 'SIP/2.0/UDP top');
    h.append('Contact', '<sip:x@y>');
    expect([...h].map((f) => f.value)).toEqual(['SIP/2.0/UDP top', 'SIP/2.0/UDP c', 'SIP/2.0/UDP d', 't', '<sip:x@y>']);
    h.delete('VIA');
    expect(h.size).toBe(2);
  });

  it('accepts parsed values (their toString is the wire form)', () => {
    const h = new SipHeaders();
    h.append('Via', parseVia('SIP/2.0/UDP a:5060;branch=z9hG4bKz'));
    h.append('Max-Forwards', 70);
    expect(h.get('via')).toBe('SIP/2.0/UDP a:5060;branch=z9hG4bKz');
    expect(h.get('max-forwards')).toBe('70');
  });

  it('refuses values that would inject header lines, and bad names', () => {
    const h = new SipHeaders();
    expect(() => h.append('Subject', 'x\r\nVia: evil')).toThrow(SipParseError);
    expect(() => h.append('Bad Name', 'x')).toThrow(/bad header name/);
  });

  it('parses a value once and re-parses after the field is changed', () => {
    const m = parseMessage('OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\n\r\n');
    const first = m.vias;
    expect(m.vias).toBe(first);
    expect(m.topVia).toBe(first[0]);
    m.headers.prepend('Via', 'SIP/2.0/TCP proxy;branch=z9hG4bK2');
    expect(m.vias.map((v) => v.branch)).toEqual(['z9hG4bK2', 'z9hG4bK1']);
    expect(m.topVia.branch).toBe('z9hG4bK2');
    m.headers.set('To', '<sip:a@b>;tag=9');
    expect(m.to.tag).toBe('9');
    m.headers.set('To', '<sip:a@b>;tag=10');
    expect(m.to.tag).toBe('10');
  });

  it('reads token lists and refuses a non-token in them', () => {
    const m = parseMessage('OPTIONS sip:a@b SIP/2.0\r\nSupported: timer, 100rel\r\nk: path\r\nRequire: a b\r\n\r\n');
    expect(m.tokens('supported')).toEqual(['timer', '100rel', 'path']);
    expect(m.tokens('Unsupported')).toEqual([]);
    expect(() => m.tokens('Require')).toThrow(/bad token "a b" in Require/);
  });

  it('keeps each name as written, whatever its case, and finds it by any spelling', () => {
    const m = parseMessage('OPTIONS sip:a@b SIP/2.0\r\nVIA: SIP/2.0/UDP h;branch=z9hG4bK1\r\ncall-id: x\r\nCSeq: 1 OPTIONS\r\nX-Custom: y\r\n\r\n');
    expect([...m.headers].map((f) => f.name)).toEqual(['VIA', 'call-id', 'CSeq', 'X-Custom']);
    expect(m.headers.get('Via')).toBe('SIP/2.0/UDP h;branch=z9hG4bK1');
    expect(m.headers.get('CALL-ID')).toBe('x');
    expect(m.headers.get('x-custom')).toBe('y');
  });

  it('clones independently', () => {
    const a = new SipHeaders([['X', '1']]);
    const b = a.clone();
    b.set('X', '2');
    expect(a.get('x')).toBe('1');
    expect(b.get('x')).toBe('2');
  });

  it('positions errors in lazily parsed values at their field', () => {
    const text = 'OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\nRoute: <sip:ok;lr>, <sip:bad\r\n\r\n';
    const m = parseMessage(text);
    try {
      m.routes;
      throw new Error('expected a SipParseError');
    } catch (e) {
      expect(e).toBeInstanceOf(SipParseError);
      expect((e as SipParseError).reason).toBe('unterminated < in Route');
      expect((e as SipParseError).line).toBe(3);
      expect((e as SipParseError).offset).toBe(text.indexOf('<sip:ok'));
    }
  });
});
