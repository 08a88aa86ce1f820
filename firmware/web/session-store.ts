import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock/index.js';

export interface Session {
  readonly id: string;
  readonly user: string;
  /** Sent back with every change (form field `_csrf` or header `X-CSRF-Token`): a cross-site page cannot read it. */
  readonly csrfToken: string;
  readonly createdMs: number;
  lastSeenMs: number;
}

export interface SessionLimits {
  /** A session unused this long ends (the admin walked away from the browser). */
  idleMs: number;
  /** And none lives longer than this, used or not. */
  absoluteMs: number;
  /** Oldest sessions are dropped beyond this many, so a login loop cannot fill memory. */
  maxSessions: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleMs: 30 * 60_000, absoluteMs: 12 * 3600_000, maxSessions: 32 };

/**
 * Admin sessions, in memory (a reboot logs everyone out, which is what a phone
 * should do). Ids are 256 random bits; expiry is judged on the injected Clock
 * when a session is looked up, so no timer runs per session.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: SessionLimits = DEFAULT_SESSION_LIMITS,
  ) {}

  create(user: string): Session {
    const now = this.clock.now();
    const session: Session = { id: token(), user, csrfToken: token(), createdMs: now, lastSeenMs: now };
    this.sessions.set(session.id, session);
    while (this.sessions.size > this.limits.maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
    return session;
  }

  /** The live session with this id, its idle timer restarted; undefined when unknown or expired. */
  touch(id: string | undefined): Session | undefined {
    if (id === undefined) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    const now = this.clock.now();
    if (now - session.lastSeenMs >= this.limits.idleMs || now - session.createdMs >= this.limits.absoluteMs) {
      this.sessions.delete(id);
      return undefined;
    }
    session.lastSeenMs = now;
    return session;
  }

  end(id: string | undefined): void {
    if (id !== undefined) this.sessions.delete(id);
  }

  /** After a password change every other session ends: whoever knew the old password is out. */
  endAll(): void {
    this.sessions.clear();
  }

  get size(): number {
    return this.sessions.size;
  }
}

function token(): string {
  return randomBytes(32).toString('base64url');
}
