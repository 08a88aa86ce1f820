import { randomBytes } from 'node:crypto';
import type { SipRequest, SipResponse } from '../message/index.js';
import { SipAuthError } from './auth-error.js';
import { formatAuthValue } from './auth-params.js';
import { parseChallenges, parseCredentials, selectChallenges, type DigestChallenge, type DigestCredentials } from './challenge.js';
import { computeDigestResponse, formatNonceCount, hashUsername, type Qop } from './digest.js';

/** What the phone knows for one realm (its account settings). `ha1` may replace the password for MD5 accounts. */
export interface Credentials {
  username: string;
  password?: string;
  ha1?: string;
}

/** Header to add to the retried request. */
export interface AuthorizationHeader {
  name: 'Authorization' | 'Proxy-Authorization';
  value: string;
  realm: string;
}

export type AuthFailureReason =
  /** The response is not a 401/407 or carries no Digest challenge. */
  | 'no-challenge'
  /** A challenge could not be read. */
  | 'malformed-challenge'
  /** Only algorithms or qop values we do not implement were offered. */
  | 'unsupported'
  /** No credentials configured for the realm asked for. */
  | 'no-credentials'
  /** The server refused credentials it had just challenged for (not stale): the password is wrong; do not retry. */
  | 'rejected';

export type AuthOutcome =
  | { ok: true; headers: AuthorizationHeader[] }
  | { ok: false; reason: AuthFailureReason; realm?: string; message: string };

export interface AuthenticatorOptions {
  /** Credentials per realm (RFC 3261 §22.1: realms are how a UA tells which password is asked for). */
  credentials: (realm: string) => Credentials | undefined;
  /** cnonce source; tests pass a fixed one. */
  cnonce?: () => string;
  /** Use qop=auth-int when offered (hashes the body); default prefers auth, which every server accepts. */
  preferAuthInt?: boolean;
}

interface CachedChallenge {
  challenge: DigestChallenge;
  kind: AuthorizationHeader['name'];
  nc: number;
}

const TOKEN_DIRECTIVES: ReadonlySet<string> = new Set(['algorithm', 'qop', 'nc', 'userhash']);

/**
 * Client side of Digest authentication for a UA (RFC 3261 §22.2–§22.3,
 * RFC 7616, RFC 8760). Given the request and its 401/407, `respond` returns
 * the Authorization / Proxy-Authorization headers for the retry, or a clear
 * reason to stop. Challenges are remembered per realm so later requests can
 * be authorized up front (`authorize`, e.g. a REGISTER refresh), with the
 * nonce count advanced per nonce (RFC 7616 §3.4: nc).
 *
 * No I/O and no timers: the transaction user builds the retried request
 * (new CSeq and branch, §22.2) and sends it.
 */
export class DigestAuthenticator {
  private readonly cache = new Map<string, CachedChallenge>();
  private readonly makeCnonce: () => string;

  constructor(private readonly options: AuthenticatorOptions) {
    this.makeCnonce = options.cnonce ?? (() => randomBytes(12).toString('base64url'));
  }

  respond(request: SipRequest, response: SipResponse): AuthOutcome {
    // §22.2 / §22.3: 401 carries WWW-Authenticate, 407 Proxy-Authenticate
    const kind: AuthorizationHeader['name'] | undefined =
      response.status === 401 ? 'Authorization' : response.status === 407 ? 'Proxy-Authorization' : undefined;
    if (kind === undefined) return { ok: false, reason: 'no-challenge', message: `status ${response.status} is not a challenge` };
    const challengeHeader = kind === 'Authorization' ? 'WWW-Authenticate' : 'Proxy-Authenticate';
    let offered: DigestChallenge[];
    let sent: DigestCredentials[];
    try {
      offered = parseChallenges(response.headers.getAll(challengeHeader));
    } catch (e) {
      if (e instanceof SipAuthError) return { ok: false, reason: 'malformed-challenge', message: e.reason };
      throw e;
    }
    try {
      sent = parseCredentials(request.headers.getAll(kind));
    } catch {
      sent = [];
    }
    if (offered.length === 0) return { ok: false, reason: 'no-challenge', message: `no Digest challenge in ${challengeHeader}` };
    const usable = selectChallenges(offered);
    if (usable.length === 0) {
      return { ok: false, reason: 'unsupported', message: `no supported algorithm/qop among ${offered.map((c) => c.algorithmName).join(', ')}` };
    }
    const headers: AuthorizationHeader[] = [];
    let missing: string | undefined;
    for (const challenge of usable) {
      const previous = sent.find((c) => c.realm === challenge.realm);
      if (previous !== undefined && !challenge.stale) {
        // RFC 7616 §3.3 stale: "If stale is false … the username and/or password are invalid". A
        // credential that was a first use of its nonce (nc 1, or no qop) was checked against a
        // fresh challenge and refused: retrying would loop. A reused nonce (nc > 1, sent up front)
        // may just have expired at a server that does not set stale: one fresh attempt is fair.
        const firstUse = previous.nc === undefined || parseInt(previous.nc, 16) <= 1;
        if (firstUse || previous.nonce === challenge.nonce) {
          this.forget(kind, challenge.realm);
          return { ok: false, reason: 'rejected', realm: challenge.realm, message: `credentials for realm "${challenge.realm}" rejected` };
        }
      }
      const credentials = this.options.credentials(challenge.realm);
      if (credentials === undefined) {
        missing = challenge.realm;
        continue;
      }
      const cached: CachedChallenge = { challenge, kind, nc: 0 };
      this.cache.set(`${kind}:${challenge.realm}`, cached);
      headers.push(this.sign(request, cached, credentials));
    }
    if (headers.length === 0) {
      return { ok: false, reason: 'no-credentials', realm: missing, message: `no credentials for realm "${missing}"` };
    }
    return { ok: true, headers };
  }

  /**
   * Headers for `request` from challenges already answered (pre-emptive
   * authorization, RFC 3261 §22.3 last paragraph). `realms` limits them to
   * the realms of the server the request goes to, so credentials for one
   * domain are not shown to another.
   */
  authorize(request: SipRequest, realms?: readonly string[]): AuthorizationHeader[] {
    const out: AuthorizationHeader[] = [];
    for (const cached of this.cache.values()) {
      if (realms !== undefined && !realms.includes(cached.challenge.realm)) continue;
      const credentials = this.options.credentials(cached.challenge.realm);
      if (credentials !== undefined) out.push(this.sign(request, cached, credentials));
    }
    return out;
  }

  /** Drops the cached challenge of a realm (after a rejection, or when an account changes). */
  forget(kind: AuthorizationHeader['name'], realm: string): void {
    this.cache.delete(`${kind}:${realm}`);
  }

  private sign(request: SipRequest, cached: CachedChallenge, credentials: Credentials): AuthorizationHeader {
    const c = cached.challenge;
    const algorithm = c.algorithm!;
    let qop: Qop | undefined;
    if (c.qop.length > 0) {
      const int = c.qop.includes('auth-int');
      qop = c.qop.includes('auth') && !(int && this.options.preferAuthInt) ? 'auth' : 'auth-int';
    }
    const uri = request.uri.toString();
    const cnonce = qop !== undefined || algorithm.endsWith('-sess') ? this.makeCnonce() : undefined;
    const nc = qop !== undefined ? formatNonceCount(++cached.nc) : undefined;
    // a stored HA1 is H(user:realm:password) under MD5 only
    const ha1 = algorithm.startsWith('MD5') && credentials.password === undefined ? credentials.ha1 : undefined;
    const response = computeDigestResponse({
      algorithm,
      username: credentials.username,
      realm: c.realm,
      password: credentials.password,
      ha1,
      nonce: c.nonce,
      method: request.method,
      uri,
      qop,
      nc,
      cnonce,
      body: request.body,
    });
    const username = c.userhash ? hashUsername(algorithm, credentials.username, c.realm) : credentials.username;
    const params: [string, string][] = [
      ['username', username],
      ['realm', c.realm],
      ['nonce', c.nonce],
      ['uri', uri],
      ['response', response],
      ['algorithm', c.algorithmName],
    ];
    if (cnonce !== undefined) params.push(['cnonce', cnonce]);
    // §3.4: opaque is returned unchanged
    if (c.opaque !== undefined) params.push(['opaque', c.opaque]);
    if (qop !== undefined) params.push(['qop', qop], ['nc', nc!]);
    if (c.userhash) params.push(['userhash', 'true']);
    return { name: cached.kind, value: formatAuthValue('Digest', params, TOKEN_DIRECTIVES), realm: c.realm };
  }
}

/**
 * Puts `headers` into `request`, replacing credentials it already has for the
 * same realms (§22.3: one set per realm) and keeping others.
 */
export function applyAuthorization(request: SipRequest, headers: readonly AuthorizationHeader[]): void {
  for (const name of ['Authorization', 'Proxy-Authorization'] as const) {
    const mine = headers.filter((h) => h.name === name);
    if (mine.length === 0) continue;
    const keep = request.headers.getAll(name).filter((v) => {
      try {
        const realms = parseCredentials([v]).map((c) => c.realm);
        return !realms.some((r) => mine.some((h) => h.realm === r));
      } catch {
        return false;
      }
    });
    request.headers.delete(name);
    for (const v of keep) request.headers.append(name, v);
    for (const h of mine) request.headers.append(name, h.value);
  }
}
