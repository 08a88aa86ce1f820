import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { WebError } from '../web-error.js';
import { parseUrlEncoded, readBody } from './body.js';
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
 * the small subset of hono's Context the routes use, over node:http's own
 * objects (no fetch Request/Response: they load undici, issue 4).
 */
export class HttpContext {
  readonly url: URL;
  /** Headers set before the reply is built (cookies, retry-after); merged into it. */
  readonly extraHeaders: Record<string, string | string[]> = {};
  private readonly vars = new Map<string, unknown>();
  private bodyRead: Promise<Buffer> | undefined;

  constructor(
    readonly incoming: IncomingMessage,
    readonly params: Record<string, string>,
    private readonly maxBodyBytes: number,
    url?: URL,
  ) {
    // The Host header is the client's claim; only the path and query of this URL are used.
    this.url = url ?? requestUrl(incoming) ?? new URL('http://localhost/');
  }

  get method(): string {
    return this.incoming.method ?? 'GET';
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

  /** The raw body, read once (413 past the limit) and shared by later readers. */
  body(): Promise<Buffer> {
    this.bodyRead ??= readBody(this.incoming, this.maxBodyBytes);
    return this.bodyRead;
  }
  async bodyText(): Promise<string> {
    return (await this.body()).toString('utf8');
  }
  /** The text fields of an urlencoded form; any other body type is refused with 415. */
  async form(): Promise<Record<string, string>> {
    const type = this.header('content-type') ?? '';
    if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) throw new WebError(415, 'FORM_REQUIRED', 'send the form as application/x-www-form-urlencoded');
    return parseUrlEncoded(await this.bodyText());
  }

  /**
   * A form of either encoding (HTML forms: urlencoded; file uploads: multipart);
   * any other body type is an empty form, as a browser never sends one.
   */
  async parseBody(): Promise<MultipartForm> {
    const type = this.header('content-type') ?? '';
    if (/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) return { fields: parseUrlEncoded(await this.bodyText()), files: {} };
    if (/^multipart\/form-data\s*;/i.test(type)) return parseMultipart(await this.body(), type);
    return { fields: {}, files: {} };
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

/** Writes a reply; a HEAD request gets the headers only (RFC 9110 §9.3.2), a stream body is piped. */
export function sendReply(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  res.statusCode = reply.status;
  for (const [k, v] of Object.entries(reply.headers)) if (!res.hasHeader(k)) res.setHeader(k, v);
  const body = reply.body;
  if (body === null || req.method === 'HEAD') {
    if (body !== null && typeof body !== 'string' && !Buffer.isBuffer(body)) body.destroy();
    res.end();
    return;
  }
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    res.setHeader('content-length', Buffer.byteLength(body));
    res.end(body);
    return;
  }
  // A body that fails half-way cannot change the status any more: cut the response short
  // (the client sees a truncated body) rather than let the 'error' event take the process down.
  body.on('error', () => res.destroy());
  // Headers now, not with the first chunk: an event stream is open (EventSource fires `open`)
  // before its first event, which may be a heartbeat away.
  res.flushHeaders();
  body.pipe(res);
  // A client that goes away ends the stream (an event stream's heartbeat, a download).
  res.on('close', () => body.destroy());
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
