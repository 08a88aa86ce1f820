import { Readable } from 'node:stream';
import inject from 'light-my-request';
import { describe, expect, it } from 'vitest';
import type { HttpContext, Reply } from '../../../../firmware/web/http/context.js';
import { WebError } from '../../../../firmware/web/web-error.js';
import { serveRoutes } from './http-app-fixture.js';

/** Serves one handler for GET and POST on `/` and `/:p/:id`; a WebError answers as its code and status. */
function serve(handler: (c: HttpContext) => Promise<Reply> | Reply, limit = 16) {
  return serveRoutes(
    (t) => {
      for (const path of ['/', '/:p/:id']) for (const m of ['GET', 'POST'] as const) t.on(m, path, handler);
    },
    { maxBodyBytes: limit, onError: (err, c) => c.text(err instanceof WebError ? err.code : 'boom', err instanceof WebError ? err.status : 500) },
  );
}

describe('HttpContext', () => {
  it('reads the query, the path parameters, headers and the peer', async () => {
    const res = await inject(serve((c) => c.json({ q: c.query('q'), id: c.param('id'), ua: c.header('User-Agent'), path: c.path, peer: c.clientAddress })), {
      url: '/x/7?q=a%20b',
      headers: { 'user-agent': 'probe' },
      remoteAddress: '192.0.2.7',
    });
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.json()).toEqual({ q: 'a b', id: '7', ua: 'probe', path: '/x/7', peer: '192.0.2.7' });
  });

  it('parses an urlencoded form and refuses other body types with 415', async () => {
    const ok = await inject(serve(async (c) => c.json(await c.form())), { method: 'POST', url: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=1&b=x' });
    expect(ok.json()).toEqual({ a: '1', b: 'x' });
    const bad = await inject(serve(async (c) => c.json(await c.form())), { method: 'POST', url: '/', headers: { 'content-type': 'text/plain' }, payload: 'a=1' });
    expect(bad.statusCode).toBe(415);
  });

  it('refuses a body over its limit with 413', async () => {
    const res = await inject(serve(async (c) => c.text(await c.bodyText())), { method: 'POST', url: '/', payload: 'x'.repeat(17) });
    expect(res.statusCode).toBe(413);
  });

  it('carries every Set-Cookie set before the reply into it', async () => {
    const res = await inject(
      serve((c) => {
        c.setHeader('Set-Cookie', 'a=1');
        c.setHeader('Set-Cookie', 'b=2');
        return c.redirect('/next', 303);
      }),
      { url: '/' },
    );
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/next');
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
  });

  it('answers HEAD with the headers and no body', async () => {
    const res = await inject(serve((c) => c.html('<p>hi</p>')), { method: 'HEAD', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=UTF-8');
    expect(res.payload).toBe('');
  });

  it('cuts the response short when a stream body fails half-way, and the process goes on', async () => {
    async function* failing() {
      yield Buffer.from('ab');
      // Fail once the client is reading, as a download whose source breaks mid-way.
      await new Promise((r) => setTimeout(r, 20));
      throw new Error('disk gone');
    }
    const res = await inject(serve((c) => c.send(Readable.from(failing()))), { url: '/', payloadAsStream: true });
    expect(res.statusCode).toBe(200);
    const got = await new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      const stream = res.stream();
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', () => resolve(`cut after ${Buffer.concat(chunks).toString()}`));
      stream.on('end', () => resolve(`ended after ${Buffer.concat(chunks).toString()}`));
    });
    expect(got).toBe('cut after ab');
  });

  it('pipes a stream body (a download)', async () => {
    const res = await inject(serve((c) => c.send(Readable.from([Buffer.from('ab'), Buffer.from('cd')]), 200, { 'content-type': 'application/vnd.tcpdump.pcap' })), { url: '/' });
    expect(res.headers['content-type']).toBe('application/vnd.tcpdump.pcap');
    expect(res.payload).toBe('abcd');
  });
});

describe('HttpContext.parseBody', () => {
  it('reads an urlencoded form and a multipart upload the same way, and any other body as an empty form', async () => {
    const parse = serve(async (c) => {
      const { fields, files } = await c.parseBody();
      return c.json({ fields, files: Object.fromEntries(Object.entries(files).map(([k, f]) => [k, { name: f.name, text: f.data.toString() }])) });
    }, 1024);
    const url = await inject(parse, { method: 'POST', url: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=1' });
    expect(url.json()).toEqual({ fields: { a: '1' }, files: {} });
    const boundary = 'XyZ';
    const multipart = [`--${boundary}`, 'content-disposition: form-data; name="format"', '', 'csv', `--${boundary}`, 'content-disposition: form-data; name="file"; filename="c.csv"', 'content-type: text/csv', '', 'n,1', `--${boundary}--`, ''].join('\r\n');
    const mp = await inject(parse, { method: 'POST', url: '/', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: multipart });
    expect(mp.json()).toEqual({ fields: { format: 'csv' }, files: { file: { name: 'c.csv', text: 'n,1' } } });
    const other = await inject(parse, { method: 'POST', url: '/', headers: { 'content-type': 'application/json' }, payload: '{}' });
    expect(other.json()).toEqual({ fields: {}, files: {} });
  });

  it('reads the addressed host as a URL would, without the default port', async () => {
    const host = serve((c) => c.json({ host: c.host ?? null }));
    expect((await inject(host, { url: '/', headers: { host: 'localhost:80' } })).json()).toEqual({ host: 'localhost' });
    expect((await inject(host, { url: '/', headers: { host: 'evil.example:8080' } })).json()).toEqual({ host: 'evil.example:8080' });
    expect((await inject(host, { url: '/', headers: { host: 'bad host' } })).json()).toEqual({ host: null });
  });
});
