import { createHash } from 'node:crypto';
import { SipAuthError } from './auth-error.js';

/**
 * Digest computation, RFC 7616 §3.4.1–§3.4.3 (MD5 and SHA-256 family) as
 * used by SIP (RFC 3261 §22.4, RFC 8760 adds SHA-256 and SHA-512/256).
 */

export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess' | 'SHA-512-256' | 'SHA-512-256-sess';

export type Qop = 'auth' | 'auth-int';

const HASHES: Readonly<Record<string, string>> = {
  md5: 'md5',
  'sha-256': 'sha256',
  'sha-512-256': 'sha512-256',
};

/** Preference when a server offers several (RFC 8760 §2.4: the client uses the strongest it supports). */
const STRENGTH: Readonly<Record<string, number>> = { md5: 1, 'sha-256': 2, 'sha-512-256': 3 };

function hashSupported(nodeName: string): boolean {
  try {
    createHash(nodeName);
    return true;
  } catch {
    return false;
  }
}

const AVAILABLE = new Set(Object.entries(HASHES).filter(([, n]) => hashSupported(n)).map(([k]) => k));

/** Canonical spelling of a supported algorithm name (case-insensitive), or undefined. */
export function normalizeAlgorithm(name: string | undefined): DigestAlgorithm | undefined {
  // RFC 7616 §3.3: "If this is not present, it is assumed to be MD5"
  const lower = (name ?? 'MD5').toLowerCase();
  const sess = lower.endsWith('-sess');
  const base = sess ? lower.slice(0, -5) : lower;
  if (!AVAILABLE.has(base)) return undefined;
  const canon = base === 'md5' ? 'MD5' : base.toUpperCase();
  return (sess ? `${canon}-sess` : canon) as DigestAlgorithm;
}

/** Higher is stronger; -sess ranks just above its plain form. */
export function algorithmStrength(alg: DigestAlgorithm): number {
  const sess = alg.endsWith('-sess');
  const base = (sess ? alg.slice(0, -5) : alg).toLowerCase();
  return STRENGTH[base]! * 2 + (sess ? 1 : 0);
}

function hashFn(alg: DigestAlgorithm): string {
  const base = alg.endsWith('-sess') ? alg.slice(0, -5) : alg;
  return HASHES[base.toLowerCase()]!;
}

/** H(data) as lower-case hex (RFC 7616 §3.4: "the lowercase hexadecimal"). */
export function digestHash(alg: DigestAlgorithm, data: string | Uint8Array): string {
  return createHash(hashFn(alg)).update(data).digest('hex');
}

export interface DigestInput {
  algorithm: DigestAlgorithm;
  username: string;
  realm: string;
  /** The password, or `ha1` H(username:realm:password) for stored credentials. */
  password?: string;
  ha1?: string;
  nonce: string;
  method: string;
  /** digest-uri: the Request-URI as sent (RFC 3261 §22.4). */
  uri: string;
  /** Absent for RFC 2069 compatibility (no qop in the challenge). */
  qop?: Qop;
  /** 8 hex digits (RFC 7616 §3.4: nc). Required with qop. */
  nc?: string;
  cnonce?: string;
  /** The message body, for qop=auth-int. */
  body?: Uint8Array;
}

/** The `response` directive (RFC 7616 §3.4.1), `HA1` per §3.4.2 and `HA2` per §3.4.3. */
export function computeDigestResponse(input: DigestInput): string {
  const { algorithm: alg, nonce } = input;
  let ha1: string;
  if (input.ha1 !== undefined) ha1 = input.ha1;
  else if (input.password !== undefined) ha1 = digestHash(alg, `${input.username}:${input.realm}:${input.password}`);
  else throw new SipAuthError('neither password nor ha1 given');
  if (alg.endsWith('-sess')) {
    // §3.4.2: A1 = H(username:realm:passwd) ":" nonce ":" cnonce
    if (input.cnonce === undefined) throw new SipAuthError('-sess algorithm needs a cnonce');
    ha1 = digestHash(alg, `${ha1}:${nonce}:${input.cnonce}`);
  }
  // §3.4.3: A2 = Method ":" request-uri [":" H(entity-body)] for auth-int
  const a2 = input.qop === 'auth-int' ? `${input.method}:${input.uri}:${digestHash(alg, input.body ?? new Uint8Array(0))}` : `${input.method}:${input.uri}`;
  const ha2 = digestHash(alg, a2);
  if (input.qop === undefined) {
    // RFC 2069 compatibility (RFC 2617 §3.2.2.1): response = H(HA1:nonce:HA2)
    return digestHash(alg, `${ha1}:${nonce}:${ha2}`);
  }
  if (input.nc === undefined || input.cnonce === undefined) throw new SipAuthError('qop needs nc and cnonce');
  return digestHash(alg, `${ha1}:${nonce}:${input.nc}:${input.cnonce}:${input.qop}:${ha2}`);
}

/** RFC 7616 §3.4.4: username = H(unq(username) ":" unq(realm)) when userhash=true. */
export function hashUsername(alg: DigestAlgorithm, username: string, realm: string): string {
  return digestHash(alg, `${username}:${realm}`);
}

/** nc-value: 8 lower-case hex digits. */
export function formatNonceCount(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}
