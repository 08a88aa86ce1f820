import type { IncomingHttpHeaders } from 'node:http';
import { parseCookie, stringifySetCookie } from 'cookie';

/** The attributes the web layer sets on its cookies (session and form token). */
export interface CookieOptions {
  path?: string;
  httpOnly?: boolean;
  sameSite?: 'Strict' | 'Lax';
}

/** One cookie the client sent (RFC 6265 §5.4), or undefined; a malformed header counts as none rather than failing the request. */
export function getCookie(headers: IncomingHttpHeaders, name: string): string | undefined {
  const header = headers.cookie;
  if (!header) return undefined;
  try {
    return parseCookie(header)[name];
  } catch {
    return undefined;
  }
}

/** A Set-Cookie value (RFC 6265 §4.1): `name=value; Path=/; HttpOnly; SameSite=Strict`. */
export function setCookieHeader(name: string, value: string, options: CookieOptions = {}): string {
  return stringifySetCookie({
    name,
    value,
    path: options.path,
    httpOnly: options.httpOnly,
    sameSite: sameSite(options),
  });
}

/** A Set-Cookie that makes the client drop the cookie now: empty value, Max-Age=0 (RFC 6265 §5.3 step 3), same Path. */
export function deleteCookieHeader(name: string, options: CookieOptions = {}): string {
  return stringifySetCookie({ name, value: '', maxAge: 0, path: options.path, httpOnly: options.httpOnly, sameSite: sameSite(options) });
}

function sameSite(options: CookieOptions): 'strict' | 'lax' | undefined {
  return options.sameSite === 'Strict' ? 'strict' : options.sameSite === 'Lax' ? 'lax' : undefined;
}
