import inject from 'light-my-request';
import { describe, expect, it } from 'vitest';
import { Routes, type RouteHandler } from '../../../../firmware/web/http/routes.js';
import { WebError } from '../../../../firmware/web/web-error.js';
import { serveRoutes } from './http-app-fixture.js';

/** A guard that lets in only requests carrying `x-key: open`, and records who it let in. */
const keyed = (c: Parameters<RouteHandler>[0]) => {
  if (c.header('x-key') !== 'open') throw new WebError(401, 'AUTH_REQUIRED', 'no key');
  c.set('who', 'keyholder');
};

function app() {
  const inner = new Routes().get('/item/:id', (c) => c.text(`item ${c.param('id')}`));
  const api = new Routes()
    .get('/open', (c) => c.text('open'))
    .post('/locked', keyed, (c) => c.text(`in: ${c.get<string>('who')}`))
    .route('/shop', inner);
  return serveRoutes((t) => t.mount(['/api/v1', '/api'], (sub) => api.addTo(sub)));
}

describe('Routes', () => {
  it('answers the same routes under every mount prefix, nested tables included', async () => {
    const handle = app();
    for (const base of ['/api/v1', '/api']) {
      expect((await inject(handle, { url: `${base}/open` })).payload).toBe('open');
      expect((await inject(handle, { url: `${base}/shop/item/9` })).payload).toBe('item 9');
    }
    expect((await inject(handle, { url: '/open' })).statusCode).toBe(404);
  });

  it('decodes path parameters', async () => {
    expect((await inject(app(), { url: '/api/shop/item/a%20b' })).payload).toBe('item a b');
  });

  it('runs the guard before the handler, and a guard that throws stops the route', async () => {
    const handle = app();
    const refused = await inject(handle, { method: 'POST', url: '/api/locked' });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toEqual({ error: { code: 'AUTH_REQUIRED', message: 'no key' } });
    expect((await inject(handle, { method: 'POST', url: '/api/locked', headers: { 'x-key': 'open' } })).payload).toBe('in: keyholder');
  });
});
