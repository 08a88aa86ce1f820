import inject from 'light-my-request';
import { describe, expect, it } from 'vitest';
import { createHandler, type RouteHandler } from '../../../../firmware/web/http/handler.js';
import { Router } from '../../../../firmware/web/http/router.js';
import { WebError } from '../../../../firmware/web/web-error.js';

const router = new Router<RouteHandler>()
  .on('GET', '/hello/:name', (c) => c.text(`hello ${c.param('name')}`))
  .on('POST', '/echo', async (c) => c.json(await c.form()))
  .on('GET', '/own-csp', (c) => c.send('x', 200, { 'content-security-policy': 'mine' }))
  .on('GET', '/refused', () => {
    throw new WebError(403, 'FORBIDDEN', 'no');
  })
  .on('GET', '/broken', () => {
    throw new Error('bug');
  });

const handle = createHandler({
  router,
  maxBodyBytes: 64,
  headers: { 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'" },
  notFound: (c) => c.text('Not found', 404),
  onError: (err, c) => (err instanceof WebError ? c.json(err.toJSON(), err.status) : c.text('internal', 500)),
});

describe('createHandler', () => {
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
  });

  it('refuses an oversized body with 413 and keeps serving', async () => {
    const res = await inject(handle, { method: 'POST', url: '/echo', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a='.padEnd(100, 'x') });
    expect(res.statusCode).toBe(413);
    expect((await inject(handle, { url: '/hello/again' })).payload).toBe('hello again');
  });
});
