import { describe, expect, it } from 'vitest';
import { DigestAuthenticator, DigestVerifier, applyAuthorization, parseCredentials, type Credentials } from '../../../../firmware/sip/auth/index.js';
import { createRequest, createResponse, parseMessage, parseUri, parseVia, serializeMessage, type SipRequest, type SipResponse } from '../../../../firmware/sip/message/index.js';
import { FakeClock } from '../../../support/fake-clock.js';

/** A registrar: challenges with the verifier, answers 200 to good credentials, 401 otherwise (stale when so). */
class Registrar {
  readonly verifier: DigestVerifier;
  constructor(
    readonly clock: FakeClock,
    options: Partial<ConstructorParameters<typeof DigestVerifier>[0]> = {},
    private readonly status: 401 | 407 = 401,
  ) {
    this.verifier = new DigestVerifier({ realm: 'pbx.example.com', password: (u) => (u === '201' ? 's3cret' : undefined), clock, ...options });
  }

  handle(request: SipRequest): SipResponse {
    // every hop goes through the wire format, as it would on a real network
    const req = parseMessage(serializeMessage(request)) as SipRequest;
    const header = this.status === 401 ? 'Authorization' : 'Proxy-Authorization';
    const result = this.verifier.verify(req, header);
    if (result.ok) return createResponse(req, 200, { toTag: 'reg' });
    const res = createResponse(req, this.status, { toTag: 'reg' });
    for (const c of this.verifier.challenge(result.stale)) res.headers.append(this.status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate', c);
    return parseMessage(serializeMessage(res)) as SipResponse;
  }
}

let cseq = 1;
function register(): SipRequest {
  return createRequest({
    method: 'REGISTER',
    uri: 'sip:pbx.example.com',
    from: '<sip:201@pbx.example.com>;tag=abc',
    to: '<sip:201@pbx.example.com>',
    callId: 'reg-1@192.0.2.10',
    cseq: cseq++,
    via: parseVia(`SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK${cseq}`),
    contact: '<sip:201@192.0.2.10:5060>',
  });
}

const account =
  (password: string) =>
  (realm: string): Credentials | undefined =>
    realm === 'pbx.example.com' ? { username: '201', password } : undefined;

describe('DigestAuthenticator against a verifying registrar', () => {
  it('answers a 401 and is accepted; then authorizes later requests up front with nc counting up', () => {
    const registrar = new Registrar(new FakeClock());
    const auth = new DigestAuthenticator({ credentials: account('s3cret') });
    const first = register();
    const challenge = registrar.handle(first);
    expect(challenge.status).toBe(401);
    const outcome = auth.respond(first, challenge);
    expect(outcome.ok).toBe(true);
    const retry = register();
    applyAuthorization(retry, outcome.ok ? outcome.headers : []);
    expect(registrar.handle(retry).status).toBe(200);

    expect(auth.authorize(register(), ['other.example'])).toEqual([]);
    const refresh = register();
    applyAuthorization(refresh, auth.authorize(refresh, ['pbx.example.com']));
    expect(parseCredentials(refresh.headers.getAll('Authorization'))[0]!.nc).toBe('00000002');
    expect(registrar.handle(refresh).status).toBe(200);
  });

  it('stops with "rejected" on a wrong password instead of looping', () => {
    const registrar = new Registrar(new FakeClock());
    const auth = new DigestAuthenticator({ credentials: account('wrong') });
    const first = register();
    const outcome = auth.respond(first, registrar.handle(first));
    expect(outcome.ok).toBe(true);
    const retry = register();
    applyAuthorization(retry, outcome.ok ? outcome.headers : []);
    const second = registrar.handle(retry);
    expect(second.status).toBe(401);
    const again = auth.respond(retry, second);
    expect(again).toMatchObject({ ok: false, reason: 'rejected', realm: 'pbx.example.com' });
    expect(auth.authorize(register())).toEqual([]);
  });

  it('retries without asking again when the nonce went stale (RFC 7616 §3.3)', () => {
    const clock = new FakeClock();
    const registrar = new Registrar(clock, { nonceLifetimeMs: 60_000 });
    const auth = new DigestAuthenticator({ credentials: account('s3cret') });
    const first = register();
    const o1 = auth.respond(first, registrar.handle(first));
    const retry = register();
    applyAuthorization(retry, o1.ok ? o1.headers : []);
    expect(registrar.handle(retry).status).toBe(200);

    clock.advance(120_000);
    const refresh = register();
    applyAuthorization(refresh, auth.authorize(refresh));
    const stale = registrar.handle(refresh);
    expect(stale.status).toBe(401);
    expect(stale.headers.get('WWW-Authenticate')).toContain('stale=true');
    const o2 = auth.respond(refresh, stale);
    expect(o2.ok).toBe(true);
    const retry2 = register();
    applyAuthorization(retry2, o2.ok ? o2.headers : []);
    expect(retry2.headers.getAll('Authorization')).toHaveLength(1);
    expect(registrar.handle(retry2).status).toBe(200);
  });

  it('gives a reused nonce one fresh try when the server forgets to say stale', () => {
    const clock = new FakeClock();
    const auth = new DigestAuthenticator({ credentials: account('s3cret') });
    const registrar = new Registrar(clock);
    const first = register();
    const o1 = auth.respond(first, registrar.handle(first));
    const retry = register();
    applyAuthorization(retry, o1.ok ? o1.headers : []);
    registrar.handle(retry);
    // a registrar restarted and forgot its nonces, and challenges without stale=true
    const restarted = new Registrar(clock);
    const refresh = register();
    applyAuthorization(refresh, auth.authorize(refresh));
    const fresh = restarted.handle(refresh);
    fresh.headers.set('WWW-Authenticate', fresh.headers.get('WWW-Authenticate')!.replace(', stale=true', ''));
    const o2 = auth.respond(refresh, fresh);
    expect(o2.ok).toBe(true);
    const retry2 = register();
    applyAuthorization(retry2, o2.ok ? o2.headers : []);
    expect(restarted.handle(retry2).status).toBe(200);
  });

  it('answers 407 with Proxy-Authorization', () => {
    const registrar = new Registrar(new FakeClock(), {}, 407);
    const auth = new DigestAuthenticator({ credentials: account('s3cret') });
    const invite = register();
    const challenge = registrar.handle(invite);
    expect(challenge.status).toBe(407);
    const outcome = auth.respond(invite, challenge);
    expect(outcome.ok && outcome.headers[0]!.name).toBe('Proxy-Authorization');
    const retry = register();
    applyAuthorization(retry, outcome.ok ? outcome.headers : []);
    expect(retry.headers.has('Authorization')).toBe(false);
    expect(registrar.handle(retry).status).toBe(200);
  });

  for (const algorithms of [['SHA-512-256', 'SHA-256', 'MD5'], ['SHA-256-sess'], ['MD5-sess'], ['MD5']] as const) {
    it(`uses the strongest of ${algorithms.join(', ')} and is accepted`, () => {
      const registrar = new Registrar(new FakeClock(), { algorithms });
      const auth = new DigestAuthenticator({ credentials: account('s3cret') });
      const first = register();
      const challenge = registrar.handle(first);
      expect(challenge.headers.getAll('WWW-Authenticate')).toHaveLength(algorithms.length);
      const outcome = auth.respond(first, challenge);
      const retry = register();
      applyAuthorization(retry, outcome.ok ? outcome.headers : []);
      expect(parseCredentials(retry.headers.getAll('Authorization'))[0]!.algorithmName).toBe(algorithms[0]);
      expect(registrar.handle(retry).status).toBe(200);
    });
  }

  it('supports qop=auth-int (the body is hashed), no qop (RFC 2069), userhash and opaque', () => {
    const cases: { qop?: ('auth' | 'auth-int')[]; preferAuthInt?: boolean; userhash?: boolean; opaque?: string }[] = [
      { qop: ['auth-int'], preferAuthInt: true },
      { qop: [] },
      { userhash: true, opaque: 'op/aque' },
    ];
    for (const options of cases) {
      const registrar = new Registrar(new FakeClock(), { qop: options.qop, userhash: options.userhash, users: () => ['201'], opaque: options.opaque });
      const auth = new DigestAuthenticator({ credentials: account('s3cret'), preferAuthInt: options.preferAuthInt });
      const first = register();
      first.body = new TextEncoder().encode('body to protect');
      const outcome = auth.respond(first, registrar.handle(first));
      const retry = register();
      retry.body = first.body;
      applyAuthorization(retry, outcome.ok ? outcome.headers : []);
      expect(registrar.handle(retry).status, JSON.stringify(options)).toBe(200);
      const sent = retry.headers.get('Authorization')!;
      if (options.preferAuthInt) expect(sent).toContain('qop=auth-int');
      if (options.qop?.length === 0) expect(sent).not.toContain('nc=');
      if (options.userhash) {
        expect(sent).toContain('userhash=true');
        expect(sent).toContain('opaque="op/aque"');
        expect(sent).not.toContain('username="201"');
      }
    }
  });

  it('answers each realm of a 407 from two proxies with its own credentials (§22.3)', () => {
    const auth = new DigestAuthenticator({
      credentials: (realm) => (realm === 'a.example' ? { username: 'u1', password: 'p1' } : realm === 'b.example' ? { username: 'u2', password: 'p2' } : undefined),
      cnonce: () => 'fixed',
    });
    const req = register();
    const res = createResponse(req, 407);
    res.headers.append('Proxy-Authenticate', 'Digest realm="a.example", nonce="n1", qop="auth"');
    res.headers.append('Proxy-Authenticate', 'Digest realm="b.example", nonce="n2", qop="auth"');
    const outcome = auth.respond(req, res);
    expect(outcome.ok && outcome.headers.map((h) => [h.realm, parseCredentials([h.value])[0]!.username])).toEqual([
      ['a.example', 'u1'],
      ['b.example', 'u2'],
    ]);
  });

  it('says why it cannot answer', () => {
    const auth = new DigestAuthenticator({ credentials: account('s3cret') });
    const req = register();
    const withChallenge = (status: number, header: string, value?: string) => {
      const r = createResponse(req, status);
      if (value !== undefined) r.headers.append(header, value);
      return r;
    };
    expect(auth.respond(req, withChallenge(403, 'WWW-Authenticate'))).toMatchObject({ ok: false, reason: 'no-challenge' });
    expect(auth.respond(req, withChallenge(401, 'WWW-Authenticate'))).toMatchObject({ ok: false, reason: 'no-challenge' });
    expect(auth.respond(req, withChallenge(401, 'WWW-Authenticate', 'Digest realm="x'))).toMatchObject({ ok: false, reason: 'malformed-challenge' });
    expect(auth.respond(req, withChallenge(401, 'WWW-Authenticate', 'Digest realm="pbx.example.com", nonce="1", algorithm=AKAv1-MD5'))).toMatchObject({ ok: false, reason: 'unsupported' });
    expect(auth.respond(req, withChallenge(401, 'WWW-Authenticate', 'Digest realm="elsewhere", nonce="1"'))).toMatchObject({ ok: false, reason: 'no-credentials', realm: 'elsewhere' });
  });

  it('replaces earlier credentials of the same realm and keeps others', () => {
    const req = register();
    req.headers.append('Authorization', 'Digest username="x", realm="other", nonce="1", uri="sip:a", response="00"');
    req.headers.append('Authorization', 'Digest username="201", realm="pbx.example.com", nonce="old", uri="sip:a", response="00"');
    applyAuthorization(req, [{ name: 'Authorization', realm: 'pbx.example.com', value: 'Digest username="201", realm="pbx.example.com", nonce="new", uri="sip:a", response="11"' }]);
    expect(parseCredentials(req.headers.getAll('Authorization')).map((c) => [c.realm, c.nonce])).toEqual([
      ['other', '1'],
      ['pbx.example.com', 'new'],
    ]);
  });
});

describe('DigestVerifier', () => {
  it('refuses replayed nonce counts, wrong URIs and unknown users', () => {
    const clock = new FakeClock();
    const verifier = new DigestVerifier({ realm: 'pbx.example.com', password: (u) => (u === '201' ? 's3cret' : undefined), clock });
    const auth = new DigestAuthenticator({ credentials: account('s3cret') });
    const req = register();
    const res = createResponse(req, 401);
    for (const c of verifier.challenge()) res.headers.append('WWW-Authenticate', c);
    const o = auth.respond(req, res);
    const signed = register();
    applyAuthorization(signed, o.ok ? o.headers : []);
    expect(verifier.verify(signed)).toEqual({ ok: true, username: '201' });
    expect(verifier.verify(signed)).toMatchObject({ ok: false, reason: 'replay' });
    const moved = register();
    applyAuthorization(moved, auth.authorize(moved));
    moved.uri = parseUri('sip:elsewhere.example');
    expect(verifier.verify(moved)).toMatchObject({ ok: false, reason: 'uri-mismatch' });
    const stranger = new DigestAuthenticator({ credentials: () => ({ username: '999', password: 'x' }) });
    const s = stranger.respond(req, res);
    const sreq = register();
    applyAuthorization(sreq, s.ok ? s.headers : []);
    expect(verifier.verify(sreq)).toMatchObject({ ok: false, reason: 'unknown-user' });
    expect(verifier.verify(register())).toMatchObject({ ok: false, reason: 'missing' });
  });
});
