import { createHttpApp, type HttpAppOptions, type MountTable } from '../../../../firmware/web/http/app.js';
import { WebError } from '../../../../firmware/web/web-error.js';

/**
 * The web layer with only the routes a test registers: a WebError answers as
 * its JSON body and status, anything else as a plain 500, an unknown path 404.
 */
export function serveRoutes(routes: (table: MountTable) => void, options: Partial<Omit<HttpAppOptions, 'routes'>> = {}): ReturnType<typeof createHttpApp>['handle'] {
  return createHttpApp({
    maxBodyBytes: 1024,
    headers: {},
    notFound: (c) => c.text('Not found', 404),
    onError: (err, c) => (err instanceof WebError ? c.json(err.toJSON(), err.status) : c.text('internal', 500)),
    ...options,
    routes,
  }).handle;
}
