import type { SipMessage } from '../message/index.js';

/**
 * RFC 4028 session timers: the header values and the arithmetic. The Call
 * applies them (which side refreshes, when, and what happens when a refresh
 * fails); this file only reads, writes and computes.
 */
export type Refresher = 'uac' | 'uas';

export interface SessionExpires {
  /** Delta seconds (RFC 4028 §4). */
  interval: number;
  refresher: Refresher | undefined;
}

/** RFC 4028 §4: "the minimum value for the Session-Expires ... 90 seconds". */
export const MIN_SE_FLOOR = 90;
/** RFC 4028 §4 recommends 1800 s; PBXs often ask for less. */
export const DEFAULT_SESSION_EXPIRES = 1800;

export interface SessionTimerConfig {
  /** Session interval we ask for, in seconds (0 disables session timers on our side). */
  expires: number;
  /** Smallest interval we accept (our Min-SE), at least 90. */
  minSE: number;
}

export const DEFAULT_SESSION_TIMER: SessionTimerConfig = { expires: DEFAULT_SESSION_EXPIRES, minSE: MIN_SE_FLOOR };

/** Session-Expires (compact form x, RFC 4028 §4): `1800;refresher=uac`. */
export function readSessionExpires(message: SipMessage): SessionExpires | undefined {
  const raw = message.headers.get('session-expires');
  if (raw === undefined) return undefined;
  const [delta, ...params] = raw.split(';').map((s) => s.trim());
  if (!delta || !/^\d{1,10}$/.test(delta)) return undefined;
  let refresher: Refresher | undefined;
  for (const p of params) {
    const [name, value] = p.split('=').map((s) => s.trim().toLowerCase());
    if (name === 'refresher' && (value === 'uac' || value === 'uas')) refresher = value;
  }
  return { interval: Number(delta), refresher };
}

export function formatSessionExpires(interval: number, refresher?: Refresher): string {
  return refresher ? `${interval};refresher=${refresher}` : String(interval);
}

/** Min-SE (RFC 4028 §5), absent → the 90 s floor. */
export function readMinSE(message: SipMessage): number {
  const raw = message.headers.get('min-se')?.split(';')[0]?.trim();
  return raw && /^\d{1,10}$/.test(raw) ? Math.max(MIN_SE_FLOOR, Number(raw)) : MIN_SE_FLOOR;
}

/** True when the message lists `tag` in Supported (compact k) or Require. */
export function hasOptionTag(message: SipMessage, header: 'supported' | 'require', tag: string): boolean {
  const values = message.headers.getAll(header);
  return values.some((v) => v.split(',').some((t) => t.trim().toLowerCase() === tag));
}

/**
 * RFC 4028 §10: the refresher sends its refresh "at half the session interval"; the other side, if it has
 * heard nothing, sends BYE "before the session expiration ... the minimum of 32 seconds and one third of the
 * session interval" ahead of it.
 */
export function refreshDelayMs(interval: number): number {
  return (interval * 1000) / 2;
}

export function expiryDelayMs(interval: number): number {
  return (interval - Math.min(32, interval / 3)) * 1000;
}
