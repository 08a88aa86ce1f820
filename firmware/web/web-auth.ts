import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock/index.js';
import { clientAddress, isLocalRequest } from './client-address.js';
import type { HttpContext } from './http/context.js';
import { deleteCookieHeader, getCookie, setCookieHeader } from './http/cookies.js';
import type { ConfigAccess } from './config-access.js';
import { LoginThrottle } from './login-throttle.js';
import { constantTimeEqual, verifyPassword } from '../config/index.js';
import { SessionStore, type Session } from './session-store.js';
import { WebError } from './web-error.js';

export const SESSION_COOKIE = 'deskphone_session';
/** Double-submit token for the forms used before there is a session (login, first password). */
export const FORM_COOKIE = 'deskphone_form';
const BASIC_CACHE_MS = 5 * 60_000;

/** Who made a request, as far as the web server is concerned. */
export type Principal =
  | { kind: 'session'; user: string; session: Session }
  | { kind: 'basic'; user: string }
  | { kind: 'token' }
  /** The virtual front panel opened on the phone's own machine while no admin password is set. */
  | { kind: 'local-panel' };

export interface WebAuthOptions {
  clock: Clock;
  config: ConfigAccess;
  /** Bearer token for scripts and help-desk tools (remote-control API); none accepted when absent. */
  apiToken?: string;
  sessions?: SessionStore;
  throttle?: LoginThrottle;
}

/**
 * The access rule (README of firmware/web):
 * - With an admin password set, every page and API call needs a session cookie
 *   (from /login), HTTP Basic with the admin user and password, or the API's
 *   bearer token. Wrong passwords count towards a lockout per client address.
 * - With no admin password set, only the virtual front panel (`/`, `/api/panel*`,
 *   `/api/events`) answers, and only to requests from this machine addressed to it
 *   by a loopback name; everything else answers 403 ADMIN_PASSWORD_NOT_SET and
 *   the admin pages lead to /setup to choose one.
 * - Every change (POST, PATCH, DELETE) must come from this site: a cross-site
 *   Origin or Sec-Fetch-Site is refused, a session must send its CSRF token, and
 *   the API takes only JSON bodies (a cross-site form cannot send those).
 */
export class WebAuth {
  readonly sessions: SessionStore;
  readonly throttle: LoginThrottle;
  /**
   * Basic credentials already checked against the current stored password
   * (by digest), so a script sending Basic on every call pays for scrypt once
   * per BASIC_CACHE_MS, not per request.
   */
  private readonly basicChecked = new Map<string, number>();

  constructor(private readonly options: WebAuthOptions) {
    this.sessions = options.sessions ?? new SessionStore(options.clock);
    this.throttle = options.throttle ?? new LoginThrottle(options.clock);
  }

  get passwordSet(): boolean {
    return this.options.config.config.admin.password !== '';
  }

  /** Checks a user name and password, counting failures and honouring the lockout. */
  async checkCredentials(address: string, user: string, password: string): Promise<void> {
    const waitMs = this.throttle.retryAfterMs(address);
    if (waitMs > 0) {
      throw new WebError(429, 'LOCKED_OUT', `too many failed logins; try again in ${Math.ceil(waitMs / 1000)} s`, { retryAfterS: Math.ceil(waitMs / 1000) });
    }
    const admin = this.options.config.config.admin;
    // Both checks always run, so a wrong user name takes as long as a wrong password.
    const userOk = constantTimeEqual(user, admin.user);
    const passwordOk = await verifyPassword(password, admin.password);
    if (!userOk || !passwordOk) {
      this.throttle.failed(address);
      throw new WebError(401, 'BAD_CREDENTIALS', 'wrong user name or password');
    }
    this.throttle.succeeded(address);
  }

  async authenticate(c: HttpContext, options: { panel: boolean }): Promise<Principal> {
    const header = c.header('authorization');
    if (header !== undefined) return this.fromHeader(c, header);
    const session = this.sessions.touch(getCookie(c.incoming.headers, SESSION_COOKIE));
    if (session) return { kind: 'session', user: session.user, session };
    if (!this.passwordSet) {
      if (options.panel && isLocalRequest(c)) return { kind: 'local-panel' };
      throw new WebError(403, 'ADMIN_PASSWORD_NOT_SET', 'no admin password is set yet: choose one at /setup first');
    }
    throw new WebError(401, 'AUTH_REQUIRED', 'log in at /login, or send HTTP Basic credentials or the API token');
  }

  async login(c: HttpContext, user: string, password: string): Promise<Session> {
    await this.checkCredentials(clientAddress(c), user, password);
    this.sessions.end(getCookie(c.incoming.headers, SESSION_COOKIE));
    const session = this.sessions.create(user);
    c.setHeader('set-cookie', setCookieHeader(SESSION_COOKIE, session.id, { httpOnly: true, sameSite: 'Strict', path: '/' }));
    return session;
  }

  logout(c: HttpContext): void {
    this.sessions.end(getCookie(c.incoming.headers, SESSION_COOKIE));
    c.setHeader('set-cookie', deleteCookieHeader(SESSION_COOKIE, { path: '/' }));
  }

  /**
   * Refuses a change that a page on another site could have made the browser
   * send. `formToken` is the `_csrf` field of a submitted form.
   */
  assertSameSite(c: HttpContext, principal: Principal | undefined, formToken?: string): void {
    if (c.header('sec-fetch-site') === 'cross-site') throw crossSite('Sec-Fetch-Site says cross-site');
    const origin = c.header('origin');
    if (origin !== undefined && origin !== 'null' && c.host !== hostOf(origin)) throw crossSite(`Origin ${origin} is not this phone`);
    if (origin === 'null') throw crossSite('Origin is null');
    if (principal?.kind === 'session') {
      const sent = c.header('x-csrf-token') ?? formToken ?? '';
      if (!constantTimeEqual(sent, principal.session.csrfToken)) throw new WebError(403, 'CSRF_TOKEN', 'the page is out of date or from elsewhere: reload it and try again');
    }
  }

  /** A fresh double-submit token for a login or setup form, set as a SameSite=Strict cookie. */
  issueFormToken(c: HttpContext): string {
    const token = randomBytes(24).toString('base64url');
    c.setHeader('set-cookie', setCookieHeader(FORM_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/' }));
    return token;
  }

  /** The form's token must match its cookie: a cross-site form post carries no SameSite=Strict cookie. */
  assertFormToken(c: HttpContext, sent: string | undefined): void {
    this.assertSameSite(c, undefined);
    const cookie = getCookie(c.incoming.headers, FORM_COOKIE);
    if (cookie === undefined || sent === undefined || !constantTimeEqual(cookie, sent)) {
      throw new WebError(403, 'CSRF_TOKEN', 'the form is out of date or from elsewhere: reload it and try again');
    }
  }

  private async fromHeader(c: HttpContext, header: string): Promise<Principal> {
    const [scheme, value = ''] = header.split(/\s+/, 2) as [string, string?];
    if (/^bearer$/i.test(scheme)) {
      if (this.options.apiToken !== undefined && this.options.apiToken !== '' && constantTimeEqual(value, this.options.apiToken)) return { kind: 'token' };
      throw new WebError(401, 'BAD_TOKEN', 'the API token is not valid');
    }
    if (/^basic$/i.test(scheme)) {
      if (!this.passwordSet) throw new WebError(403, 'ADMIN_PASSWORD_NOT_SET', 'no admin password is set yet: choose one at /setup first');
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw new WebError(401, 'BAD_CREDENTIALS', 'HTTP Basic credentials must be user:password');
      const user = decoded.slice(0, colon);
      const digest = createHash('sha256').update(`${this.options.config.config.admin.password}\0${decoded}`).digest('base64');
      const now = this.options.clock.now();
      if ((this.basicChecked.get(digest) ?? -Infinity) > now && this.throttle.retryAfterMs(clientAddress(c)) === 0) return { kind: 'basic', user };
      await this.checkCredentials(clientAddress(c), user, decoded.slice(colon + 1));
      if (this.basicChecked.size >= 16) this.basicChecked.clear();
      this.basicChecked.set(digest, now + BASIC_CACHE_MS);
      return { kind: 'basic', user };
    }
    throw new WebError(401, 'AUTH_REQUIRED', `unsupported Authorization scheme "${scheme}"; use Basic or Bearer`);
  }
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

function crossSite(why: string): WebError {
  return new WebError(403, 'CROSS_SITE', `changes are only accepted from the phone's own pages (${why})`);
}
