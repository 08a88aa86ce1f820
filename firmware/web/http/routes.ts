import type { HttpContext, Reply } from './context.js';

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** The methods a 405's Allow can list (RFC 9110 §15.5.6). */
export const METHODS: readonly Method[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

export type RouteHandler = (c: HttpContext) => Reply | Promise<Reply>;

/** Where a route file registers its routes (the app, or a prefix of it). */
export interface RouteTable {
  on(method: Method, path: string, handler: RouteHandler): void;
}

/** Runs before a route's handler (authentication); it refuses by throwing. */
export type Guard = (c: HttpContext) => void | Promise<void>;

/**
 * A route file's table, written as the route files always read:
 * `routes.get('/status', admin, (c) => c.json(...))`, `routes.route('/', other)`.
 * It only collects; `addTo` hands the routes to fastify (under each mount).
 */
export class Routes {
  private readonly entries: { method: Method; path: string; handler: RouteHandler }[] = [];

  get(path: string, handler: RouteHandler): this;
  get(path: string, guard: Guard, handler: RouteHandler): this;
  get(path: string, a: Guard | RouteHandler, b?: RouteHandler): this {
    return this.add('GET', path, a, b);
  }
  post(path: string, handler: RouteHandler): this;
  post(path: string, guard: Guard, handler: RouteHandler): this;
  post(path: string, a: Guard | RouteHandler, b?: RouteHandler): this {
    return this.add('POST', path, a, b);
  }
  put(path: string, handler: RouteHandler): this;
  put(path: string, guard: Guard, handler: RouteHandler): this;
  put(path: string, a: Guard | RouteHandler, b?: RouteHandler): this {
    return this.add('PUT', path, a, b);
  }
  patch(path: string, handler: RouteHandler): this;
  patch(path: string, guard: Guard, handler: RouteHandler): this;
  patch(path: string, a: Guard | RouteHandler, b?: RouteHandler): this {
    return this.add('PATCH', path, a, b);
  }
  delete(path: string, handler: RouteHandler): this;
  delete(path: string, guard: Guard, handler: RouteHandler): this;
  delete(path: string, a: Guard | RouteHandler, b?: RouteHandler): this {
    return this.add('DELETE', path, a, b);
  }

  /** Takes over another table's routes under `prefix` ('/' for none). */
  route(prefix: string, other: Routes): this {
    const base = prefix === '/' ? '' : prefix;
    for (const e of other.entries) this.entries.push({ ...e, path: base + e.path });
    return this;
  }

  addTo(table: RouteTable): void {
    for (const e of this.entries) table.on(e.method, e.path, e.handler);
  }

  private add(method: Method, path: string, a: Guard | RouteHandler, b: RouteHandler | undefined): this {
    const handler: RouteHandler = b === undefined ? (a as RouteHandler) : withGuard(a as Guard, b);
    this.entries.push({ method, path, handler });
    return this;
  }
}

function withGuard(guard: Guard, handler: RouteHandler): RouteHandler {
  return async (c): Promise<Reply> => {
    await guard(c);
    return handler(c);
  };
}
