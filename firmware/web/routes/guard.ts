import type { MiddlewareHandler } from 'hono';
import type { Principal } from '../web-auth.js';
import type { WebContext } from '../web-context.js';

export type WebEnv = { Variables: { principal: Principal } };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Authenticates an API request (WebAuth's rule) and, for a change, checks that
 * it comes from the phone's own pages. `panel` marks the front-panel routes that
 * answer on localhost while no admin password is set.
 */
export function guard(ctx: WebContext, options: { panel: boolean }): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const principal = await ctx.auth.authenticate(c, options);
    if (!SAFE_METHODS.has(c.req.method)) ctx.auth.assertSameSite(c, principal);
    c.set('principal', principal);
    await next();
  };
}
