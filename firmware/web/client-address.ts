import type { Context } from 'hono';

/**
 * The peer's address as @hono/node-server passes it (`env.incoming.socket`).
 * Requests made in tests with `app.request(url, init, env)` pass the same shape;
 * without one the address is unknown and never counts as loopback.
 */
export function clientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

export function isLoopbackAddress(address: string): boolean {
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address) || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i.test(address);
}

/**
 * A request from this machine, addressed to this machine by name. Both halves
 * matter: a web page elsewhere could make the browser send to 127.0.0.1 under
 * its own host name (DNS rebinding); the Host header then names that page's host.
 */
export function isLocalRequest(c: Context): boolean {
  const host = new URL(c.req.url).hostname;
  return isLoopbackAddress(clientAddress(c)) && (host === 'localhost' || host === '[::1]' || isLoopbackAddress(host));
}
