import type { HttpContext } from '../http/context.js';
import { Routes } from '../http/routes.js';
import { isKeyName, KEY_NAMES, type KeyName } from '../../../hal/index.js';
import { ConfigError } from '../../config/index.js';
import { DeskphoneError } from '../../errors.js';
import { configPatchSchema, contactBodySchema, contactsImportSchema, dialRequestSchema, hookRequestSchema, keyRequestSchema, keySequenceSchema, loginRequestSchema, passwordChangeSchema } from '../api-schemas.js';
import { configRefusal, maskSecrets, parseKeyPath, type KeyPath } from '../config-access.js';
import { hashPassword } from '../../config/index.js';
import { panelState } from '../panel-view.js';
import { jsonBody } from '../request-body.js';
import { clientAddress } from '../client-address.js';
import { callsWithQuality, currentStatus, frontState } from '../status-view.js';
import { filterLog, isFilterLevel } from '../log-view.js';
import { rebootRefusal } from './data-pages.js';
import { parseContactForm } from '../contact-form.js';
import type { Contact } from '../../phone/contacts/index.js';
import type { CallAction, WebContext } from '../web-context.js';
import { WebError } from '../web-error.js';
import { guard, principalOf } from './guard.js';
import { captureRoutes } from './capture-routes.js';

/**
 * The REST API (mounted at /api and /api/v1). Errors are
 * `{ error: { code, message, …context } }` with the HTTP status that fits.
 */
export function apiRoutes(ctx: WebContext): Routes {
  const api = new Routes();
  const admin = guard(ctx, { panel: false });
  const panelGuard = guard(ctx, { panel: true });

  const requirePanel = () => {
    if (!ctx.panel) throw new WebError(404, 'NO_PANEL', 'this board has no simulated front panel; press the real keys');
    return ctx.panel;
  };

  api.route('/', captureRoutes(ctx));

  // Each call carries its media quality (codec, packets, loss, jitter, RTT, playout delay, concealment, MOS) once its media is up.
  api.get('/status', admin, async (c) => c.json({ ...currentStatus(ctx), ...frontState(ctx), calls: await callsWithQuality(ctx) }));

  api.get('/panel', panelGuard, (c) => c.json(panelState(requirePanel())));

  api.post('/panel/key', panelGuard, async (c) => {
    const panel = requirePanel();
    const body = await jsonBody(c, keyRequestSchema);
    const key = knownKey(body.key);
    switch (body.action) {
      case 'press':
        panel.keypad.press(key);
        break;
      case 'down':
        panel.keypad.hold(key);
        break;
      case 'up':
        panel.keypad.release(key);
        break;
      case 'long':
        panel.keypad.longPress(key);
        break;
      case 'repeat':
        panel.keypad.repeat(key);
        break;
    }
    return c.json({ ok: true, key, action: body.action });
  });

  // Remote control (issue 7 §7): a sequence of keys, all checked before any is pressed.
  api.post('/keys', panelGuard, async (c) => {
    const panel = requirePanel();
    const body = await jsonBody(c, keySequenceSchema);
    const keys = typeof body.keys === 'string' ? splitKeyString(body.keys) : body.keys;
    const checked = keys.map((k) => knownKey(k));
    for (const k of checked) panel.keypad.press(k);
    return c.json({ ok: true, pressed: checked });
  });

  const hook = async (c: HttpContext) => {
    const panel = requirePanel();
    const { state } = await jsonBody(c, hookRequestSchema);
    const lifted = panel.hook.state === 'off-hook';
    if (state === 'off-hook' || state === 'off' || (state === 'toggle' && !lifted)) panel.hook.lift();
    else if (state === 'on-hook' || state === 'on' || state === 'toggle') panel.hook.hang();
    else if (panel.hook.state === 'off-hook') panel.hook.flash();
    else throw new WebError(409, 'ON_HOOK', 'a hook flash needs the handset off hook');
    return c.json({ ok: true, hook: panel.hook.state });
  };
  api.post('/panel/hook', panelGuard, hook);
  api.post('/hook', panelGuard, hook);

  api.get('/events', panelGuard, (c) => ctx.streams.respond(c));

  api.get('/config', admin, (c) => c.json({ file: ctx.config.file ?? null, config: maskSecrets(ctx.config.config) }));

  api.patch('/config', admin, async (c) => {
    const body = await jsonBody(c, configPatchSchema);
    const path: KeyPath = typeof body.path === 'string' ? parseKeyPath(body.path) : body.path;
    if (path[0] === 'admin') throw new WebError(400, 'USE_PASSWORD_ENDPOINT', 'the admin account is changed with POST /api/admin/password (the password is stored hashed)');
    try {
      await ctx.config.set(path, body.value);
    } catch (err) {
      if (err instanceof ConfigError) throw configRefusal(err, path);
      throw err;
    }
    ctx.log.info({ key: path.join('.'), by: principalOf(c).kind }, 'config changed from the web');
    return c.json({ ok: true, file: ctx.config.file ?? null, config: maskSecrets(ctx.config.config) });
  });

  const dial = async (c: HttpContext) => {
    const { target } = await jsonBody(c, dialRequestSchema);
    const dialer = ctx.phone?.dial;
    if (!dialer) throw new WebError(503, 'PHONE_NOT_READY', 'dialling is not available: the phone layer is not running');
    await callPhone(() => dialer.call(ctx.phone, target));
    return c.json({ ok: true, target }, 202);
  };
  api.post('/dial', admin, dial);
  api.post('/calls', admin, dial);
  api.get('/calls', admin, (c) => c.json({ calls: ctx.phone?.calls?.() ?? [] }));

  api.post('/calls/:id/:action(^(?:answer|hold|resume|transfer|hangup)$)', admin, async (c) => {
    const act = ctx.phone?.callAction;
    if (!act) throw new WebError(503, 'PHONE_NOT_READY', 'call control is not available: the phone layer is not running');
    const action = c.param('action') as CallAction;
    let target: string | undefined;
    if (action === 'transfer') target = (await jsonBody(c, dialRequestSchema)).target;
    await callPhone(() => act.call(ctx.phone, c.param('id'), action, target));
    return c.json({ ok: true, id: c.param('id'), action });
  });

  // Call history and contacts (issue 7 §4, §6).
  api.get('/calllog', admin, (c) => {
    const log = ctx.phone?.callLog;
    if (!log) throw new WebError(503, 'PHONE_NOT_READY', 'the call log is not available: the phone layer is not running');
    const view = c.query('view') ?? 'all';
    if (view !== 'all' && view !== 'missed' && view !== 'received' && view !== 'dialed') {
      throw new WebError(400, 'BAD_VIEW', `view must be all, missed, received or dialed, not "${view}"`);
    }
    return c.json({ calls: log.call(ctx.phone, view) });
  });
  const contacts = () => {
    const book = ctx.phone?.contacts;
    if (!book) throw new WebError(503, 'PHONE_NOT_READY', 'contacts are not available: the phone layer is not running');
    return book;
  };
  api.get('/contacts', admin, (c) => {
    const format = c.query('format');
    if (format === undefined) return c.json({ contacts: contacts().list() });
    if (format !== 'vcard' && format !== 'csv') throw new WebError(400, 'BAD_FORMAT', `format must be vcard or csv, not "${format}"`);
    const text = contacts().export(format);
    return c.send(text, 200, {
      'content-type': format === 'vcard' ? 'text/vcard; charset=utf-8' : 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="contacts.${format === 'vcard' ? 'vcf' : 'csv'}"`,
    });
  });
  // One contact at a time, for scripts and provisioning tools; the same rules as the contacts page.
  const contactFromBody = async (c: HttpContext, others: readonly Contact[]) => {
    const body = await jsonBody(c, contactBodySchema);
    const form: Record<string, string> = { name: body.name, ...(body.speedDial !== undefined ? { speedDial: String(body.speedDial) } : {}) };
    body.numbers.forEach((n, i) => {
      form[`label${i}`] = n.label;
      form[`number${i}`] = n.value;
    });
    const parsed = parseContactForm(form, others);
    if (parsed.ok) return parsed.contact;
    const issues = Object.entries(parsed.errors).map(([field, message]) => {
      const n = /^number(\d)$/.exec(field);
      return { path: n ? `numbers.${n[1]}.value` : field, message: message! };
    });
    throw new WebError(400, 'BAD_CONTACT', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues });
  };
  const editableBook = () => {
    const book = contacts();
    if (!book.add || !book.update || !book.remove) throw new WebError(503, 'PHONE_NOT_READY', 'contacts cannot be edited: the phone layer does not offer it');
    return book as Required<typeof book>;
  };
  const contactOr404 = (id: string) => {
    const found = contacts().list().find((x) => x.id === id);
    if (!found) throw new WebError(404, 'NO_SUCH_CONTACT', `no contact with id ${id}`);
    return found;
  };
  api.get('/contacts/:id', admin, (c) => c.json({ contact: contactOr404(c.param('id')) }));
  api.post('/contacts', admin, async (c) => {
    const book = editableBook();
    const contact = await contactFromBody(c, book.list());
    let created: Contact | undefined;
    await callPhone(async () => {
      created = await book.add(contact);
    });
    return c.json({ ok: true, contact: created }, 201);
  });
  api.put('/contacts/:id', admin, async (c) => {
    const book = editableBook();
    const id = contactOr404(c.param('id')).id;
    const contact = await contactFromBody(c, book.list().filter((x) => x.id !== id));
    await callPhone(() => book.update({ ...contact, id }));
    return c.json({ ok: true, contact: { ...contact, id } });
  });
  api.delete('/contacts/:id', admin, async (c) => {
    const book = editableBook();
    const id = contactOr404(c.param('id')).id;
    await book.remove(id);
    return c.json({ ok: true });
  });

  api.post('/contacts/import', admin, async (c) => {
    const { format, text } = await jsonBody(c, contactsImportSchema);
    let added = 0;
    await callPhone(async () => {
      added = await contacts().import(text, format);
    });
    return c.json({ ok: true, added });
  });

  api.delete('/calllog', admin, async (c) => {
    const history = ctx.phone?.callHistory;
    if (!history) throw new WebError(503, 'PHONE_NOT_READY', 'the call log is not available: the phone layer is not running');
    await history.clear();
    ctx.log.info({ by: principalOf(c).kind }, 'call log cleared from the web');
    return c.json({ ok: true });
  });

  api.get('/logs', admin, (c) => {
    const recent = ctx.phone?.recentLogs;
    if (!recent) throw new WebError(503, 'PHONE_NOT_READY', 'the recent log lines are not available: the phone layer is not running');
    const level = c.query('level') ?? 'trace';
    if (!isFilterLevel(level)) throw new WebError(400, 'BAD_LEVEL', `level must be one of trace, debug, info, warn, error, fatal, not "${level}"`);
    return c.json({ lines: filterLog(recent.call(ctx.phone, 500), level) });
  });

  api.post('/reboot', admin, async (c) => {
    const reboot = ctx.phone?.reboot;
    if (!reboot) throw rebootRefusal(ctx.board);
    ctx.log.info({ by: principalOf(c).kind }, 'reboot requested from the web');
    try {
      await reboot.call(ctx.phone);
    } catch (err) {
      throw new WebError(500, 'REBOOT_FAILED', `the board did not reboot: ${(err as Error).message}`);
    }
    return c.json({ ok: true }, 202);
  });

  api.post('/restart', admin, (c) => {
    const restart = ctx.phone?.restart;
    if (!restart) throw new WebError(503, 'PHONE_NOT_READY', 'restarting is not available: the phone layer is not running');
    ctx.log.info({ by: principalOf(c).kind }, 'restart requested from the web');
    scheduleRestart(ctx, () => restart.call(ctx.phone));
    return c.json({ ok: true }, 202);
  });

  // Scripts log in once and reuse the cookie (or send Basic/Bearer on every call).
  api.post('/session', async (c) => {
    ctx.auth.assertSameSite(c, undefined);
    const { user, password } = await jsonBody(c, loginRequestSchema);
    if (!ctx.auth.passwordSet) throw new WebError(403, 'ADMIN_PASSWORD_NOT_SET', 'no admin password is set yet: choose one at /setup first');
    const session = await ctx.auth.login(c, user, password);
    ctx.log.info({ user }, 'admin logged in');
    return c.json({ ok: true, csrfToken: session.csrfToken });
  });
  api.delete('/session', admin, (c) => {
    ctx.auth.logout(c);
    return c.json({ ok: true });
  });

  api.post('/admin/password', admin, async (c) => {
    const body = await jsonBody(c, passwordChangeSchema);
    await setAdminPassword(ctx, clientAddress(c), body.password, body.current);
    return c.json({ ok: true });
  });

  return api;
}

/** Sets the admin password (hashed), checking the current one; every session ends. */
export async function setAdminPassword(ctx: WebContext, address: string, password: string, current: string | undefined): Promise<void> {
  if (ctx.auth.passwordSet) {
    if (current === undefined) throw new WebError(400, 'BAD_REQUEST', 'current: the current password is required to change it');
    await ctx.auth.checkCredentials(address, ctx.config.config.admin.user, current);
  }
  await ctx.config.set(['admin', 'password'], await hashPassword(password));
  ctx.auth.sessions.endAll();
  ctx.log.info('admin password changed');
}

/**
 * Runs the restart after this response has gone out (a restart closes the web
 * server too); its failure is logged, there is no one left to answer.
 */
export function scheduleRestart(ctx: WebContext, restart: () => unknown): void {
  ctx.clock.setTimeout(() => {
    void Promise.resolve()
      .then(restart)
      .catch((err: Error) => ctx.log.error({ err: err.message }, 'restart failed'));
  }, 0);
}

function knownKey(key: string): KeyName {
  if (!isKeyName(key)) throw new WebError(400, 'UNKNOWN_KEY', `no key named "${key}"`, { validKeys: KEY_NAMES });
  return key;
}

/** "201#" → ['2','0','1','#']; a named key ("ok") stays whole. */
function splitKeyString(keys: string): string[] {
  return /^[0-9*#]+$/.test(keys) ? [...keys] : [keys];
}

/** The phone's refusals (a DeskphoneError) become 409s with its code; anything else is a 500. */
async function callPhone(work: () => unknown): Promise<void> {
  try {
    await work();
  } catch (err) {
    if (err instanceof WebError) throw err;
    if (err instanceof DeskphoneError) throw new WebError(409, err.code, err.message);
    throw err;
  }
}
