import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { WebError } from '../web-error.js';
import { parseMultipart, type MultipartForm } from './multipart.js';

/**
 * What a handler answers: a status, headers and a body, written by `sendReply`.
 * A stream body is piped (downloads, event streams). A class, so a helper that
 * answers either a value or an early reply (a login redirect) can be told apart.
 */
export class Reply {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string | string[]>,
    readonly body: string | Buffer | Readable | null,
  ) {}
}

/**
 * The request as the routes read it and the helpers that build their reply —
 * the small subset of hono's Context the routes use, over fastify's request
 * (fastify has routed it and read its body under the limit by then).
 */
export class HttpContext {
  readonly url: URL;
  /** Headers set before the reply is built (cookies, retry-after, allow); merged into it. */
  readonly extraHeaders: Record<string, string | string[]> = {};
  private readonly vars = new Map<string, unknown>();

  constructor(readonly request: FastifyRequest) {
    // The Host header is the client's claim; only the path and query of this URL are used.
    this.url = requestUrl(request.raw) ?? new URL('http://localhost/');
  }

  get incoming(): IncomingMessage {
    return this.request.raw;
  }
  get params(): Record<string, string> {
    return (this.request.params ?? {}) as Record<string, string>;
  }
  get method(): string {
    return this.request.method;
  }
  get path(): string {
    return this.url.pathname;
  }
  /** The peer's address as the socket reports it (RFC 9110 has no trustworthy header for it). */
  get clientAddress(): string {
    return this.incoming.socket.remoteAddress ?? 'unknown';
  }
  /**
   * The host the client addressed (`host[:port]` from the Host header, RFC 9110
   * §7.2, normalised as a URL would: no default port), or undefined when absent
   * or malformed. The CSRF origin check and the loopback-name check read it.
   */
  get host(): string | undefined {
    const header = this.incoming.headers.host;
    if (!header) return undefined;
    try {
      return new URL(`http://${header}`).host;
    } catch {
      return undefined;
    }
  }

  query(name: string): string | undefined {
    return this.url.searchParams.get(name) ?? undefined;
  }
  /** A parameter of the route's path; the route names only its own, so a missing one is a bug in the route. */
  param(name: string): string {
    const value = this.params[name];
    if (value === undefined) throw new Error(`the route has no path parameter "${name}"`);
    return value;
  }
  header(name: string): string | undefined {
    const v = this.incoming.headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(', ') : v;
  }

  /**
   * The raw body as fastify read it (413 past bodyLimit before the route runs);
   * empty when there was none. An urlencoded form is parsed already: read it with form().
   */
  async body(): Promise<Buffer> {
    const body: unknown = this.request.body;
    if (body === undefined || body === null) return Buffer.alloc(0);
    if (Buffer.isBuffer(body)) return body;
    if (typeof body === 'string') return Buffer.from(body, 'utf8');
    throw new Error('the body was parsed as a form; read it with form()');
  }
  async bodyText(): Promise<string> {
    const body: unknown = this.request.body;
    return typeof body === 'string' ? body : (await this.body()).toString('utf8');
  }
  /** The text fields of an urlencoded form (parsed by @fastify/formbody); any other body type is refused with 415. */
  async form(): Promise<Record<string, string>> {
    const type = this.header('content-type') ?? '';
    if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) throw new WebError(415, 'FORM_REQUIRED', 'send the form as application/x-www-form-urlencoded');
    return this.formFields();
  }

  /**
   * A form of either encoding (HTML forms: urlencoded; file uploads: multipart);
   * any other body type is an empty form, as a browser never sends one.
   */
  async parseBody(): Promise<MultipartForm> {
    const type = this.header('content-type') ?? '';
    if (/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) return { fields: this.formFields(), files: {} };
    if (/^multipart\/form-data\s*;/i.test(type)) return parseMultipart(await this.body(), type);
    return { fields: {}, files: {} };
  }

  private formFields(): Record<string, string> {
    const body: unknown = this.request.body;
    return body !== null && typeof body === 'object' && !Buffer.isBuffer(body) ? { ...(body as Record<string, string>) } : {};
  }

  get<T>(key: string): T | undefined {
    return this.vars.get(key) as T | undefined;
  }
  set(key: string, value: unknown): void {
    this.vars.set(key, value);
  }

  setHeader(name: string, value: string): void {
    const k = name.toLowerCase();
    const prev = this.extraHeaders[k];
    // Set-Cookie is the one header that repeats rather than combines (RFC 6265 §3).
    if (k === 'set-cookie' && prev !== undefined) this.extraHeaders[k] = [...(Array.isArray(prev) ? prev : [prev]), value];
    else this.extraHeaders[k] = value;
  }

  html(body: string, status = 200): Reply {
    return this.reply(status, 'text/html; charset=UTF-8', body);
  }
  json(data: unknown, status = 200): Reply {
    return this.reply(status, 'application/json', JSON.stringify(data));
  }
  text(body: string, status = 200): Reply {
    return this.reply(status, 'text/plain; charset=UTF-8', body);
  }
  redirect(location: string, status = 302): Reply {
    return new Reply(status, { ...this.extraHeaders, location }, null);
  }
  /** A body with headers of the handler's choosing (downloads, streams). */
  send(body: Reply['body'], status = 200, headers: Record<string, string> = {}): Reply {
    return new Reply(status, { ...this.extraHeaders, ...headers }, body);
  }

  private reply(status: number, type: string, body: string): Reply {
    return new Reply(status, { 'content-type': type, ...this.extraHeaders }, body);
  }
}

/**
 * Hands a Reply to fastify. A stream body (an event stream, the pcap download)
 * is written by us on the hijacked response: fastify would hold the headers
 * until the first chunk, and an event stream must be open (EventSource fires
 * `open`) before its first event, which may be a heartbeat away. Hijacked
 * replies skip fastify's onSend hook, so `defaults` (the security headers) are set here.
 */
export function sendReply(reply: FastifyReply, answer: Reply, defaults: Record<string, string>): FastifyReply {
  const body = answer.body;
  if (body === null || typeof body === 'string' || Buffer.isBuffer(body)) {
    reply.code(answer.status).headers(answer.headers);
    if (body === null) return reply.send();
    // As bytes: fastify appends `; charset=utf-8` to a JSON type sent as a string, and the replies keep the type they chose.
    return reply.send(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  }
  reply.hijack();
  const res = reply.raw;
  res.statusCode = answer.status;
  for (const [k, v] of Object.entries(answer.headers)) res.setHeader(k, v);
  for (const [k, v] of Object.entries(defaults)) if (!res.hasHeader(k)) res.setHeader(k, v);
  if (reply.request.method === 'HEAD') {
    // RFC 9110 §9.3.2: the headers only.
    body.destroy();
    res.end();
    return reply;
  }
  // A body that fails half-way cannot change the status any more: cut the response short
  // (the client sees a truncated body) rather than let the 'error' event take the process down.
  body.on('error', () => res.destroy());
  res.flushHeaders();
  body.pipe(res);
  // A client that goes away ends the stream (an event stream's heartbeat, a download).
  res.on('close', () => body.destroy());
  return reply;
}

const contexts = new WeakMap<FastifyRequest, HttpContext>();

/**
 * The request's one HttpContext: the route, and then the error or not-found
 * handler, share it, so headers a guard set (a cookie) and its vars carry over.
 */
export function contextOf(request: FastifyRequest): HttpContext {
  let c = contexts.get(request);
  if (!c) {
    c = new HttpContext(request);
    contexts.set(request, c);
  }
  return c;
}

/**
 * The request-target as a URL (only its path and query are used), or undefined
 * when it does not parse: an absolute-form target such as `http://[` (RFC 9112
 * §3.2.2) gets past Node's HTTP parser but not the URL parser.
 */
export function requestUrl(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? '/', 'http://localhost');
  } catch {
    return undefined;
  }
}
