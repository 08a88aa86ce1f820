import { Reply, type HttpContext } from '../http/context.js';
import type { UploadedFile } from '../http/multipart.js';
import { Routes } from '../http/routes.js';
import { DeskphoneError } from '../../errors.js';
import type { CallLogView, CallRecord } from '../../phone/call-log.js';
import { normaliseNumber } from '../../phone/contacts/index.js';
import { dialRequestSchema } from '../api-schemas.js';
import { importFormat, parseContactForm, searchContacts } from '../contact-form.js';
import { filterLog, formatLogEntry, isFilterLevel } from '../log-view.js';
import { MAX_BODY_BYTES } from '../request-body.js';
import type { Principal } from '../web-auth.js';
import type { PhoneControl, WebContext } from '../web-context.js';
import { WebError } from '../web-error.js';
import { callLogPage, CALL_LOG_VIEWS } from '../pages/call-log-page.js';
import { html } from '../pages/html.js';
import { page } from '../pages/layout.js';
import { contactEditPage, contactsPage, CONTACTS_PER_PAGE } from '../pages/contacts-page.js';
import { logsPage } from '../pages/logs-page.js';
import { systemPage } from '../pages/system-page.js';
import { scheduleRestart } from './api-routes.js';

/** The ring of recent log lines holds 500; the page shows what it holds. */
const LOG_LINES = 500;

export interface PageHelpers {
  /** The viewer, or the redirect that gets them a login. */
  viewer(c: HttpContext, panel: boolean): Promise<Principal | Reply>;
  csrfOf(p: Principal): string;
}

/**
 * The admin pages over the phone's own data (issue 7 §6): the call log, the
 * contacts, the recent log lines, restart and reboot. Every change is a form
 * POST that carries the session's CSRF token.
 */
export function dataPageRoutes(ctx: WebContext, { viewer, csrfOf }: PageHelpers): Routes {
  const app = new Routes();
  /** A form post: logged in, same site, CSRF token checked; the form's text fields. */
  const change = async (c: HttpContext): Promise<{ who: Principal; form: Record<string, string | undefined>; files: Record<string, UploadedFile> } | Reply> => {
    const who = await viewer(c, false);
    if (who instanceof Reply) return who;
    const { fields: form, files } = await c.parseBody();
    ctx.auth.assertSameSite(c, who, form['_csrf']);
    return { who, form, files };
  };

  // ---- Call log ----------------------------------------------------------

  const viewOf = (value: string | undefined): CallLogView => (CALL_LOG_VIEWS.some(([v]) => v === value) ? (value as CallLogView) : 'all');
  const showLog = (c: HttpContext, who: Principal, view: CallLogView, notice?: { kind: 'ok' | 'alert'; text: string }, status: 200 | 202 | 400 | 409 | 503 = 200) => {
    const log = ctx.phone?.callLog;
    if (!log) throw new WebError(503, 'PHONE_NOT_READY', 'the call log is not available: the phone layer is not running');
    // Contacts win over the caller's display name (issue 7 §3), matched as the phone matches them.
    const names = new Map<string, string>();
    for (const contact of ctx.phone?.contacts?.list() ?? []) for (const n of contact.numbers) names.set(normaliseNumber(n.value), contact.name);
    const contactName = (r: CallRecord) => names.get(normaliseNumber(r.remoteUri)) ?? names.get(normaliseNumber(r.number));
    return c.html(
      callLogPage({ csrfToken: csrfOf(who), view, calls: log.call(ctx.phone, view), timeZone: ctx.config.config.timeZone, canDial: ctx.phone?.dial !== undefined, contactName, ...(notice ? { notice } : {}) }),
      status,
    );
  };

  app.get('/admin/calllog', async (c) => {
    const who = await viewer(c, false);
    if (who instanceof Reply) return who;
    const view = viewOf(c.query('view'));
    const response = showLog(c, who, view);
    // As on the phone (its history menu): looking at the missed calls puts the missed-call indicator out.
    if (view === 'all' || view === 'missed') await ctx.phone?.callHistory?.markMissedSeen();
    return response;
  });

  app.post('/admin/calllog/dial', async (c) => {
    const got = await change(c);
    if (got instanceof Reply) return got;
    const record = ctx.phone?.callLog?.('all').find((r) => r.id === got.form['id']);
    if (!record) return showLog(c, got.who, 'all', { kind: 'alert', text: 'That call is no longer in the log.' }, 409);
    const dial = ctx.phone?.dial;
    if (!dial) return showLog(c, got.who, 'all', { kind: 'alert', text: 'Dialling is not available: the phone layer is not running.' }, 503);
    const target = dialBackTarget(record);
    try {
      await dial.call(ctx.phone, target);
    } catch (err) {
      if (err instanceof DeskphoneError) return showLog(c, got.who, 'all', { kind: 'alert', text: `Could not call ${target}: ${err.message}` }, 409);
      throw err;
    }
    ctx.log.info({ target }, 'call back from the call log page');
    return showLog(c, got.who, 'all', { kind: 'ok', text: `Calling ${record.remoteName ? `${record.remoteName} (${target})` : target}…` }, 202);
  });

  app.post('/admin/calllog/clear', async (c) => {
    const got = await change(c);
    if (got instanceof Reply) return got;
    const history = ctx.phone?.callHistory;
    if (!history) throw new WebError(503, 'PHONE_NOT_READY', 'the call log is not available: the phone layer is not running');
    if (got.form['confirm'] !== 'yes') return showLog(c, got.who, 'all', { kind: 'alert', text: 'Nothing was deleted: tick the box to confirm.' }, 400);
    await history.clear();
    ctx.log.info('call log cleared from the web');
    return showLog(c, got.who, 'all', { kind: 'ok', text: 'The call log is empty.' });
  });

  // ---- Contacts ----------------------------------------------------------

  const book = () => {
    const contacts = ctx.phone?.contacts;
    if (!contacts) throw new WebError(503, 'PHONE_NOT_READY', 'contacts are not available: the phone layer is not running');
    return contacts;
  };
  // The book itself, narrowed (not a copy: the phone hands over its ContactBook, whose methods live on the class).
  type Book = NonNullable<PhoneControl['contacts']>;
  const editable = (): Book & Required<Pick<Book, 'add' | 'update' | 'remove'>> => {
    const b = book();
    if (!b.add || !b.update || !b.remove) throw new WebError(503, 'PHONE_NOT_READY', 'contacts cannot be edited: the phone layer does not offer it');
    return b as Book & Required<Pick<Book, 'add' | 'update' | 'remove'>>;
  };
  const showContacts = (c: HttpContext, who: Principal, extra: { notice?: { kind: 'ok' | 'alert'; text: string }; importError?: string } = {}, status: 200 | 400 | 413 = 200) => {
    const b = book();
    const query = (c.query('q') ?? '').trim();
    const matches = query ? searchContacts(b.list(), query) : b.list();
    const pageCount = Math.max(1, Math.ceil(matches.length / CONTACTS_PER_PAGE));
    const pageNo = Math.min(pageCount, Math.max(1, Math.floor(Number(c.query('page') ?? 1)) || 1));
    const shown = matches.slice((pageNo - 1) * CONTACTS_PER_PAGE, pageNo * CONTACTS_PER_PAGE);
    return c.html(
      contactsPage({ csrfToken: csrfOf(who), contacts: shown, query, page: pageNo, pageCount, matches: matches.length, canEdit: b.add !== undefined && b.update !== undefined && b.remove !== undefined, ...extra }),
      status,
    );
  };

  app.get('/admin/contacts', async (c) => {
    const who = await viewer(c, false);
    if (who instanceof Reply) return who;
    const saved = c.query('saved');
    return showContacts(c, who, saved ? { notice: { kind: 'ok', text: saved } } : {});
  });

  app.get('/admin/contacts/new', async (c) => {
    const who = await viewer(c, false);
    if (who instanceof Reply) return who;
    editable();
    return c.html(contactEditPage({ csrfToken: csrfOf(who) }));
  });

  app.get('/admin/contacts/:id', async (c) => {
    const who = await viewer(c, false);
    if (who instanceof Reply) return who;
    const contact = book().list().find((x) => x.id === c.param('id'));
    if (!contact) throw new WebError(404, 'NO_SUCH_CONTACT', 'there is no such contact (it may have been deleted)');
    return c.html(contactEditPage({ csrfToken: csrfOf(who), contact }));
  });

  const saved = (c: HttpContext, text: string) => c.redirect(`/admin/contacts?saved=${encodeURIComponent(text)}`, 303);

  app.post('/admin/contacts', async (c) => {
    const got = await change(c);
    if (got instanceof Reply) return got;
    const b = editable();
    const parsed = parseContactForm(got.form, b.list());
    if (!parsed.ok) return c.html(contactEditPage({ csrfToken: csrfOf(got.who), submitted: got.form, errors: parsed.errors }), 400);
    try {
      await b.add(parsed.contact);
    } catch (err) {
      if (!(err instanceof DeskphoneError)) throw err;
      return c.html(contactEditPage({ csrfToken: csrfOf(got.who), submitted: got.form, error: err.message }), 400);
    }
    ctx.log.info('contact added from the web');
    return saved(c, `Added ${parsed.contact.name}.`);
  });

  app.post('/admin/contacts/import', async (c) => {
    const got = await change(c);
    if (got instanceof Reply) return got;
    const b = book();
    const file = got.files['file'];
    const refuse = (text: string, status: 400 | 413 = 400) => showContacts(c, got.who, { importError: text }, status);
    if (!file || file.data.length === 0) return refuse('Choose a vCard (.vcf) or CSV file to import.');
    if (file.data.length > MAX_BODY_BYTES) return refuse(`The file is too large (at most ${MAX_BODY_BYTES / 1024} KB).`, 413);
    const bytes = file.data;
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return refuse(`Nothing was imported: ${file.name} is not UTF-8 text.`);
    }
    const format = importFormat(got.form['format'], file.name, text);
    let added: number;
    try {
      added = await b.import(text, format);
    } catch (err) {
      if (!(err instanceof DeskphoneError)) throw err;
      return refuse(`Nothing was imported from ${file.name} (${format === 'vcard' ? 'vCard' : 'CSV'}): ${err.message}`);
    }
    if (added === 0) return refuse(`Nothing was imported: ${file.name} holds no contacts (read as ${format === 'vcard' ? 'vCard' : 'CSV'}).`);
    ctx.log.info({ added, format }, 'contacts imported from the web');
    return saved(c, `Imported ${added} contact${added === 1 ? '' : 's'} from ${file.name}.`);
  });

  app.post('/admin/contacts/:id', async (c) => {
    const got = await change(c);
    if (got instanceof Reply) return got;
    const b = editable();
    const id = c.param('id');
    const current = b.list().find((x) => x.id === id);
    if (!current) throw new WebError(404, 'NO_SUCH_CONTACT', 'there is no such contact (it may have been deleted)');
    const parsed = parseContactForm(
      got.form,
      b.list().filter((x) => x.id !== id),
    );
    if (!parsed.ok) return c.html(contactEditPage({ csrfToken: csrfOf(got.who), contact: current, submitted: got.form, errors: parsed.errors }), 400);
    try {
      await b.update({ ...parsed.contact, id });
    } catch (err) {
      if (!(err instanceof DeskphoneError)) throw err;
      return c.html(contactEditPage({ csrfToken: csrfOf(got.who), contact: current, submitted: got.form, error: err.message }), 400);
    }
    ctx.log.info('contact changed from the web');
    return saved(c, `Saved ${parsed.contact.name}.`);
  });

  app.post('/admin/contacts/:id/delete', async (c) => {
    const got = await change(c);
    if (got instanceof Reply) return got;
    const b = editable();
    const contact = b.list().find((x) => x.id === c.param('id'));
    if (!contact) return showContacts(c, got.who, { notice: { kind: 'alert', text: 'That contact was already deleted.' } });
    await b.remove(contact.id);
    ctx.log.info('contact deleted from the web');
    return saved(c, `Deleted ${contact.name}.`);
  });

  // ---- Logs --------------------------------------------------------------

  const levelOf = (c: HttpContext) => {
    const level = c.query('level') ?? 'trace';
    if (!isFilterLevel(level)) throw new WebError(400, 'BAD_LEVEL', `level must be one of trace, debug, info, warn, error, fatal, not "${level}"`);
    return level;
  };

  app.get('/admin/logs', async (c) => {
    const who = await viewer(c, false);
    if (who instanceof Reply) return who;
    const level = levelOf(c);
    const recent = ctx.phone?.recentLogs;
    return c.html(logsPage({ csrfToken: csrfOf(who), level, entries: recent ? filterLog(recent.call(ctx.phone, LOG_LINES), level) : [], available: recent !== undefined }));
  });

  app.get('/admin/logs.txt', async (c) => {
    const who = await viewer(c, false);
    if (who instanceof Reply) return who;
    const level = levelOf(c);
    const recent = ctx.phone?.recentLogs;
    if (!recent) throw new WebError(503, 'PHONE_NOT_READY', 'the recent log lines are not available: the phone layer is not running');
    const text = filterLog(recent.call(ctx.phone, LOG_LINES), level).map(formatLogEntry).join('\n');
    return c.send(`${text}\n`, 200, { 'content-type': 'text/plain; charset=utf-8', 'content-disposition': 'attachment; filename="deskphone-log.txt"' });
  });

  // ---- Restart and reboot ------------------------------------------------

  const showSystem = (c: HttpContext, who: Principal, errors: { restart?: string; reboot?: string } = {}, status: 200 | 400 | 409 | 500 = 200) =>
    c.html(systemPage({ csrfToken: csrfOf(who), canRestart: ctx.phone?.restart !== undefined, canReboot: ctx.phone?.reboot !== undefined, board: ctx.board, errors }), status);

  app.get('/admin/system', async (c) => {
    const who = await viewer(c, false);
    if (who instanceof Reply) return who;
    return showSystem(c, who);
  });

  app.post('/admin/restart', async (c) => {
    const got = await change(c);
    if (got instanceof Reply) return got;
    const restart = ctx.phone?.restart;
    if (!restart) throw new WebError(503, 'PHONE_NOT_READY', 'restarting is not available: the phone layer is not running');
    if (got.form['confirm'] !== 'yes') return showSystem(c, got.who, { restart: 'Tick the box to confirm: restarting ends every call.' }, 400);
    ctx.log.info('restart requested from the web');
    scheduleRestart(ctx, () => restart.call(ctx.phone));
    return c.html(restartingPage(csrfOf(got.who), 'The phone is restarting.'), 202);
  });

  app.post('/admin/reboot', async (c) => {
    const got = await change(c);
    if (got instanceof Reply) return got;
    const reboot = ctx.phone?.reboot;
    if (!reboot) return showSystem(c, got.who, { reboot: rebootRefusal(ctx.board).message }, 409);
    if (got.form['confirm'] !== 'yes') return showSystem(c, got.who, { reboot: 'Tick the box to confirm: rebooting ends every call.' }, 400);
    ctx.log.info('reboot requested from the web');
    try {
      await reboot.call(ctx.phone);
    } catch (err) {
      ctx.log.error({ err: (err as Error).message }, 'reboot failed');
      return showSystem(c, got.who, { reboot: `The board did not reboot: ${(err as Error).message}` }, 500);
    }
    return c.html(restartingPage(csrfOf(got.who), 'The board is rebooting.'), 202);
  });

  return app;
}

/** Why a board without a reboot function cannot reboot (the simulated board runs on someone's computer). */
export function rebootRefusal(board: string | undefined): WebError {
  return board === 'sim'
    ? new WebError(409, 'REBOOT_UNSUPPORTED', 'the simulated board cannot be rebooted: it runs on a computer that is not the phone\'s to reboot; restart the phone instead')
    : new WebError(409, 'REBOOT_UNSUPPORTED', `this phone (board ${board ?? 'unknown'}) was started without a way to reboot its board`);
}

/**
 * Calling back: a number through the account's dial path as typed on the
 * keypad; a caller with no dialable number (direct-IP, `sip:phone@host`) by URI.
 */
export function dialBackTarget(record: CallRecord): string {
  if (/^[0-9*#+]{1,32}$/.test(record.number)) return record.number;
  return dialRequestSchema.safeParse({ target: record.remoteUri }).success ? record.remoteUri : record.number;
}

function restartingPage(csrfToken: string, what: string): string {
  return page({
    title: 'Restarting',
    nav: { current: 'system', csrfToken },
    body: html`<h1>Restarting</h1><p class="ok" role="status">${what} <a href="/admin">Back to the status page</a> in a few seconds.</p>`,
  });
}
