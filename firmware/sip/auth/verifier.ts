import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../clock/index.js';
import type { SipRequest } from '../message/index.js';
import { SipAuthError } from './auth-error.js';
import { formatAuthValue } from './auth-params.js';
import { parseCredentials } from './challenge.js';
import { computeDigestResponse, hashUsername, type DigestAlgorithm, type Qop } from './digest.js';

export interface VerifierOptions {
  realm: string;
  /** Offered in this order, one challenge each (RFC 8760 §2.4: in order of preference). */
  algorithms?: readonly DigestAlgorithm[];
  /** Empty for an RFC 2069 style challenge. */
  qop?: readonly Qop[];
  /** The password of a user, undefined when unknown. */
  password: (username: string) => string | undefined;
  /** Users looked up by hashed name when userhash is offered. */
  users?: () => Iterable<string>;
  userhash?: boolean;
  clock: Pick<Clock, 'now'>;
  /** How long a nonce is good for before answers with it are refused as stale. */
  nonceLifetimeMs?: number;
  opaque?: string;
}

export type VerifyResult =
  | { ok: true; username: string }
  | { ok: false; reason: 'missing' | 'malformed' | 'unknown-user' | 'wrong-response' | 'replay' | 'uri-mismatch'; stale: false }
  /** The digest was right but its nonce is expired or unknown: challenge again with stale=true (RFC 7616 §3.3). */
  | { ok: false; reason: 'stale-nonce'; stale: true };

interface NonceState {
  issuedAt: number;
  lastNc: number;
}

const TOKEN_DIRECTIVES: ReadonlySet<string> = new Set(['algorithm', 'stale', 'userhash']);
const MAX_NONCES = 1024;

/**
 * Server side of Digest (a registrar's view): issues challenges and checks
 * credentials, with nonce expiry and nonce-count replay protection
 * (RFC 7616 §3.3, §3.4, §5.3). The phone does not need it in production;
 * it is the oracle for the client's tests and a building block of the
 * simulated PBX.
 */
export class DigestVerifier {
  private readonly nonces = new Map<string, NonceState>();
  private readonly algorithms: readonly DigestAlgorithm[];
  private readonly qop: readonly Qop[];
  private readonly lifetime: number;

  constructor(private readonly options: VerifierOptions) {
    this.algorithms = options.algorithms ?? ['MD5'];
    this.qop = options.qop ?? ['auth'];
    this.lifetime = options.nonceLifetimeMs ?? 300_000;
  }

  /** WWW-Authenticate / Proxy-Authenticate values: one per algorithm, fresh nonce. */
  challenge(stale = false): string[] {
    const nonce = randomBytes(18).toString('base64');
    if (this.nonces.size >= MAX_NONCES) this.nonces.delete(this.nonces.keys().next().value!);
    this.nonces.set(nonce, { issuedAt: this.options.clock.now(), lastNc: 0 });
    return this.algorithms.map((algorithm) => {
      const params: [string, string][] = [
        ['realm', this.options.realm],
        ['nonce', nonce],
        ['algorithm', algorithm],
      ];
      if (this.qop.length > 0) params.push(['qop', this.qop.join(',')]);
      if (this.options.opaque !== undefined) params.push(['opaque', this.options.opaque]);
      if (stale) params.push(['stale', 'true']);
      if (this.options.userhash) params.push(['userhash', 'true']);
      return formatAuthValue('Digest', params, TOKEN_DIRECTIVES);
    });
  }

  verify(request: SipRequest, header: 'Authorization' | 'Proxy-Authorization' = 'Authorization'): VerifyResult {
    let all;
    try {
      all = parseCredentials(request.headers.getAll(header));
    } catch (e) {
      if (e instanceof SipAuthError) return { ok: false, reason: 'malformed', stale: false };
      throw e;
    }
    const c = all.find((x) => x.realm === this.options.realm);
    if (c === undefined) return { ok: false, reason: 'missing', stale: false };
    if (c.algorithm === undefined || !this.algorithms.includes(c.algorithm)) return { ok: false, reason: 'malformed', stale: false };
    if (this.qop.length > 0 && (c.qop === undefined || !this.qop.includes(c.qop))) return { ok: false, reason: 'malformed', stale: false };
    // RFC 3261 §22.4: the digest-uri must be the Request-URI
    if (c.uri !== request.uri.toString()) return { ok: false, reason: 'uri-mismatch', stale: false };
    let username = c.username;
    if (c.userhash) {
      const found = [...(this.options.users?.() ?? [])].find((u) => hashUsername(c.algorithm!, u, c.realm) === c.username);
      if (found === undefined) return { ok: false, reason: 'unknown-user', stale: false };
      username = found;
    }
    const password = this.options.password(username);
    if (password === undefined) return { ok: false, reason: 'unknown-user', stale: false };
    const expected = computeDigestResponse({
      algorithm: c.algorithm,
      username,
      realm: c.realm,
      password,
      nonce: c.nonce,
      method: request.method,
      uri: c.uri,
      qop: c.qop,
      nc: c.nc,
      cnonce: c.cnonce,
      body: request.body,
    });
    const a = Buffer.from(expected);
    const b = Buffer.from(c.response.toLowerCase());
    if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, reason: 'wrong-response', stale: false };
    const state = this.nonces.get(c.nonce);
    if (state === undefined || this.options.clock.now() - state.issuedAt > this.lifetime) {
      return { ok: false, reason: 'stale-nonce', stale: true };
    }
    if (c.qop !== undefined) {
      // §3.4 / §5.3: nc must grow for each request with the same nonce, else it is a replay
      const nc = parseInt(c.nc ?? '', 16);
      if (!(nc > state.lastNc)) return { ok: false, reason: 'replay', stale: false };
      state.lastNc = nc;
    } else if (state.lastNc > 0) {
      return { ok: false, reason: 'replay', stale: false };
    } else state.lastNc = 1;
    return { ok: true, username };
  }
}
