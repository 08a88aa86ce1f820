import { describe, expect, it } from 'vitest';
import { createHandler, type RouteHandler } from '../../../../firmware/web/http/handler.js';
import { Router } from '../../../../firmware/web/http/router.js';
import { SSE_HEADERS, SseStream } from '../../../../firmware/web/http/sse.js';
import { injectRequest } from '../../../support/inject-request.js';

describe('SseStream', () => {
  it('writes events and comments, and ends with onClose when the server closes it', async () => {
    let closed = 0;
    const router = new Router<RouteHandler>().on('GET', '/events', (c) => {
      const sse = new SseStream(() => closed++);
      sse.event('panel', '{"a":1}');
      sse.comment('keep-alive');
      sse.event('multi', 'one\ntwo');
      setImmediate(() => sse.close());
      return c.send(sse.body, 200, SSE_HEADERS);
    });
    const handle = createHandler({ router, maxBodyBytes: 1024, headers: {}, notFound: (c) => c.text('nf', 404), onError: (_e, c) => c.text('err', 500) });
    const res = await injectRequest(handle, '/events');
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(await res.text()).toBe('event: panel\ndata: {"a":1}\n\n: keep-alive\n\nevent: multi\ndata: one\ndata: two\n\n');
    expect(closed).toBe(1);
  });

  it('answers with its headers before the first event, so the client knows the stream is open', async () => {
    let stream: SseStream | undefined;
    const router = new Router<RouteHandler>().on('GET', '/events', (c) => {
      stream = new SseStream(() => undefined);
      return c.send(stream.body, 200, SSE_HEADERS);
    });
    const handle = createHandler({ router, maxBodyBytes: 1024, headers: {}, notFound: (c) => c.text('nf', 404), onError: (_e, c) => c.text('err', 500) });
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
