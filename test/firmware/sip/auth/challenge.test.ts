import { describe, expect, it } from 'vitest';
import { SipAuthError, formatAuthValue, parseAuthValues, parseChallenges, parseCredentials, selectChallenges } from '../../../../firmware/sip/auth/index.js';

describe('challenges (RFC 7616 §3.3, RFC 3261 §20.44)', () => {
  it('reads a Digest challenge with quoted and token values', () => {
    const [c] = parseChallenges(['Digest realm="atlanta.com", domain="sip:ss1.carrier.com", qop="auth,auth-int", nonce="f84f1cec41e6cbe5aea9c8e88d359", opaque="", stale=FALSE, algorithm=MD5']);
    expect(c).toMatchObject({
      realm: 'atlanta.com',
      nonce: 'f84f1cec41e6cbe5aea9c8e88d359',
      algorithm: 'MD5',
      qop: ['auth', 'auth-int'],
      opaque: '',
      stale: false,
      domain: 'sip:ss1.carrier.com',
      userhash: false,
    });
  });

  it('defaults the algorithm to MD5, reads stale=true in any case, unescapes quoted-pairs', () => {
    const [c] = parseChallenges(['digest REALM="a \\"b\\"",nonce=abc,STALE=True']);
    expect(c!.algorithmName).toBe('MD5');
    expect(c!.realm).toBe('a "b"');
    expect(c!.stale).toBe(true);
    expect(c!.qop).toEqual([]);
  });

  it('reads several challenges in one field and skips other schemes (§22.1)', () => {
    const all = parseChallenges(['Basic realm="x", Digest realm="r", nonce="1", algorithm=SHA-256, Digest realm="r", nonce="1", algorithm=MD5', 'Bearer foo=bar']);
    expect(all.map((c) => c.algorithm)).toEqual(['SHA-256', 'MD5']);
  });

  it('picks, per realm, the strongest challenge it supports (RFC 8760 §2.4)', () => {
    const all = parseChallenges([
      'Digest realm="r1", nonce="a", algorithm=MD5, qop="auth"',
      'Digest realm="r1", nonce="b", algorithm=SHA-512-256, qop="auth"',
      'Digest realm="r1", nonce="c", algorithm=SHA-256, qop="auth"',
      'Digest realm="r1", nonce="d", algorithm=SHA-3, qop="auth"',
      'Digest realm="r2", nonce="e", algorithm=MD5, qop="auth-conf"',
      'Digest realm="r3", nonce="f", algorithm=MD5',
    ]);
    expect(selectChallenges(all).map((c) => [c.realm, c.nonce])).toEqual([
      ['r1', 'b'],
      ['r3', 'f'],
    ]);
  });

  it('rejects broken challenges', () => {
    expect(() => parseChallenges(['Digest nonce="x"'])).toThrow(/without realm/);
    expect(() => parseChallenges(['Digest realm="x"'])).toThrow(/without nonce/);
    expect(() => parseChallenges(['Digest realm="x, nonce=y'])).toThrow(/unterminated/);
    expect(() => parseChallenges(['Digest realm="x" nonce="y"'])).toThrow(SipAuthError);
    expect(() => parseChallenges(['Digest realm="x", realm="y", nonce=1'])).toThrow(/duplicate/);
    expect(() => parseChallenges(['Digest realm='])).toThrow(/empty value/);
    expect(() => parseChallenges([''])).toThrow(/empty auth header|expected an auth scheme/);
  });
});

describe('credentials (RFC 7616 §3.4, RFC 3261 §20.7)', () => {
  it('round-trips through formatAuthValue with the token directives unquoted', () => {
    const value = formatAuthValue(
      'Digest',
      [
        ['username', 'bob'],
        ['realm', 'biloxi.com'],
        ['nonce', 'dcd98b7102dd2f0e8b11d0f600bfb0c093'],
        ['uri', 'sip:bob@biloxi.com'],
        ['response', '245f23415f11432b3434341c022'],
        ['algorithm', 'MD5'],
        ['qop', 'auth'],
        ['nc', '00000001'],
        ['cnonce', '0a4f113b'],
      ],
      new Set(['algorithm', 'qop', 'nc']),
    );
    expect(value).toBe(
      'Digest username="bob", realm="biloxi.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="sip:bob@biloxi.com", response="245f23415f11432b3434341c022", algorithm=MD5, qop=auth, nc=00000001, cnonce="0a4f113b"',
    );
    const [c] = parseCredentials([value]);
    expect(c).toMatchObject({ username: 'bob', realm: 'biloxi.com', uri: 'sip:bob@biloxi.com', qop: 'auth', nc: '00000001', cnonce: '0a4f113b', algorithm: 'MD5' });
  });

  it('requires username, realm, nonce, uri and response', () => {
    expect(() => parseCredentials(['Digest username="a", realm="b", nonce="c", uri="d"'])).toThrow(/without response/);
    expect(() => parseCredentials(['Digest username="a", realm="b", nonce="c", uri="d", response="e", qop=auth-conf'])).toThrow(/unknown qop/);
  });

  it('parses generic auth values', () => {
    expect(parseAuthValues('Digest a=1,b="2"')).toEqual([{ scheme: 'Digest', params: new Map([['a', '1'], ['b', '2']]) }]);
  });
});
