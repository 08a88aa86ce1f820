import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PANEL_SCRIPT } from './pages/panel-script.js';
import { STATUS_SCRIPT } from './pages/status-page.js';
import { ConfigError } from '../config/index.js';
import { EventStreams } from './event-stream.js';
import type { HttpContext } from './http/context.js';
import { createHttpApp, type MountTable } from './http/app.js';
import { configRefusal } from './config-access.js';
import { MAX_BODY_BYTES } from './request-body.js';
import { apiRoutes } from './routes/api-routes.js';
import { errorPage, pageRoutes } from './routes/page-routes.js';
import { WebAuth } from './web-auth.js';
import type { WebAppDeps, WebContext } from './web-context.js';
import { WebError } from './web-error.js';

export interface WebApp {
  /** The node:http request handler: `createServer(handle)` on a device, injected requests in tests. */
  handle: (req: IncomingMessage, res: ServerResponse) => void;
  auth: WebAuth;
  streams: EventStreams;
  /** Ends the open event streams (the server's close() waits for them otherwise). */
  close(): void;
}

/** CSP 3 §8.2 hash sources: only the pages' own scripts run, byte for byte; an injected script would not. */
const SCRIPT_SOURCES = [PANEL_SCRIPT, STATUS_SCRIPT].map((js) => `'sha256-${createHash('sha256').update(js, 'utf8').digest('base64')}'`).join(' ');

/**
 * Pages run their own scripts and inline styles only; nothing loads from
 * elsewhere and no other site may frame the phone (clickjacking the keypad).
 */
const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': `default-src 'none'; script-src ${SCRIPT_SOURCES}; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  'x-content-type-options': 'nosniff',
  // Not no-referrer: under it browsers send `Origin: null` on the phone's own form posts, which the CSRF check refuses.
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

export function createWebApp(deps: WebAppDeps): WebApp {
  const auth = new WebAuth({ clock: deps.clock, config: deps.config, ...(deps.apiToken !== undefined ? { apiToken: deps.apiToken } : {}) });
  const quality = deps.phone?.callQuality;
  const streams = new EventStreams({
    panel: deps.panel,
    sip: deps.sip,
    clock: deps.clock,
    heartbeatMs: deps.heartbeatMs ?? 15_000,
    ...(quality ? { quality: () => quality.call(deps.phone), qualityMs: deps.qualityMs ?? 2000 } : {}),
  });
  const ctx: WebContext = { ...deps, auth, streams, startedMs: deps.clock.now() };
  const log = deps.log;

  const routes = (table: MountTable) => {
    // The same API answers under /api/v1 and, for the scripts written before versioning, /api.
    const api = apiRoutes(ctx);
    table.mount(['/api/v1', '/api'], (sub) => api.addTo(sub));
    pageRoutes(ctx).addTo(table);
  };

  const notFound = (c: HttpContext) => {
    if (isApi(c.path)) return c.json(new WebError(404, 'NOT_FOUND', `no such API route: ${c.method} ${c.path}`).toJSON(), 404);
    return c.text('Not found', 404);
  };

  const onError = (err: unknown, c: HttpContext) => {
    const refusal = err instanceof WebError ? err : err instanceof ConfigError ? configRefusal(err) : undefined;
    if (!refusal) {
      log.error({ err: err instanceof Error ? err.message : String(err), path: c.path, method: c.method }, 'web request failed');
      const internal = new WebError(500, 'INTERNAL', 'the phone could not handle this request; see its log');
      return isApi(c.path) ? c.json(internal.toJSON(), 500) : c.html(errorPage(internal), 500);
    }
    if (refusal.status === 429) c.setHeader('retry-after', String(refusal.details['retryAfterS'] ?? 30));
    if (refusal.status === 401 && isApi(c.path)) c.setHeader('www-authenticate', 'Basic realm="deskphone", charset="UTF-8"');
    log.debug({ code: refusal.code, path: c.path, method: c.method }, 'web request refused');
    return isApi(c.path) ? c.json(refusal.toJSON(), refusal.status) : c.html(errorPage(refusal), refusal.status);
  };

  // fastify counts bodies as they stream in (chunked uploads too, bodyLimit), so a huge body is never buffered.
  const { handle } = createHttpApp({ routes, maxBodyBytes: MAX_BODY_BYTES, headers: SECURITY_HEADERS, notFound, onError });
  return { handle, auth, streams, close: () => streams.closeAll() };
}

function isApi(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}
