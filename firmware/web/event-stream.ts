import type { SimPanel } from '../../hal/sim/index.js';
import type { Clock, TimerHandle } from '../clock/index.js';
import type { CallQualityReport } from '../phone/phone-ports.js';
import type { HttpContext, Reply } from './http/context.js';
import { SSE_HEADERS, SseStream } from './http/sse.js';
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
 * - `registrations`: every account's registration state on connect, so a page
 *   rendered before a change whose `registration` event it could not hear (it
 *   was reloading) sees that it is stale;
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

  respond(c: HttpContext): Reply {
    const { panel, sip, clock, heartbeatMs } = this.options;
    let pending = false;
    let heartbeat: TimerHandle | undefined;
    let qualityTimer: TimerHandle | undefined;
    // Runs once, when the server ends the stream or the client goes away.
    const cleanup = () => {
      this.open.delete(end);
      offPanel?.();
      offSip?.();
      clock.clearTimeout(heartbeat);
      clock.clearTimeout(qualityTimer);
      qualityTimer = undefined;
    };
    const stream = new SseStream(cleanup);
    const end = () => stream.close();
    const send = (event: string, data: unknown) => stream.event(event, JSON.stringify(data));
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
      stream.comment('keep-alive');
      heartbeat = clock.setTimeout(beat, heartbeatMs);
    };
    heartbeat = clock.setTimeout(beat, heartbeatMs);
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
          if (!stream.closed && qualityTimer !== undefined) qualityTimer = clock.setTimeout(poll, qualityMs);
        });
    };
    if (quality) qualityTimer = clock.setTimeout(poll, qualityMs);
    this.open.add(end);
    sendPanel();
    if (sip) send('registrations', Object.fromEntries(Object.entries(sip.registrationStatus()).map(([id, r]) => [id, r.state])));
    return c.send(stream.body, 200, SSE_HEADERS);
  }

  /** Ends every open stream (server shutdown). */
  closeAll(): void {
    for (const end of [...this.open]) end();
  }
}
