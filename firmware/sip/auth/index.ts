/**
 * Digest authentication for SIP (RFC 3261 §22, RFC 7616, RFC 8760).
 *
 * - `DigestAuthenticator` (client): `respond(request, 401/407)` →
 *   `{ ok: true, headers }` to add with `applyAuthorization(retry, headers)`,
 *   or `{ ok: false, reason }` ('rejected' = wrong credentials: stop, do not
 *   loop). `authorize(request)` adds credentials up front from remembered
 *   challenges (nonce count advanced). Credentials per realm via a callback.
 * - `DigestVerifier` (server, for tests and the simulated PBX): `challenge()`,
 *   `verify(request)` with stale nonces and nc replay checks.
 * - Pieces: `parseChallenges`, `selectChallenges` (strongest per realm:
 *   SHA-512-256 > SHA-256 > MD5, -sess variants), `parseCredentials`,
 *   `computeDigestResponse` (MD5, SHA-256, SHA-512-256 and -sess; qop auth,
 *   auth-int, none), `hashUsername` (userhash).
 */
export { SipAuthError } from './auth-error.js';
export { parseAuthValues, formatAuthValue, type AuthValue } from './auth-params.js';
export {
  computeDigestResponse,
  digestHash,
  hashUsername,
  normalizeAlgorithm,
  algorithmStrength,
  formatNonceCount,
  type DigestAlgorithm,
  type DigestInput,
  type Qop,
} from './digest.js';
export { parseChallenges, selectChallenges, parseCredentials, type DigestChallenge, type DigestCredentials } from './challenge.js';
export {
  DigestAuthenticator,
  applyAuthorization,
  type AuthenticatorOptions,
  type AuthFailureReason,
  type AuthOutcome,
  type AuthorizationHeader,
  type Credentials,
} from './authenticator.js';
export { DigestVerifier, type VerifierOptions, type VerifyResult } from './verifier.js';
