import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Admin passwords at rest are scrypt hashes (issue 7 §6), written into the
 * config as `scrypt$N$r$p$salt$hash` (salt and hash in base64url). A password
 * an admin typed into the YAML by hand is still accepted as plain text, so a
 * flash step can set one; the web's "set a password" page always writes a hash.
 */
const PREFIX = 'scrypt';
const KEY_LENGTH = 32;
/**
 * N=2^13, r=8, p=10: one of OWASP's equivalent scrypt settings (Password
 * Storage Cheat Sheet: N=2^17/p=1 … N=2^13/p=10), the one with the least memory.
 * scrypt holds 128·N·r bytes while it runs and the lanes run one after another,
 * so a login costs the phone 8 MiB for a moment instead of the 32 MiB of the
 * N=2^15, p=1 used before (weaker by OWASP's table, and a third of the 70 MB
 * the phone runs in). 158 ms per check on the 2-core build machine (85 ms
 * before); a session or a cached Basic check pays it once. Stored hashes carry
 * their own cost, so older ones still verify.
 */
export const DEFAULT_SCRYPT_COST = { N: 8192, r: 8, p: 10 } as const;

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

function scryptAsync(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const options: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
  // The async form runs in libuv's thread pool: a login never blocks the event loop (DESIGN.md "Real time").
  return new Promise((resolve, reject) => scrypt(password, salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, cost);
  return [PREFIX, cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export function isPasswordHash(stored: string): boolean {
  return parseHash(stored) !== undefined;
}

/**
 * Whether `candidate` is the stored password. Constant-time in the secret:
 * hashes are compared with timingSafeEqual, and plain-text passwords through
 * their SHA-256 digests so neither the content nor the length leaks through timing.
 * An empty stored password matches nothing (it means "no password set yet").
 */
export async function verifyPassword(candidate: string, stored: string): Promise<boolean> {
  if (stored === '') return false;
  const hash = parseHash(stored);
  if (hash === undefined) return constantTimeEqual(candidate, stored);
  const key = await scryptAsync(candidate, hash.salt, hash.cost);
  return key.length === hash.key.length && timingSafeEqual(key, hash.key);
}

/** Equality of two strings that takes the same time wherever they differ, whatever their lengths. */
export function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}

function parseHash(stored: string): { cost: ScryptCost; salt: Buffer; key: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== PREFIX) return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  // N must be a power of two > 1 (scrypt's rule); bounds keep a hand-edited value from exhausting memory.
  if (!Number.isInteger(N) || N < 2 || N > 2 ** 20 || (N & (N - 1)) !== 0) return undefined;
  if (!Number.isInteger(r) || r < 1 || r > 32 || !Number.isInteger(p) || p < 1 || p > 16) return undefined;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const key = Buffer.from(parts[5]!, 'base64url');
  if (salt.length < 8 || key.length !== KEY_LENGTH) return undefined;
  return { cost: { N, r, p }, salt, key };
}
