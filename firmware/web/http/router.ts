import FindMyWay from 'find-my-way';

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const METHODS: readonly Method[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** What a lookup found: the handler with its path parameters, or why there is none (404 vs 405 + Allow, RFC 9110 §15.5.6). */
export type Match<H> =
  | { kind: 'found'; handler: H; params: Record<string, string> }
  | { kind: 'not-found' }
  | { kind: 'method-not-allowed'; allow: Method[] };

/** Where a route file registers its routes (a Router, or a prefix of one). */
export interface RouteTable<H> {
  on(method: Method, path: string, handler: H): unknown;
}

/**
 * Method + path routing over find-my-way (a radix tree: no per-request regex
 * scan, and no fetch objects). `mount` registers the same routes under
 * several prefixes — the REST API answers under both /api/v1 and /api.
 */
export class Router<H> implements RouteTable<H> {
  private readonly tree = FindMyWay({ ignoreDuplicateSlashes: false });

  on(method: Method, path: string, handler: H): this {
    // find-my-way's handler slot is typed for raw req/res; the real handler rides in the store.
    this.tree.on(method, path, () => undefined, { handler });
    return this;
  }

  /** Registers `routes(sub)` once per prefix, each path prefixed. */
  mount(prefixes: readonly string[], routes: (sub: RouteTable<H>) => void): this {
    for (const prefix of prefixes) routes({ on: (method, path, handler) => void this.on(method, prefix + path, handler) });
    return this;
  }

  find(method: string, path: string): Match<H> {
    const hit = this.tree.find(method as Method, path);
    if (hit) return { kind: 'found', handler: (hit.store as { handler: H }).handler, params: { ...(hit.params as Record<string, string>) } };
    const allow = METHODS.filter((m) => m !== method && this.tree.find(m, path) !== null);
    return allow.length > 0 ? { kind: 'method-not-allowed', allow } : { kind: 'not-found' };
  }
}
