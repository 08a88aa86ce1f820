import type { IncomingMessage, ServerResponse } from 'node:http';
import formBody from '@fastify/formbody';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { WebError } from '../web-error.js';
import { HttpContext, contextOf, requestUrl, sendReply, type Reply } from './context.js';
import { METHODS, type RouteHandler, type RouteTable } from './routes.js';

export interface HttpAppOptions {
  /** fastify's bodyLimit: a larger body is refused with 413 while it streams in. */
  maxBodyBytes: number;
  /** Set on every response unless the route set it itself (the security headers). */
  headers: Record<string, string>;
  /** Registers the routes; `mount` registers the same routes under several prefixes (/api/v1 and /api). */
  routes(table: MountTable): void;
  notFound(c: HttpContext): Reply;
  /** Turns anything a route (or fastify's body reading) threw into a reply: WebError mapping, 500 page. */
  onError(err: unknown, c: HttpContext): Reply;
}

export interface MountTable extends RouteTable {
  mount(prefixes: readonly string[], add: (sub: RouteTable) => void): void;
}

export interface HttpApp {
  /** The node:http request handler (`createServer(handle)`, light-my-request in tests). */
  handle: (req: IncomingMessage, res: ServerResponse) => void;
  fastify: FastifyInstance;
}

/**
 * The web layer on fastify: fastify routes (find-my-way), answers HEAD from the
 * GET routes (exposeHeadRoutes, RFC 9110 §9.3.2), reads bodies under bodyLimit
 * and parses them by content type; our code on top keeps the routes' own
 * HttpContext/Reply, the WebError mapping, 405 + Allow and the security headers.
 * fastify never loads Node's fetch stack (undici), which hono's adapter did (issue 4).
 */
export function createHttpApp(options: HttpAppOptions): HttpApp {
  const { headers } = options;
  const app = Fastify({
    bodyLimit: options.maxBodyBytes,
    logger: false,
    exposeHeadRoutes: true,
    // No route has a fastify schema (zod validates the API's bodies, api-schemas.ts): without these
    // factories fastify would load ajv and fast-json-stringify when it starts, ~1.3 MB of RSS for nothing (issue 4).
    schemaController: { compilersFactory: { buildValidator: noSchemas, buildSerializer: noSchemas } },
    // A path fastify cannot decode (`/%zz`) is refused before routing, outside the hooks: answer it in the phone's own format and headers.
    frameworkErrors: (err, request, reply) => {
      const c = contextOf(request);
      const answer = options.onError(new WebError(400, 'BAD_REQUEST', err.message, {}, { cause: err }), c);
      for (const [k, v] of Object.entries(headers)) if (answer.headers[k] === undefined) answer.headers[k] = v;
      sendReply(reply, answer, headers);
    },
  });

  // JSON is kept as text: the API's jsonBody parses it, so its refusals keep their codes (BAD_JSON, JSON_REQUIRED).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  // Uploads arrive whole (under bodyLimit) and are split by multipart.ts when a route asks for the form.
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  // Any other type reaches the route as bytes, so the route refuses it with its own 415 (FORM_REQUIRED, JSON_REQUIRED).
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  // HTML forms: a repeated name keeps its last value, as the forms' readers expect.
  void app.register(formBody, { parser: parseUrlEncoded });

  app.addHook('onSend', (_req, reply, payload, done) => {
    for (const [k, v] of Object.entries(headers)) if (!reply.hasHeader(k)) reply.header(k, v);
    done(null, payload);
  });

  app.setNotFoundHandler((request, reply) => {
    const c = contextOf(request);
    // fastify answers 404 for a known path with another method; RFC 9110 §15.5.6 wants 405 + Allow.
    const allow = METHODS.filter((m) => m !== request.method && app.findRoute({ method: m, url: c.path }) !== null);
    if (allow.length === 0) return sendReply(reply, options.notFound(c), headers);
    c.setHeader('allow', allow.join(', '));
    // Through onError like any refusal, so an API path answers it as JSON and a page as HTML.
    const refusal = new WebError(405, 'METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${c.path}; use ${allow.join(', ')}`);
    return sendReply(reply, options.onError(refusal, c), headers);
  });

  app.setErrorHandler((err, request, reply) => {
    const c = contextOf(request);
    let answer: Reply;
    try {
      answer = options.onError(fromFastify(err, options.maxBodyBytes), c);
    } catch {
      // onError itself failed: a bare 500 rather than a hanging socket.
      return reply.code(500).send();
    }
    return sendReply(reply, answer, headers);
  });

  const table: MountTable = {
    on: (method, path, handler) => {
      app.route({ method, url: path, handler: async (request, reply) => sendReply(reply, await handler(contextOf(request)), headers) });
    },
    mount: (prefixes, add) => {
      for (const prefix of prefixes) add({ on: (method, path, handler) => table.on(method, prefix + path, handler) });
    },
  };
  options.routes(table);

  // Plugins (formbody) load asynchronously; requests that arrive before that wait for it.
  let ready = false;
  const loading = Promise.resolve(app.ready()).then(() => {
    ready = true;
  });
  loading.catch(() => undefined);
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (!requestUrl(req)) {
      // RFC 9112 §3.2: a request-target that is not a URI (`http://[` passes Node's HTTP parser) is a bad request, not the phone's problem.
      res.writeHead(400, { ...headers, 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end('Bad request: the request-target is not a URI\n');
      return;
    }
    if (ready) app.routing(req, res);
    else
      loading.then(
        () => app.routing(req, res),
        () => {
          res.statusCode = 500;
          res.end();
        },
      );
  };
  return { handle, fastify: app };
}

export type { RouteHandler };

/** The schema compiler factories fastify gets instead of ajv's: no route declares a schema, so one asked for is a bug. */
function noSchemas(): () => never {
  return () => {
    throw new Error('web routes declare no fastify schema; their bodies are validated with zod (api-schemas.ts)');
  };
}

/** The fields of an `application/x-www-form-urlencoded` body (HTML forms); a repeated name keeps its last value. */
export function parseUrlEncoded(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(body)) out[k] = v;
  return out;
}

/** fastify's own refusals (body too large, bad Content-Length…) as WebErrors, so they answer in the phone's error format. */
function fromFastify(err: unknown, limit: number): unknown {
  if (err instanceof WebError || !(err instanceof Error)) return err;
  const e = err as FastifyError;
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new WebError(413, 'TOO_LARGE', `request bodies are limited to ${limit} bytes`, {}, { cause: err });
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new WebError(415, 'UNSUPPORTED_MEDIA_TYPE', e.message, {}, { cause: err });
  if (typeof e.code === 'string' && e.code.startsWith('FST_') && e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500) {
    return new WebError(400, 'BAD_REQUEST', e.message, {}, { cause: err });
  }
  return err;
}
