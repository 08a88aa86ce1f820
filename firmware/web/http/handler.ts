import type { IncomingMessage, ServerResponse } from 'node:http';
import { WebError } from '../web-error.js';
import { HttpContext, requestUrl, sendReply, type Reply } from './context.js';
import type { Router } from './router.js';

export type RouteHandler = (c: HttpContext) => Reply | Promise<Reply>;

export interface HandlerOptions {
  router: Router<RouteHandler>;
  maxBodyBytes: number;
  /** Set on every response unless the route set it itself. */
  headers: Record<string, string>;
  notFound(c: HttpContext): Reply;
  /** Turns anything a route threw into a reply (WebError mapping, 500 page). */
  onError(err: unknown, c: HttpContext): Reply;
}

/**
 * The node:http request handler: route, run, reply. 405 answers a known path
 * with the wrong method, with Allow (RFC 9110 §15.5.6); HEAD runs the GET
 * route when there is no HEAD route of its own (RFC 9110 §9.3.2).
 */
export function createHandler(options: HandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { router } = options;
  return (req, res) => {
    const method = req.method ?? 'GET';
    const url = requestUrl(req);
    if (!url) {
      // RFC 9112 §3.2: a request-target that is not a URI is a bad request, not the phone's problem.
      res.writeHead(400, { ...options.headers, 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end('Bad request: the request-target is not a URI\n');
      return;
    }
    const path = url.pathname;
    let match = router.find(method, path);
    if (match.kind !== 'found' && method === 'HEAD') match = router.find('GET', path);
    const c = new HttpContext(req, match.kind === 'found' ? match.params : {}, options.maxBodyBytes, url);
    const run = async (): Promise<Reply> => {
      if (match.kind === 'found') return match.handler(c);
      if (match.kind === 'method-not-allowed') {
        // Through onError like any refusal, so an API path answers it as JSON and a page as HTML.
        const allow = match.allow.join(', ');
        c.setHeader('allow', allow);
        throw new WebError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${c.path}; use ${allow}`);
      }
      return options.notFound(c);
    };
    run()
      .catch((err: unknown) => options.onError(err, c))
      .then((reply) => {
        for (const [k, v] of Object.entries(options.headers)) if (reply.headers[k] === undefined) reply.headers[k] = v;
        sendReply(req, res, reply);
      })
      .catch(() => {
        // onError itself failed: answer a bare 500 rather than leave the socket hanging.
        if (!res.headersSent) res.statusCode = 500;
        res.end();
      });
  };
}
