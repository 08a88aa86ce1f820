import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import inject from 'light-my-request';
import { describe, expect, it } from 'vitest';
import { parseUrlEncoded } from '../../../../firmware/web/http/app.js';
import { WebError } from '../../../../firmware/web/web-error.js';
import { serveRoutes } from './http-app-fixture.js';

const handle = serveRoutes(
  (t) => {
    t.on('GET', '/hello/:name', (c) => c.text(`hello ${c.param('name')}`));
    t.on('POST', '/echo', async (c) => c.json(await c.form()));
    t.on('POST', '/size', async (c) => c.text(`got ${(await c.body()).length}`));
    t.on('GET', '/own-csp', (c) => c.send('x', 200, { 'content-security-policy': 'mine' }));
    t.on('GET', '/refused', () => {
      throw new WebError(403, 'FORBIDDEN', 'no');
    });
    t.on('GET', '/broken', () => {
      throw new Error('bug');
    });
  },
  { maxBodyBytes: 64, headers: { 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'" } },
);

describe('createHttpApp', () => {
  it('runs the matching route and adds the security headers', async () => {
    const res = await inject(handle, { url: '/hello/ada' });
    expect(res.payload).toBe('hello ada');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBe("default-src 'none'");
  });

  it('leaves a header the route set itself', async () => {
    expect((await inject(handle, { url: '/own-csp' })).headers['content-security-policy']).toBe('mine');
  });

  it('answers 404 for an unknown path and 405 with Allow for a wrong method', async () => {
    expect((await inject(handle, { url: '/nowhere' })).statusCode).toBe(404);
    const res = await inject(handle, { method: 'GET', url: '/echo' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.json()).toEqual({ error: { code: 'METHOD_NOT_ALLOWED', message: 'GET is not allowed on /echo; use POST' } });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers HEAD from the GET route, without a body', async () => {
    const res = await inject(handle, { method: 'HEAD', url: '/hello/ada' });
    expect(res.statusCode).toBe(200);
    expect(res.payload).toBe('');
  });

  it('maps a thrown WebError and an unexpected error through onError', async () => {
    const refused = await inject(handle, { url: '/refused' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toEqual({ error: { code: 'FORBIDDEN', message: 'no' } });
    expect((await inject(handle, { url: '/broken' })).statusCode).toBe(500);
    expect((await inject(handle, { url: '/nowhere' })).headers['content-security-policy']).toBe("default-src 'none'");
  });

  it('answers 400 to a request-target that is no URI (it passes Node\'s HTTP parser) and keeps serving', async () => {
    const server = createServer(handle);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const raw = (line: string) =>
      new Promise<string>((resolve, reject) => {
        const s = connect(port, '127.0.0.1', () => s.write(`${line}\r\nHost: phone\r\nConnection: close\r\n\r\n`));
        let got = '';
        s.on('data', (d) => (got += d.toString()));
        s.on('end', () => resolve(got.split('\r\n')[0]!));
        s.on('error', reject);
      });
    try {
      expect(await raw('GET http://[ HTTP/1.1')).toBe('HTTP/1.1 400 Bad Request');
      expect(await raw('GET http://[::1/x HTTP/1.1')).toBe('HTTP/1.1 400 Bad Request');
      expect(await raw('GET /hello/again HTTP/1.1')).toBe('HTTP/1.1 200 OK');
    } finally {
      server.close();
    }
  });

  it('refuses a path that does not decode with 400 in the same format, with the security headers', async () => {
    const res = await inject(handle, { url: '/hello/%zz' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses an oversized body with 413 and keeps serving', async () => {
    const res = await inject(handle, { method: 'POST', url: '/echo', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a='.padEnd(100, 'x') });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ error: { code: 'TOO_LARGE', message: 'request bodies are limited to 64 bytes' } });
    expect((await inject(handle, { url: '/hello/again' })).payload).toBe('hello again');
  });

  it('hands a body within the limit to the route byte for byte, whatever its type', async () => {
    const res = await inject(handle, { method: 'POST', url: '/size', headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.alloc(64) });
    expect(res.statusCode).toBe(200);
    expect(res.payload).toBe('got 64');
  });

  it('counts a chunked body (no Content-Length) as it streams in', async () => {
    const server = createServer(handle);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/size`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: new ReadableStream({
          start(ctrl) {
            for (let i = 0; i < 5; i++) ctrl.enqueue(new Uint8Array(30));
            ctrl.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('TOO_LARGE');
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
