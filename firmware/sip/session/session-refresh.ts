import type { Clock, TimerHandle } from '../../clock/index.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import {
  expiryDelayMs,
  formatSessionExpires,
  hasOptionTag,
  readSessionExpires,
  refreshDelayMs,
  type Refresher,
  type SessionTimerConfig,
} from './session-timer.js';

export interface SessionRefreshActions {
  /** We are the refresher and half the interval has passed: send a refresh (re-INVITE or UPDATE). */
  refresh(): void;
  /** We are not the refresher and no refresh came in time: the session is dead, end it (BYE). */
  expire(): void;
}

/**
 * One call's RFC 4028 session timer: which side refreshes, and the one timer
 * that runs for it. Every successful session refresh — a 2xx to a re-INVITE or
 * UPDATE we sent, or one we answered — re-arms it from the Session-Expires
 * negotiated in that exchange.
 */
export class SessionRefresh {
  private state: { interval: number; weRefresh: boolean; handle: TimerHandle } | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly config: SessionTimerConfig,
    private readonly actions: SessionRefreshActions,
  ) {}

  get interval(): number | undefined {
    return this.state?.interval;
  }

  get weRefresh(): boolean {
    return this.state?.weRefresh ?? false;
  }

  get running(): boolean {
    return this.state !== undefined;
  }

  /**
   * A 2xx to a request we sent (we are its UAC). RFC 4028 §7.2: "If the 2xx response did not contain a
   * Session-Expires header field, there is no session expiration"; otherwise its refresher param says who
   * refreshes.
   */
  answered(response: SipResponse): void {
    const se = readSessionExpires(response);
    if (!se || this.config.expires === 0) {
      this.stop();
      return;
    }
    this.arm(se.interval, (se.refresher ?? 'uac') === 'uac');
  }

  /**
   * A request we answer with 2xx (we are its UAS: initial INVITE, re-INVITE, UPDATE). RFC 4028 §9: the
   * interval is the request's; the refresher the one it names, else the UAC when it supports timers (it will
   * refresh), else us; the 2xx carries Session-Expires with the refresher, and Require: timer when the UAC
   * supports it. Returns those headers. A request without Session-Expires keeps the current timer running
   * afresh: it refreshed the session all the same.
   */
  answering(request: SipRequest): Array<readonly [string, string]> {
    const se = readSessionExpires(request);
    if (!se || this.config.expires === 0) {
      if (this.state) this.arm(this.state.interval, this.state.weRefresh);
      return [];
    }
    const peerSupports = hasOptionTag(request, 'supported', 'timer') || hasOptionTag(request, 'require', 'timer');
    const refresher: Refresher = se.refresher ?? (peerSupports ? 'uac' : 'uas');
    this.arm(se.interval, refresher === 'uas');
    const headers: Array<readonly [string, string]> = [['Session-Expires', formatSessionExpires(se.interval, refresher)]];
    if (peerSupports) headers.push(['Require', 'timer']);
    return headers;
  }

  /** Session-Expires for a refresh we send: we are its UAC and keep refreshing (RFC 4028 §7.4). */
  refreshHeaders(): Array<readonly [string, string]> {
    return this.state ? [['Session-Expires', formatSessionExpires(this.state.interval, 'uac')]] : [];
  }

  /** Tries the refresh again in `ms` (another exchange was under way when the timer fired). */
  refreshSoon(ms: number): void {
    if (!this.state) return;
    this.clock.clearTimeout(this.state.handle);
    this.state.handle = this.clock.setTimeout(() => this.actions.refresh(), ms);
  }

  arm(interval: number, weRefresh: boolean): void {
    this.stop();
    // RFC 4028 §10: the refresher refreshes "at half the session interval"; the other side sends BYE before
    // expiry, "the minimum of 32 seconds and one third of the session interval" ahead of it.
    const handle = weRefresh
      ? this.clock.setTimeout(() => this.actions.refresh(), refreshDelayMs(interval))
      : this.clock.setTimeout(() => {
          this.state = undefined;
          this.actions.expire();
        }, expiryDelayMs(interval));
    this.state = { interval, weRefresh, handle };
  }

  stop(): void {
    if (this.state) this.clock.clearTimeout(this.state.handle);
    this.state = undefined;
  }
}
