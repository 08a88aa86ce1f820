import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import inject from 'light-my-request';
import { describe, expect, it } from 'vitest';
import { parseUrlEncoded, readBody } from '../../../../firmware/web/http/body.js';
import { WebError } from '../../../../firmware/web/web-error.js';

/** A handler that answers with the body's length, or the WebError status readBody threw. */
function handler(limit: number) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    readBody(req, limit).then(
      (buf) => res.end(`got ${buf.length}`),
      (err: unknown) => {
        res.statusCode = err instanceof WebError ? err.status : 500;
        res.end(err instanceof WebError ? err.code : String(err));
      },
    );
  };
}

describe('readBody', () => {
  it('returns a body within the limit byte for byte', async () => {
    const res = await inject(handler(10), { method: 'POST', url: '/', payload: 'abcdefghij' });
    expect(res.statusCode).toBe(200);
    expect(res.payload).toBe('got 10');
  });

  it('refuses a declared Content-Length over the limit with 413 TOO_LARGE', async () => {
    const res = await inject(handler(10), { method: 'POST', url: '/', payload: 'abcdefghijk' });
    expect(res.statusCode).toBe(413);
    expect(res.payload).toBe('TOO_LARGE');
  });

  it('counts a chunked body (no Content-Length) as it streams in', async () => {
    const server = createServer(handler(1000));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        body: new ReadableStream({
          start(ctrl) {
            for (let i = 0; i < 5; i++) ctrl.enqueue(new Uint8Array(300));
            ctrl.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
      expect(res.status).toBe(413);
      expect(await res.text()).toBe('TOO_LARGE');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('parseUrlEncoded', () => {
  it('decodes an HTML form, the last of a repeated name winning', () => {
    expect(parseUrlEncoded('name=Ada+L%C3%B6w&x=1&x=2&empty=')).toEqual({ name: 'Ada Löw', x: '2', empty: '' });
  });
});
