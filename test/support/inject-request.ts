import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import inject from 'light-my-request';

type Handle = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * A fetch-style request to a node:http handler without a socket (light-my-request),
 * answered as a fetch Response so tests written against `app.request(...)` read the
 * same. The body comes back as a stream, so server-sent events can be read as they
 * arrive; `remoteAddress` is the peer the handler sees.
 */
export async function injectRequest(handle: Handle, url: string, init: RequestInit = {}, remoteAddress = '127.0.0.1'): Promise<Response> {
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((v, k) => (headers[k] = v));
  let payload: Buffer | undefined;
  if (init.body !== undefined && init.body !== null) {
    // Let fetch's own Request encode the body (string, URLSearchParams, FormData...) with its content-type.
    const encoded = new Request('http://localhost/', { method: 'POST', body: init.body });
    payload = Buffer.from(await encoded.arrayBuffer());
    const type = encoded.headers.get('content-type');
    if (type && headers['content-type'] === undefined) headers['content-type'] = type;
  }
  const res = await inject(handle, { method: (init.method ?? 'GET') as 'GET', url, headers, payload, remoteAddress, payloadAsStream: true, signal: init.signal ?? undefined });
  const out = new Headers();
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [String(v)]) out.append(k, one);
  }
  const nullBody = res.statusCode === 204 || res.statusCode === 304 || (init.method ?? 'GET').toUpperCase() === 'HEAD';
  let body: ReadableStream<Uint8Array> | null = null;
  if (!nullBody) {
    const stream = res.stream();
    // A reader that cancels is a client going away: the server's response closes, as on a socket close.
    stream.once('close', () => {
      if (!res.raw.res.writableEnded) res.raw.res.destroy();
    });
    body = Readable.toWeb(stream) as ReadableStream<Uint8Array>;
  }
  return new Response(body, { status: res.statusCode, statusText: res.statusMessage, headers: out });
}
