import { describe, expect, it } from 'vitest';
import { Router } from '../../../../firmware/web/http/router.js';

describe('Router', () => {
  const router = new Router<string>()
    .on('GET', '/', 'home')
    .on('GET', '/contacts/:id', 'contact')
    .mount(['/api/v1', '/api'], (api) => {
      api.on('GET', '/status', 'status');
      api.on('POST', '/calls', 'dial');
    });

  it('finds a route with its path parameters decoded', () => {
    expect(router.find('GET', '/contacts/a%20b')).toEqual({ kind: 'found', handler: 'contact', params: { id: 'a b' } });
  });

  it('answers the mounted routes under every prefix', () => {
    expect(router.find('GET', '/api/v1/status')).toMatchObject({ kind: 'found', handler: 'status' });
    expect(router.find('GET', '/api/status')).toMatchObject({ kind: 'found', handler: 'status' });
    expect(router.find('POST', '/api/calls')).toMatchObject({ kind: 'found', handler: 'dial' });
  });

  it('tells an unknown path from a known path with another method, listing the allowed ones', () => {
    expect(router.find('GET', '/nowhere')).toEqual({ kind: 'not-found' });
    expect(router.find('DELETE', '/api/v1/calls')).toEqual({ kind: 'method-not-allowed', allow: ['POST'] });
  });
});
