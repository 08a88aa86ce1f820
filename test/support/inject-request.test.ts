import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { injectRequest } from './inject-request.js';

/** Echoes what it received, as JSON, with a cookie and two Set-Cookie headers. */
function echo(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    res.setHeader('set-cookie', ['a=1', 'b=2']);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ method: req.method, url: req.url, peer: req.socket.remoteAddress, type: req.headers['content-type'] ?? null, body: Buffer.concat(chunks).toString() }));
  });
}

describe('injectRequest', () => {
  it('passes method, path, peer and a form body, and answers a fetch Response', async () => {
    const res = await injectRequest(echo, '/x?y=1', { method: 'POST', body: new URLSearchParams({ n: 'Ada' }) }, '192.0.2.7');
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await res.json()).toEqual({ method: 'POST', url: '/x?y=1', peer: '192.0.2.7', type: 'application/x-www-form-urlencoded;charset=UTF-8', body: 'n=Ada' });
  });

  it('encodes a FormData body as multipart with its boundary', async () => {
    const form = new FormData();
    form.set('file', new Blob(['name,number\n']), 'c.csv');
    const res = await injectRequest(echo, '/', { method: 'POST', body: form });
    const got = (await res.json()) as { type: string; body: string };
    expect(got.type).toMatch(/^multipart\/form-data; boundary=/);
    expect(got.body).toContain('name,number');
  });
});
