import type { HttpContext } from '../http/context.js';
import type { Guard } from '../http/routes.js';
import type { Principal } from '../web-auth.js';
import type { WebContext } from '../web-context.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Authenticates an API request (WebAuth's rule) and, for a change, checks that
 * it comes from the phone's own pages. `panel` marks the front-panel routes that
 * answer on localhost while no admin password is set.
 */
export function guard(ctx: WebContext, options: { panel: boolean }): Guard {
  return async (c) => {
    const principal = await ctx.auth.authenticate(c, options);
    if (!SAFE_METHODS.has(c.method)) ctx.auth.assertSameSite(c, principal);
    c.set('principal', principal);
  };
}

/** Who the guard let in (a route behind `guard` only). */
export function principalOf(c: HttpContext): Principal {
  const principal = c.get<Principal>('principal');
  if (!principal) throw new Error('principalOf: the route is not behind guard()');
  return principal;
}
