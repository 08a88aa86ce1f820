import { Reply, type HttpContext } from '../http/context.js';
import { Routes } from '../http/routes.js';
import { ConfigError } from '../../config/index.js';
import { DeskphoneError } from '../../errors.js';
import { dialRequestSchema } from '../api-schemas.js';
import { clientAddress, isLocalRequest } from '../client-address.js';
import { constantTimeEqual, hashPassword } from '../../config/index.js';
import { panelState } from '../panel-view.js';
import { formBody } from '../request-body.js';
import { collectChanges } from '../settings-form.js';
import { callsWithQuality, currentStatus } from '../status-view.js';
import type { Principal } from '../web-auth.js';
import type { WebContext } from '../web-context.js';
import { WebError } from '../web-error.js';
import { loginPage, passwordPage, setupPage } from '../pages/auth-pages.js';
import { dialPage } from '../pages/dial-page.js';
import { html } from '../pages/html.js';
import { page } from '../pages/layout.js';
import { panelPage } from '../pages/panel-page.js';
import { settingsPage } from '../pages/settings-page.js';
import { statusPage } from '../pages/status-page.js';
import { setAdminPassword } from './api-routes.js';
import { dataPageRoutes } from './data-pages.js';

const MIN_PASSWORD = 8;

/**
 * The HTML pages: the virtual front panel at `/`, login and first-password
 * setup, and the admin pages (status, settings, dial, password). A page that
 * needs a login redirects to /login (or /setup while no password is set)
 * instead of answering 401, as a person in a browser expects.
 */
export function pageRoutes(ctx: WebContext): Routes {
  const app = new Routes();

  /** The viewer, or the redirect that gets them a login. */
  const viewer = async (c: HttpContext, panel: boolean): Promise<Principal | Reply> => {
    try {
      return await ctx.auth.authenticate(c, { panel });
    } catch (err) {
      if (err instanceof WebError && err.code === 'ADMIN_PASSWORD_NOT_SET') return c.redirect('/setup', 303);
      if (err instanceof WebError && err.status === 401) return c.redirect(`/login?next=${encodeURIComponent(c.path)}`, 303);
      throw err;
    }
  };
  const csrfOf = (p: Principal) => (p.kind === 'session' ? p.session.csrfToken : '');
  const status = () => currentStatus(ctx);

  app.get('/', async (c) => {
    if (!ctx.panel) return c.redirect('/admin', 303);
    const who = await viewer(c, true);
    if (who instanceof Reply) return who;
    const csrf = csrfOf(who);
    return c.html(panelPage({ state: panelState(ctx.panel), status: status(), loggedIn: who.kind !== 'local-panel', ...(csrf ? { csrfToken: csrf } : {}) }));
  });

  // Browsers ask for an icon on every page; answering keeps their consoles quiet.
  app.get('/favicon.ico', (c) => c.send(null, 204));

  app.get('/login', (c) => {
    if (!ctx.auth.passwordSet) return c.redirect('/setup', 303);
    return c.html(loginPage({ formToken: ctx.auth.issueFormToken(c), next: safeNext(c.query('next')) }));
  });

  app.post('/login', async (c) => {
    const form = await formBody(c);
    ctx.auth.assertFormToken(c, form['_form']);
    const next = safeNext(form['next']);
    try {
      await ctx.auth.login(c, form['user'] ?? '', form['password'] ?? '');
    } catch (err) {
      if (!(err instanceof WebError)) throw err;
      ctx.log.warn({ address: clientAddress(c), code: err.code }, 'admin login refused');
      return c.html(loginPage({ formToken: ctx.auth.issueFormToken(c), next, error: err.message, user: form['user'] ?? '' }), err.status === 429 ? 429 : 401);
    }
    ctx.log.info({ user: form['user'] }, 'admin logged in');
    return c.redirect(next, 303);
  });

  app.post('/logout', async (c) => {
    const who = await viewer(c, false);
    if (who instanceof Reply) return who;
    ctx.auth.assertSameSite(c, who, (await formBody(c))['_csrf']);
    ctx.auth.logout(c);
    return c.redirect('/login', 303);
  });

  const askCode = (c: HttpContext) => ctx.setupCode !== undefined && ctx.setupCode !== '' && !isLocalRequest(c);

  app.get('/setup', (c) => {
    if (ctx.auth.passwordSet) return c.redirect('/admin', 303);
    return c.html(setupPage({ formToken: ctx.auth.issueFormToken(c), user: ctx.config.config.admin.user, askCode: askCode(c) }));
  });

  app.post('/setup', async (c) => {
    const form = await formBody(c);
    ctx.auth.assertFormToken(c, form['_form']);
    if (ctx.auth.passwordSet) throw new WebError(409, 'PASSWORD_ALREADY_SET', 'an admin password is already set: log in and change it there');
    const password = form['password'] ?? '';
    const again = (error: string, status: 400 | 401 | 429) =>
      c.html(setupPage({ formToken: ctx.auth.issueFormToken(c), user: ctx.config.config.admin.user, askCode: askCode(c), error }), status);
    if (askCode(c)) {
      // Wrong codes count towards the same lockout as wrong passwords: six digits must not be guessable.
      const waitMs = ctx.auth.throttle.retryAfterMs(clientAddress(c));
      if (waitMs > 0) return again(`Too many wrong codes; try again in ${Math.ceil(waitMs / 1000)} s.`, 429);
      if (!constantTimeEqual((form['code'] ?? '').trim(), ctx.setupCode!)) {
        ctx.auth.throttle.failed(clientAddress(c));
        return again('The setup code is wrong: read it from the phone\'s display or console.', 401);
      }
    }
    const problem = password.length < MIN_PASSWORD ? `The password needs at least ${MIN_PASSWORD} characters.` : password !== form['confirm'] ? 'The two passwords differ.' : undefined;
    if (problem) return again(problem, 400);
    await ctx.config.set(['admin', 'password'], await hashPassword(password));
    ctx.log.info({ address: clientAddress(c) }, 'admin password set');
    await ctx.auth.login(c, ctx.config.config.admin.user, password);
    return c.redirect('/admin', 303);
  });

  app.get('/admin', async (c) => {
    const who = await viewer(c, false);
    if (who instanceof Reply) return who;
    return c.html(statusPage({ status: status(), calls: await callsWithQuality(ctx), csrfToken: csrfOf(who), configFile: ctx.config.file, canRestart: ctx.phone?.restart !== undefined }));
  });

  app.get('/admin/settings', async (c) => {
    const who = await viewer(c, false);
    if (who instanceof Reply) return who;
    return c.html(settingsPage({ config: ctx.config.config, csrfToken: csrfOf(who), saved: c.query('saved') !== undefined, configFile: ctx.config.file }));
  });

  app.post('/admin/settings', async (c) => {
    const who = await viewer(c, false);
    if (who instanceof Reply) return who;
    const form = await formBody(c);
    ctx.auth.assertSameSite(c, who, form['_csrf']);
    const before = ctx.config.config;
    const changes = collectChanges(before, form);
    try {
      await ctx.config.apply(changes);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      return c.html(settingsPage({ config: before, csrfToken: csrfOf(who), submitted: form, issues: err.issues, configFile: ctx.config.file }), 400);
    }
    if (changes.length > 0) ctx.log.info({ keys: changes.map((ch) => ch.path.join('.')) }, 'settings saved from the web');
    return c.redirect('/admin/settings?saved', 303);
  });

  app.get('/admin/dial', async (c) => {
    const who = await viewer(c, false);
    if (who instanceof Reply) return who;
    return c.html(dialPage({ csrfToken: csrfOf(who), available: ctx.phone?.dial !== undefined }));
  });

  app.post('/admin/dial', async (c) => {
    const who = await viewer(c, false);
    if (who instanceof Reply) return who;
    const form = await formBody(c);
    ctx.auth.assertSameSite(c, who, form['_csrf']);
    const available = ctx.phone?.dial !== undefined;
    const parsed = dialRequestSchema.safeParse({ target: form['target'] ?? '' });
    const again = (error: string, status: 400 | 409 | 503) => c.html(dialPage({ csrfToken: csrfOf(who), available, target: form['target'] ?? '', error }), status);
    if (!parsed.success) return again(parsed.error.issues.map((i) => i.message).join('; '), 400);
    if (!available) return again('Dialling is not available: the phone layer is not running.', 503);
    try {
      await ctx.phone!.dial!(parsed.data.target);
    } catch (err) {
      if (err instanceof DeskphoneError) return again(err.message, 409);
      throw err;
    }
    return c.html(dialPage({ csrfToken: csrfOf(who), available, done: parsed.data.target }), 202);
  });

  app.get('/admin/password', async (c) => {
    const who = await viewer(c, false);
    if (who instanceof Reply) return who;
    return c.html(passwordPage({ csrfToken: csrfOf(who) }));
  });

  app.post('/admin/password', async (c) => {
    const who = await viewer(c, false);
    if (who instanceof Reply) return who;
    const form = await formBody(c);
    ctx.auth.assertSameSite(c, who, form['_csrf']);
    const password = form['password'] ?? '';
    const problem = password.length < MIN_PASSWORD ? `The new password needs at least ${MIN_PASSWORD} characters.` : password !== form['confirm'] ? 'The two new passwords differ.' : undefined;
    if (problem) return c.html(passwordPage({ csrfToken: csrfOf(who), error: problem }), 400);
    try {
      await setAdminPassword(ctx, clientAddress(c), password, form['current'] ?? '');
    } catch (err) {
      if (!(err instanceof WebError)) throw err;
      return c.html(passwordPage({ csrfToken: csrfOf(who), error: err.code === 'BAD_CREDENTIALS' ? 'The current password is wrong.' : err.message }), err.status === 429 ? 429 : 400);
    }
    // Every session ended with the change: this one starts again with the new password.
    const session = await ctx.auth.login(c, ctx.config.config.admin.user, password);
    return c.html(passwordPage({ csrfToken: session.csrfToken, done: true }));
  });

  app.route('/', dataPageRoutes(ctx, { viewer, csrfOf }));

  return app;
}

/** Only a path on this site: `next=//evil.example` or `https://…` would be an open redirect. */
function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])/.test(next) ? next : '/admin';
}

/** A page for a refused request that is not a form error (a stale CSRF token, a lockout). */
export function errorPage(err: WebError): string {
  return page({ title: 'Refused', body: html`<h1>Refused</h1><p class="alert" role="alert">${err.message}</p><p><a href="/admin">Back</a></p>` });
}
