import type { HttpContext } from './http/context.js';

/**
 * The peer's address as the socket reports it; tests inject requests with a
 * chosen one (light-my-request's remoteAddress). Unknown never counts as loopback.
 */
export function clientAddress(c: HttpContext): string {
  return c.clientAddress;
}

export function isLoopbackAddress(address: string): boolean {
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address) || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i.test(address);
}

/**
 * A request from this machine, addressed to this machine by name. Both halves
 * matter: a web page elsewhere could make the browser send to 127.0.0.1 under
 * its own host name (DNS rebinding); the Host header then names that page's host.
 */
export function isLocalRequest(c: HttpContext): boolean {
  const host = c.host;
  if (host === undefined) return false;
  const hostname = new URL(`http://${host}`).hostname;
  return isLoopbackAddress(clientAddress(c)) && (hostname === 'localhost' || hostname === '[::1]' || isLoopbackAddress(hostname));
}
