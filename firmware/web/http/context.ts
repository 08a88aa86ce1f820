import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { WebError } from '../web-error.js';
import { parseUrlEncoded, readBody } from './body.js';

/** What a handler answers: a status, headers and a body, written by `sendReply`. A stream body is piped (downloads, event streams). */
export interface Reply {
  status: number;
  headers: Record<string, string | string[]>;
  body: string | Buffer | Readable | null;
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
  ) {
    // The Host header is the client's claim; only the path and query of this URL are used.
    this.url = new URL(incoming.url ?? '/', 'http://localhost');
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

  query(name: string): string | undefined {
    return this.url.searchParams.get(name) ?? undefined;
  }
  param(name: string): string | undefined {
    return this.params[name];
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
    return { status, headers: { ...this.extraHeaders, location }, body: null };
  }
  /** A body with headers of the handler's choosing (downloads, streams). */
  send(body: Reply['body'], status = 200, headers: Record<string, string> = {}): Reply {
    return { status, headers: { ...this.extraHeaders, ...headers }, body };
  }

  private reply(status: number, type: string, body: string): Reply {
    return { status, headers: { 'content-type': type, ...this.extraHeaders }, body };
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
  body.pipe(res);
  // A client that goes away ends the stream (an event stream's heartbeat, a download).
  res.on('close', () => body.destroy());
}
