import { describe, expect, it } from 'vitest';
import { SSE_HEADERS, SseStream } from '../../../../firmware/web/http/sse.js';
import { injectRequest } from '../../../support/inject-request.js';
import { serveRoutes } from './http-app-fixture.js';

describe('SseStream', () => {
  it('writes events and comments, and ends with onClose when the server closes it', async () => {
    let closed = 0;
    const handle = serveRoutes((t) => t.on('GET', '/events', (c) => {
      const sse = new SseStream(() => closed++);
      sse.event('panel', '{"a":1}');
      sse.comment('keep-alive');
      sse.event('multi', 'one\ntwo');
      setImmediate(() => sse.close());
      return c.send(sse.body, 200, SSE_HEADERS);
    }), { headers: { 'x-content-type-options': 'nosniff' } });
    const res = await injectRequest(handle, '/events');
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    // The stream is written on the hijacked response: the security headers are set there too.
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe('event: panel\ndata: {"a":1}\n\n: keep-alive\n\nevent: multi\ndata: one\ndata: two\n\n');
    expect(closed).toBe(1);
  });

  it('answers with its headers before the first event, so the client knows the stream is open', async () => {
    let stream: SseStream | undefined;
    const handle = serveRoutes((t) => t.on('GET', '/events', (c) => {
      stream = new SseStream(() => undefined);
      return c.send(stream.body, 200, SSE_HEADERS);
    }));
    const res = await injectRequest(handle, '/events');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    stream!.close();
    expect(await res.text()).toBe('');
  });

  it('runs onClose once when the client goes away, and ignores later writes', () => {
    let closed = 0;
    const sse = new SseStream(() => closed++);
    return new Promise<void>((resolve) => {
      sse.body.once('close', () => {
        sse.event('late', 'x');
        sse.close();
        expect(closed).toBe(1);
        expect(sse.closed).toBe(true);
        resolve();
      });
      sse.body.destroy();
    });
  });
});
