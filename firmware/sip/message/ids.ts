import { randomBytes } from 'node:crypto';
import { BRANCH_MAGIC_COOKIE } from './via.js';

function randomToken(bytes: number): string {
  // base64url is all token characters (RFC 3261 §25.1: alphanum, "-", "_")
  return randomBytes(bytes).toString('base64url');
}

/** RFC 3261 §8.1.1.7: unique across space and time, beginning with the magic cookie. */
export function generateBranch(): string {
  return BRANCH_MAGIC_COOKIE + randomToken(12);
}

/** RFC 3261 §19.3: "at least 32 bits of randomness". */
export function generateTag(): string {
  return randomToken(8);
}

/** RFC 3261 §8.1.1.4: globally unique over space and time; `host` is optional (callid = word ["@" word]). */
export function generateCallId(host?: string): string {
  const id = randomToken(16);
  return host ? `${id}@${host}` : id;
}
