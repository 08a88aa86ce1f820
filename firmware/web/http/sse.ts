import { PassThrough } from 'node:stream';

/**
 * A server-sent-events body (WHATWG HTML §9.2) as a Node stream, for a Reply:
 * `event:`/`data:` records and `:` comment lines (heartbeats). It ends when the
 * server ends it or the client goes away (sendReply destroys the body then);
 * `onClose` runs once either way, to unhook listeners and timers.
 */
export class SseStream {
  readonly body = new PassThrough();
  private done = false;

  constructor(onClose: () => void) {
    this.body.once('close', () => {
      this.done = true;
      onClose();
    });
  }

  get closed(): boolean {
    return this.done || this.body.destroyed || this.body.writableEnded;
  }

  /** One event; data is split on newlines, each line its own `data:` field (§9.2.6). */
  event(event: string, data: string): void {
    if (this.closed) return;
    const lines = data.split(/\r\n|\r|\n/).map((l) => `data: ${l}\n`).join('');
    this.body.write(`event: ${event}\n${lines}\n`);
  }

  /** A comment line: ignored by EventSource, but it keeps idle proxies and the browser from closing the stream. */
  comment(text: string): void {
    if (!this.closed) this.body.write(`: ${text}\n\n`);
  }

  close(): void {
    if (!this.closed) this.body.end();
    // A PassThrough nobody reads never emits 'close' after end(); destroy so onClose runs.
    this.body.destroy();
  }
}

/** The headers an event stream is sent with: no caching, no buffering by proxies. */
export const SSE_HEADERS: Record<string, string> = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};
