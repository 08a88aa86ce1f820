import { SipAuthError } from './auth-error.js';
import { parseAuthValues, type AuthValue } from './auth-params.js';
import { algorithmStrength, normalizeAlgorithm, type DigestAlgorithm, type Qop } from './digest.js';

/** A Digest challenge (RFC 7616 §3.3; RFC 3261 §20.44 WWW-Authenticate, §20.27 Proxy-Authenticate). */
export interface DigestChallenge {
  realm: string;
  nonce: string;
  /** As the server wrote it ("MD5" when absent, §3.3). */
  algorithmName: string;
  /** Canonical form when we support it. */
  algorithm: DigestAlgorithm | undefined;
  /** Offered qop values; empty for an RFC 2069 style challenge. */
  qop: string[];
  opaque: string | undefined;
  /** §3.3: the previous request's nonce was stale but its digest valid: retry without asking the user. */
  stale: boolean;
  /** RFC 7616 §3.4.4. */
  userhash: boolean;
  domain: string | undefined;
}

/** Digest credentials as sent in Authorization / Proxy-Authorization (RFC 7616 §3.4; RFC 3261 §20.7, §20.28). */
export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithmName: string;
  algorithm: DigestAlgorithm | undefined;
  qop: Qop | undefined;
  nc: string | undefined;
  cnonce: string | undefined;
  opaque: string | undefined;
  userhash: boolean;
}

function isDigest(v: AuthValue): boolean {
  return v.scheme.toLowerCase() === 'digest';
}

function toChallenge(v: AuthValue): DigestChallenge {
  const p = v.params;
  const realm = p.get('realm');
  const nonce = p.get('nonce');
  if (realm === undefined) throw new SipAuthError('challenge without realm');
  if (nonce === undefined) throw new SipAuthError('challenge without nonce');
  const algorithmName = p.get('algorithm') ?? 'MD5';
  const qop = (p.get('qop') ?? '')
    .split(',')
    .map((q) => q.trim().toLowerCase())
    .filter((q) => q.length > 0);
  return {
    realm,
    nonce,
    algorithmName,
    algorithm: normalizeAlgorithm(algorithmName),
    qop,
    opaque: p.get('opaque'),
    stale: p.get('stale')?.toLowerCase() === 'true',
    userhash: p.get('userhash')?.toLowerCase() === 'true',
    domain: p.get('domain'),
  };
}

/** Every Digest challenge in the given header values (other schemes are skipped, RFC 3261 §22.1). */
export function parseChallenges(values: readonly string[]): DigestChallenge[] {
  const out: DigestChallenge[] = [];
  for (const value of values) for (const v of parseAuthValues(value)) if (isDigest(v)) out.push(toChallenge(v));
  return out;
}

/**
 * Per realm, the strongest challenge we can answer (RFC 8760 §2.4: a server
 * sends one challenge per algorithm, "the client SHOULD use the topmost
 * supported"; we rank SHA-512-256 > SHA-256 > MD5 ourselves, which agrees with
 * a server that orders them by preference). Challenges with an unsupported
 * algorithm or only unsupported qop values are left out.
 */
export function selectChallenges(challenges: readonly DigestChallenge[]): DigestChallenge[] {
  const byRealm = new Map<string, DigestChallenge>();
  for (const c of challenges) {
    if (c.algorithm === undefined) continue;
    if (c.qop.length > 0 && !c.qop.includes('auth') && !c.qop.includes('auth-int')) continue;
    const best = byRealm.get(c.realm);
    if (best === undefined || algorithmStrength(c.algorithm) > algorithmStrength(best.algorithm!)) byRealm.set(c.realm, c);
  }
  return [...byRealm.values()];
}

/** The Digest credentials in the given Authorization / Proxy-Authorization values. */
export function parseCredentials(values: readonly string[]): DigestCredentials[] {
  const out: DigestCredentials[] = [];
  for (const value of values) {
    for (const v of parseAuthValues(value)) {
      if (!isDigest(v)) continue;
      const p = v.params;
      const need = (name: string): string => {
        const x = p.get(name);
        if (x === undefined) throw new SipAuthError(`credentials without ${name}`);
        return x;
      };
      const qop = p.get('qop')?.toLowerCase();
      if (qop !== undefined && qop !== 'auth' && qop !== 'auth-int') throw new SipAuthError(`unknown qop ${qop}`);
      const algorithmName = p.get('algorithm') ?? 'MD5';
      out.push({
        username: need('username'),
        realm: need('realm'),
        nonce: need('nonce'),
        uri: need('uri'),
        response: need('response'),
        algorithmName,
        algorithm: normalizeAlgorithm(algorithmName),
        qop,
        nc: p.get('nc'),
        cnonce: p.get('cnonce'),
        opaque: p.get('opaque'),
        userhash: p.get('userhash')?.toLowerCase() === 'true',
      });
    }
  }
  return out;
}
