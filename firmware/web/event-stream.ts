import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { SimPanel } from '../../hal/sim/index.js';
import type { Clock, TimerHandle } from '../clock/index.js';
import type { CallQualityReport } from '../phone/phone-ports.js';
import { panelState } from './panel-view.js';
import type { SipStatusSource } from './status-view.js';

export interface EventStreamOptions {
  panel: SimPanel | undefined;
  sip: SipStatusSource | undefined;
  clock: Clock;
  /** A comment line this often keeps proxies and the browser from closing an idle stream. */
  heartbeatMs: number;
  /** The calls' media quality; asked every `qualityMs` while a stream is open. */
  quality?: () => Promise<CallQualityReport[]>;
  qualityMs?: number;
}

/**
 * The live feed of the front panel and the phone (GET /api/events), as
 * server-sent events (WHATWG HTML §9.2):
 * - `panel`: the whole front (PanelState) on connect and after every burst of
 *   changes; a burst of display writes is sent once, when the writes are done;
 * - `key`, `hook`: each key and hook event as the HAL reported it;
 * - `registration`: an account's registration status changed;
 * - `quality`: every current call's media quality, every `qualityMs` while
 *   calls are up, and one empty list when the last call has gone.
 * Open streams are tracked so the server can end them when it closes.
 */
export class EventStreams {
  private readonly open = new Set<() => void>();

  constructor(private readonly options: EventStreamOptions) {}

  get size(): number {
    return this.open.size;
  }

  respond(c: Context): Response {
    const { panel, sip, clock, heartbeatMs } = this.options;
    return streamSSE(c, async (stream) => {
      let pending = false;
      let heartbeat: TimerHandle | undefined;
      const send = (event: string, data: unknown) => {
        if (!stream.closed && !stream.aborted) void stream.writeSSE({ event, data: JSON.stringify(data) }).catch(() => undefined);
      };
      const sendPanel = () => {
        pending = false;
        if (panel) send('panel', panelState(panel));
      };
      const offPanel = panel?.onEvent((e) => {
        if (e.device === 'keypad') send('key', e.event);
        else if (e.device === 'hook') send('hook', e.event);
        if (!pending) {
          pending = true;
          queueMicrotask(sendPanel);
        }
      });
      const offSip = sip?.onRegistration?.((e) => send('registration', e));
      const beat = () => {
        if (!stream.closed && !stream.aborted) void stream.write(': keep-alive\n\n').catch(() => undefined);
        heartbeat = clock.setTimeout(beat, heartbeatMs);
      };
      heartbeat = clock.setTimeout(beat, heartbeatMs);
      let qualityTimer: TimerHandle | undefined;
      let hadCalls = false;
      const { quality, qualityMs = 2000 } = this.options;
      const poll = () => {
        void quality!()
          .then((calls) => {
            // Quiet while no call is up: the front panel's stream is open all day.
            if (calls.length > 0 || hadCalls) send('quality', { calls });
            hadCalls = calls.length > 0;
          })
          .catch(() => undefined)
          .finally(() => {
            if (!stream.closed && !stream.aborted && qualityTimer !== undefined) qualityTimer = clock.setTimeout(poll, qualityMs);
          });
      };
      if (quality) qualityTimer = clock.setTimeout(poll, qualityMs);

      let end!: () => void;
      const ended = new Promise<void>((resolve) => (end = resolve));
      stream.onAbort(end);
      this.open.add(end);
      sendPanel();
      await ended;
      this.open.delete(end);
      offPanel?.();
      offSip?.();
      clock.clearTimeout(heartbeat);
      clock.clearTimeout(qualityTimer);
      qualityTimer = undefined;
    });
  }

  /** Ends every open stream (server shutdown). */
  closeAll(): void {
    for (const end of [...this.open]) end();
  }
}
