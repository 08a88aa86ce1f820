import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  algorithmStrength,
  computeDigestResponse,
  formatNonceCount,
  hashUsername,
  normalizeAlgorithm,
  type DigestAlgorithm,
} from '../../../../firmware/sip/auth/index.js';

const require = createRequire(import.meta.url);

describe('Digest response test vectors', () => {
  it('RFC 2617 §3.5 (MD5, qop=auth)', () => {
    expect(
      computeDigestResponse({
        algorithm: 'MD5',
        username: 'Mufasa',
        realm: 'testrealm@host.com',
        password: 'Circle Of Life',
        nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
        method: 'GET',
        uri: '/dir/index.html',
        qop: 'auth',
        nc: '00000001',
        cnonce: '0a4f113b',
      }),
    ).toBe('6629fae49393a05397450978507c4ef1');
  });

  const rfc7616 = {
    username: 'Mufasa',
    realm: 'http-auth@example.org',
    password: 'Circle of Life',
    nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
    method: 'GET',
    uri: '/dir/index.html',
    qop: 'auth' as const,
    nc: '00000001',
    cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  };

  it('RFC 7616 §3.9.1 with MD5', () => {
    expect(computeDigestResponse({ ...rfc7616, algorithm: 'MD5' })).toBe('8ca523f5e9506fed4657c9700eebdbec');
  });

  it('RFC 7616 §3.9.1 with SHA-256', () => {
    expect(computeDigestResponse({ ...rfc7616, algorithm: 'SHA-256' })).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  });

  it('RFC 7616 §3.9.2 userhash with SHA-512-256', () => {
    expect(hashUsername('SHA-512-256', 'J\u00e4s\u00f8n Doe', 'api@example.org')).toBe('793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b');
  });

  it('SHA-512-256 and the -sess variants follow RFC 7616 §3.4.2 (checked against a direct computation)', () => {
    const h = (alg: string, s: string | Buffer) => createHash(alg).update(s).digest('hex');
    const input = { ...rfc7616, cnonce: 'abc', nc: '0000000a' };
    for (const [alg, node] of [
      ['SHA-512-256', 'sha512-256'],
      ['SHA-256-sess', 'sha256'],
      ['MD5-sess', 'md5'],
      ['SHA-512-256-sess', 'sha512-256'],
    ] as const) {
      let ha1 = h(node, `${input.username}:${input.realm}:${input.password}`);
      if (alg.endsWith('-sess')) ha1 = h(node, `${ha1}:${input.nonce}:${input.cnonce}`);
      const ha2 = h(node, `${input.method}:${input.uri}`);
      const expected = h(node, `${ha1}:${input.nonce}:${input.nc}:${input.cnonce}:auth:${ha2}`);
      expect(computeDigestResponse({ ...input, algorithm: alg }), alg).toBe(expected);
    }
  });

  it('computes RFC 2069 responses when the challenge has no qop', () => {
    const ha1 = createHash('md5').update('Mufasa:testrealm@host.com:Circle Of Life').digest('hex');
    const ha2 = createHash('md5').update('GET:/dir/index.html').digest('hex');
    const expected = createHash('md5').update(`${ha1}:dcd98b7102dd2f0e8b11d0f600bfb0c093:${ha2}`).digest('hex');
    expect(
      computeDigestResponse({ algorithm: 'MD5', username: 'Mufasa', realm: 'testrealm@host.com', password: 'Circle Of Life', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', method: 'GET', uri: '/dir/index.html' }),
    ).toBe(expected);
  });

  it('accepts a stored HA1 instead of the password', () => {
    const ha1 = createHash('md5').update('Mufasa:testrealm@host.com:Circle Of Life').digest('hex');
    expect(
      computeDigestResponse({ algorithm: 'MD5', username: 'Mufasa', realm: 'testrealm@host.com', ha1, nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', method: 'GET', uri: '/dir/index.html', qop: 'auth', nc: '00000001', cnonce: '0a4f113b' }),
    ).toBe('6629fae49393a05397450978507c4ef1');
  });
});

describe('cross-checks against other SIP stacks', () => {
  const DigestAuthentication = require('jssip/lib/DigestAuthentication') as new (c: object) => {
    authenticate(req: { method: string; ruri: string; body?: string }, challenge: object, cnonce?: string): boolean;
    toString(): string;
  };
  const npmDigest = require('sip/digest') as { calculateHA1(ctx: object): string; calculateDigest(ctx: object): string };
  const response = (header: string) => /response="([0-9a-f]+)"/.exec(header)![1];

  for (const qop of ['auth', 'auth-int'] as const) {
    it(`agrees with JsSIP on MD5 qop=${qop}`, () => {
      const body = 'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n';
      const jssip = new DigestAuthentication({ username: '201', password: 'päss wörd' });
      jssip.authenticate({ method: 'INVITE', ruri: 'sip:202@pbx.example.com', body }, { realm: 'pbx.example.com', nonce: 'n0nce/+=', qop: [qop], algorithm: 'MD5' }, 'cn0nce');
      const ours = computeDigestResponse({
        algorithm: 'MD5',
        username: '201',
        realm: 'pbx.example.com',
        password: 'päss wörd',
        nonce: 'n0nce/+=',
        method: 'INVITE',
        uri: 'sip:202@pbx.example.com',
        qop,
        nc: '00000001',
        cnonce: 'cn0nce',
        body: new TextEncoder().encode(body),
      });
      expect(ours).toBe(response(jssip.toString()));
    });
  }

  it('agrees with the npm sip package on MD5-sess', () => {
    const ctx = { user: 'alice', realm: 'atlanta.com', password: 'secret', algorithm: 'md5-sess', nonce: 'abcdef', cnonce: '0123', nc: '00000002', qop: 'auth', method: 'REGISTER', uri: 'sip:atlanta.com' };
    const expected = npmDigest.calculateDigest({ ...ctx, ha1: npmDigest.calculateHA1(ctx) });
    expect(computeDigestResponse({ algorithm: 'MD5-sess', username: 'alice', realm: 'atlanta.com', password: 'secret', nonce: 'abcdef', cnonce: '0123', nc: '00000002', qop: 'auth', method: 'REGISTER', uri: 'sip:atlanta.com' })).toBe(expected);
  });
});

describe('algorithm names and ranking', () => {
  it('normalizes case, defaults to MD5 and refuses unknown algorithms', () => {
    expect(normalizeAlgorithm(undefined)).toBe('MD5');
    expect(normalizeAlgorithm('md5-SESS')).toBe('MD5-sess');
    expect(normalizeAlgorithm('sha-256')).toBe('SHA-256');
    expect(normalizeAlgorithm('SHA-512-256-sess')).toBe('SHA-512-256-sess');
    expect(normalizeAlgorithm('SHA-1')).toBeUndefined();
    expect(normalizeAlgorithm('AKAv1-MD5')).toBeUndefined();
  });

  it('ranks SHA-512-256 over SHA-256 over MD5', () => {
    const order: DigestAlgorithm[] = ['MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess', 'SHA-512-256', 'SHA-512-256-sess'];
    const sorted = [...order].sort((a, b) => algorithmStrength(a) - algorithmStrength(b));
    expect(sorted).toEqual(order);
  });

  it('writes nonce counts as 8 hex digits', () => {
    expect(formatNonceCount(1)).toBe('00000001');
    expect(formatNonceCount(255)).toBe('000000ff');
  });
});
