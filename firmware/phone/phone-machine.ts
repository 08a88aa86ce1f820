import type { KeyName } from '../../hal/index.js';
import { DeskphoneError } from '../errors.js';
import { DialSession, type DialAction, type DialPlanOptions } from './dial-plan/index.js';
import type { PhoneCall } from './phone-call.js';
import type { AudioRoute, CallEvent, PhoneAction, PhoneInput, ToneName } from './phone-events.js';

export interface PhoneMachineOptions {
  dialPlan: DialPlanOptions;
  /** Accept a second call while in one (call-waiting tone); false rejects it with 486 at once. */
  callWaiting: boolean;
  /** Do-not-disturb: reject every incoming call with this status. */
  doNotDisturb: false | 486 | 480;
  /** Honour intercom requests (Call-Info answer-after, Alert-Info auto-answer) when the phone is idle. */
  autoAnswer?: boolean;
  volumes: Record<AudioRoute | 'ringer', number>;
  /** The redial key's number. */
  lastDialled: () => string | undefined;
  /** The phone clock's monotonic ms (call durations). */
  now: () => number;
  /** How long a notice ("Busy") stays when the phone is hands-free. */
  noticeMs?: number;
  /** How long the codec and quality figures stay on the call screen after OK. */
  callInfoMs?: number;
}

export interface Notice {
  text: string;
  tone: ToneName | null;
}

export class UnknownCallError extends DeskphoneError {
  constructor(readonly callId: string) {
    super('PHONE_UNKNOWN_CALL', `no call ${callId}`);
  }
}

/** The most calls the phone handles at once: one talking, one held or waiting. */
export const MAX_CALLS = 2;
const VOLUME_STEP = 10;

/**
 * The phone as its user sees it: handset, keys and calls in, actions out. Pure
 * (no I/O, no timers of its own): main.ts feeds it hardware and call events and
 * carries out the actions it returns. The tone, ringer, audio route and mute
 * are derived from the state after every input and emitted only when they
 * change, so no transition can forget to stop a tone.
 *
 * What it does follows desk phones (Yealink, Poly, Cisco): lift the handset to
 * answer or to get dial tone; hang up to end; hook-flash to answer a waiting
 * call, swap two calls or hold; speaker and headset keys as the alternatives to
 * the handset; digits on-hook start dialling hands-free.
 */
export class PhoneMachine {
  private route: AudioRoute | null = null;
  private dial: DialSession | undefined;
  private secondTone = false;
  private calls: PhoneCall[] = [];
  private muted = false;
  /** The call put on hold by the Transfer key while the target is dialled. */
  private transferring: string | undefined;
  /** The two calls joined in a 3-way conference, while it lasts. */
  private conference: [string, string] | undefined;
  private notice: Notice | undefined;
  /** The call whose codec and quality figures the screen shows (OK while talking), for callInfoMs. */
  private infoFor: string | undefined;
  private nextCallId = 1;
  private readonly volumes: Record<AudioRoute | 'ringer', number>;
  private readonly earlyMedia = new Set<string>();
  private emitted: { tone: ToneName | null; ring: boolean; route: AudioRoute | null; mute: boolean } = { tone: null, ring: false, route: null, mute: false };

  constructor(private options: PhoneMachineOptions) {
    this.volumes = { ...options.volumes };
  }

  /** Settings changed while the phone runs (menu, web admin): they apply from the next call. */
  configure(change: Partial<Pick<PhoneMachineOptions, 'callWaiting' | 'doNotDisturb' | 'dialPlan' | 'autoAnswer'>>): void {
    this.options = { ...this.options, ...change };
  }

  /** Nothing going on: the idle screen (and the menus) may show. */
  get idle(): boolean {
    return this.route === null && this.calls.length === 0 && this.dial === undefined && this.notice === undefined;
  }

  /** A read-only view for screens and the web page. */
  get view(): {
    route: AudioRoute | null;
    dialling: string | undefined;
    calls: readonly PhoneCall[];
    muted: boolean;
    notice: Notice | undefined;
    focus: PhoneCall | undefined;
    conference: readonly [string, string] | undefined;
    volumes: Readonly<Record<AudioRoute | 'ringer', number>>;
    /** The call whose codec and quality the screen should show now, if any. */
    infoFor: string | undefined;
  } {
    return {
      route: this.route,
      dialling: this.dial?.digits,
      calls: this.calls,
      muted: this.muted,
      notice: this.notice,
      focus: this.focus(),
      conference: this.conference,
      volumes: this.volumes,
      infoFor: this.infoFor !== undefined && this.focus()?.id === this.infoFor ? this.infoFor : undefined,
    };
  }

  handle(input: PhoneInput): PhoneAction[] {
    const actions: PhoneAction[] = [];
    switch (input.type) {
      case 'key':
        this.onKey(input.key, input.event, actions);
        break;
      case 'hook':
        this.onHook(input.event, actions);
        break;
      case 'timer':
        if (input.name === 'dial' && this.dial) this.applyDial(this.dial.timeout(), actions);
        if (input.name === 'notice') this.endNotice(actions);
        if (input.name === 'auto-answer') this.autoAnswerNow(actions);
        if (input.name === 'call-info') this.infoFor = undefined;
        break;
      case 'dial':
        this.dialNow(input.number, actions);
        break;
      case 'call-action':
        if (input.action === 'transfer') this.transferCall(input.callId, input.target, actions);
        else this.onCallAction(input.callId, input.action, actions);
        break;
      default:
        this.onCall(input, actions);
    }
    return [...actions, ...this.derivedChanges()];
  }

  // ---- hardware ----

  private onHook(event: 'off-hook' | 'on-hook' | 'flash', actions: PhoneAction[]): void {
    if (event === 'off-hook') {
      const ringing = this.ringingCall();
      if (ringing && !this.focus()) {
        this.route = 'handset';
        this.answer(ringing, actions);
      } else if (this.route === null) {
        this.route = 'handset';
        this.startDialling(actions);
      } else {
        this.route = 'handset';
      }
      return;
    }
    if (event === 'on-hook') {
      if (this.route !== 'handset') return; // hands-free: putting the handset back changes nothing
      this.goOnHook(actions);
      return;
    }
    // Hook-flash (in a conference it does nothing: the conference key splits it).
    if (this.conference) return;
    const focus = this.focus();
    const waiting = this.ringingCall();
    const held = this.calls.find((c) => c.phase === 'on-hold');
    if (focus?.phase === 'connected' && waiting) {
      this.hold(focus, actions);
      this.answer(waiting, actions);
    } else if (focus?.phase === 'connected' && held) {
      this.hold(focus, actions);
      this.resume(held, actions);
    } else if (focus?.phase === 'connected') {
      this.hold(focus, actions);
    } else if (!focus && held) {
      this.resume(held, actions);
    } else if (this.dial) {
      this.startDialling(actions);
    }
  }

  private onKey(key: KeyName, event: 'down' | 'long-press', actions: PhoneAction[]): void {
    if (event === 'long-press') return; // long presses are for menus and speed dial (the screens' business)
    if (/^[0-9*#]$/.test(key)) return this.onDigit(key, actions);
    const focus = this.focus();
    switch (key) {
      case 'ok':
        if (this.dial && this.dial.digits !== '') this.applyDial(this.dial.press('#'), actions);
        else if (this.ringingCall() && !focus) this.answerHandsFree(actions);
        else if (focus?.phase === 'connected' && !this.dial) {
          // "Codec on demand" (issue 7 §3): the figures show for a few seconds, then the call screen returns.
          this.infoFor = focus.id;
          actions.push({ type: 'call-info', callId: focus.id });
          actions.push({ type: 'start-timer', name: 'call-info', ms: this.options.callInfoMs ?? 5000 });
        }
        return;
      case 'cancel': {
        const ringing = this.ringingCall();
        if (this.notice) this.endNotice(actions);
        else if (this.dial && this.transferring) {
          const held = this.calls.find((c) => c.id === this.transferring);
          this.transferring = undefined;
          this.stopDialling(actions, false);
          if (held) this.resume(held, actions);
        } else if (this.dial) this.stopDialling(actions, true);
        else if (ringing) this.reject(ringing, 486, actions);
        return;
      }
      case 'speaker':
      case 'headset':
        return this.onRouteKey(key, actions);
      case 'redial': {
        const number = this.options.lastDialled();
        if (number !== undefined) this.dialNow(number, actions);
        return;
      }
      case 'mute':
        if (focus?.phase === 'connected') this.muted = !this.muted;
        return;
      case 'hold': {
        if (this.conference) return; // the conference key splits a conference; hold would leave one leg hanging
        const held = this.calls.find((c) => c.phase === 'on-hold');
        if (focus?.phase === 'connected') this.hold(focus, actions);
        else if (!focus && held) this.resume(held, actions);
        return;
      }
      case 'volume-up':
      case 'volume-down': {
        const target = this.route ?? 'ringer';
        const level = Math.max(0, Math.min(100, this.volumes[target] + (key === 'volume-up' ? VOLUME_STEP : -VOLUME_STEP)));
        if (level !== this.volumes[target]) {
          this.volumes[target] = level;
          actions.push({ type: 'volume', target, level });
        }
        return;
      }
      case 'conference':
        this.onConferenceKey(actions);
        return;
      case 'transfer':
        this.onTransferKey(actions);
        return;
      default:
        return; // transfer, menus: handled by the screens and call features
    }
  }

  /**
   * Conference key: with one call talking and one on hold, join them and the
   * handset (the phone mixes them); pressed again, split back to the talking
   * call with the other on hold.
   */
  private onConferenceKey(actions: PhoneAction[]): void {
    if (this.conference) {
      const [a, b] = this.conference;
      this.conference = undefined;
      actions.push({ type: 'split', keep: a });
      const other = this.calls.find((c) => c.id === b);
      if (other) this.hold(other, actions);
      return;
    }
    const focus = this.focus();
    const held = this.calls.find((c) => c.phase === 'on-hold');
    if (focus?.phase !== 'connected' || !held) return;
    this.resume(held, actions);
    this.conference = [focus.id, held.id];
    actions.push({ type: 'conference', callIds: [focus.id, held.id] });
  }

  private onDigit(key: string, actions: PhoneAction[]): void {
    const focus = this.focus();
    if (this.dial) return this.applyDial(this.dial.press(key), actions);
    if (focus?.phase === 'connected') {
      actions.push({ type: 'dtmf', callId: focus.id, digit: key });
      return;
    }
    if (this.calls.length === 0 && this.route === null) {
      // Digits on-hook: dial hands-free, as desk phones do.
      this.route = 'speaker';
      this.startDialling(actions);
      this.applyDial(this.dial!.press(key), actions);
    }
  }

  private onRouteKey(key: 'speaker' | 'headset', actions: PhoneAction[]): void {
    if (this.route === key) {
      this.goOnHook(actions);
      return;
    }
    if (this.route === null) {
      this.route = key;
      const ringing = this.ringingCall();
      if (ringing && !this.focus()) this.answer(ringing, actions);
      else if (!this.focus() && !this.calls.some((c) => c.phase === 'on-hold')) this.startDialling(actions);
      return;
    }
    this.route = key; // move the call to the loudspeaker or headset
  }

  private autoAnswerNow(actions: PhoneAction[]): void {
    const ringing = this.ringingCall();
    if (ringing && !this.focus() && this.route === null && !this.dial) this.answerHandsFree(actions);
  }

  /** The REST API acting on one call, as the keys would (answer hands-free, hold, resume, hang up that call). */
  private onCallAction(callId: string, action: 'answer' | 'hold' | 'resume' | 'hangup', actions: PhoneAction[]): void {
    const call = this.calls.find((c) => c.id === callId);
    if (!call) throw new UnknownCallError(callId);
    const focus = this.focus();
    switch (action) {
      case 'answer':
        if (call.phase !== 'incoming') return;
        if (focus?.phase === 'connected') this.hold(focus, actions);
        if (this.route === null) this.route = 'speaker';
        this.answer(call, actions);
        return;
      case 'hold':
        if (call.phase === 'connected' && !this.conference) this.hold(call, actions);
        return;
      case 'resume':
        if (call.phase !== 'on-hold') return;
        if (focus?.phase === 'connected') this.hold(focus, actions);
        if (this.route === null) this.route = 'speaker';
        this.resume(call, actions);
        return;
      case 'hangup':
        if (call.phase === 'incoming') return this.reject(call, 603, actions);
        if (call === focus && this.calls.length === 1) return this.goOnHook(actions);
        this.remove(call);
        actions.push({ type: 'hangup', callId: call.id });
        actions.push({ type: 'call-ended', call, reason: 'Call ended', cause: call.phase === 'connected' || call.phase === 'on-hold' ? 'local' : 'cancelled' });
        return;
    }
  }

  /**
   * Transfer key, as on desk phones:
   * - in a call: hold it and give dial tone; the number dialled is a consultation call;
   * - again, once the consultation call is answered: attended transfer (REFER with Replaces);
   * - again, while it still rings: transfer to that number blind and drop the consultation call;
   * - again while still dialling: transfer blind to the digits keyed so far.
   */
  private onTransferKey(actions: PhoneAction[]): void {
    const focus = this.focus();
    if (!this.transferring) {
      if (focus?.phase !== 'connected' || this.conference) return;
      this.hold(focus, actions);
      this.transferring = focus.id;
      this.startDialling(actions);
      return;
    }
    const held = this.calls.find((c) => c.id === this.transferring);
    if (!held) return;
    if (this.dial) {
      const digits = this.dial.digits;
      if (digits === '') return;
      this.stopDialling(actions, false);
      this.transferring = undefined;
      actions.push({ type: 'transfer', callId: held.id, target: digits });
      return;
    }
    if (!focus || focus === held) return;
    this.transferring = undefined;
    if (focus.phase === 'connected') {
      actions.push({ type: 'transfer-attended', callId: held.id, consultId: focus.id });
      return;
    }
    // Still ringing: refer the held call to the same number and drop our attempt.
    this.remove(focus);
    actions.push({ type: 'hangup', callId: focus.id });
    actions.push({ type: 'call-ended', call: focus, reason: 'Transferred', cause: 'cancelled' });
    actions.push({ type: 'transfer', callId: held.id, target: focus.number });
  }

  /** Blind transfer by the REST API: the call goes on hold and is referred to `target`. */
  private transferCall(callId: string, target: string, actions: PhoneAction[]): void {
    const call = this.calls.find((c) => c.id === callId);
    if (!call) throw new UnknownCallError(callId);
    if (call.phase !== 'connected' && call.phase !== 'on-hold') return;
    if (call.phase === 'connected') this.hold(call, actions);
    actions.push({ type: 'transfer', callId, target });
  }

  /** Places a call at once, hands-free unless the handset is already up (redial, web, menus). */
  private dialNow(number: string, actions: PhoneAction[]): void {
    if (this.calls.length >= MAX_CALLS || this.focus()) return;
    if (this.route === null) this.route = 'speaker';
    if (this.dial) this.stopDialling(actions, false);
    this.clearNotice(actions);
    this.place(number, false, actions);
  }

  // ---- calls ----

  private onCall(event: CallEvent, actions: PhoneAction[]): void {
    if (event.type === 'incoming') {
      const busy = this.calls.length > 0 || this.dial !== undefined || this.route !== null;
      if (this.options.doNotDisturb) {
        actions.push({ type: 'reject', callId: event.callId, status: this.options.doNotDisturb });
        return;
      }
      if (this.calls.length >= MAX_CALLS || (busy && !this.options.callWaiting)) {
        actions.push({ type: 'reject', callId: event.callId, status: 486 });
        return;
      }
      this.calls.push({
        id: event.callId,
        direction: 'incoming',
        phase: 'incoming',
        number: event.number,
        remoteUri: event.remoteUri,
        ...(event.remoteName !== undefined ? { remoteName: event.remoteName } : {}),
        heldByRemote: false,
      });
      // Intercom (issue 5 §10): answered hands-free, but only into an idle phone — never over a call.
      if (event.autoAnswerAfterS !== undefined && this.options.autoAnswer && !busy) {
        if (event.autoAnswerAfterS === 0) this.autoAnswerNow(actions);
        else actions.push({ type: 'start-timer', name: 'auto-answer', ms: event.autoAnswerAfterS * 1000 });
      }
      return;
    }
    const call = this.calls.find((c) => c.id === event.callId);
    if (!call) return;
    switch (event.type) {
      case 'ringing':
        if (call.phase === 'calling') call.phase = 'ringback';
        if (event.earlyMedia) this.earlyMedia.add(call.id);
        return;
      case 'answered':
        call.phase = 'connected';
        call.connectedAt = this.options.now();
        this.earlyMedia.delete(call.id);
        return;
      case 'remote-hold':
        call.heldByRemote = event.held;
        return;
      case 'dtmf-received':
        call.lastDigitReceived = event.digit;
        return;
      case 'remote-changed':
        call.remoteUri = event.remoteUri;
        call.number = event.number;
        if (event.remoteName !== undefined) call.remoteName = event.remoteName;
        else delete call.remoteName;
        call.heldByRemote = false;
        return;
      case 'transfer-failed':
        this.showNotice({ text: `Transfer failed: ${event.reason}`, tone: null }, actions);
        return;
      case 'ended': {
        const wasFocus = this.focus() === call;
        if (this.conference?.includes(call.id)) {
          // Either leg may hang up: the other goes on as an ordinary call with the handset.
          const keep = this.conference[0] === call.id ? this.conference[1] : this.conference[0];
          this.conference = undefined;
          this.remove(call);
          actions.push({ type: 'split', keep });
          actions.push({ type: 'call-ended', call, reason: event.reason, cause: event.cause });
          return;
        }
        this.remove(call);
        const cause = event.cause;
        actions.push({ type: 'call-ended', call, reason: event.reason, cause });
        if (this.transferring === call.id) this.transferring = undefined;
        if (!wasFocus || this.route === null) return;
        if (this.calls.length > 0) return; // the other line is still there (held or waiting)
        const tone: ToneName | null = cause === 'busy' ? 'busy' : cause === 'failed' ? 'congestion' : null;
        this.showNotice({ text: event.reason, tone }, actions);
        return;
      }
    }
  }

  // ---- helpers ----

  private startDialling(actions: PhoneAction[]): void {
    this.clearNotice(actions);
    this.dial = new DialSession(this.options.dialPlan);
    this.secondTone = false;
    actions.push({ type: 'stop-timer', name: 'dial' });
  }

  private stopDialling(actions: PhoneAction[], hangUpIfHandsFree: boolean): void {
    this.dial = undefined;
    this.secondTone = false;
    actions.push({ type: 'stop-timer', name: 'dial' });
    if (hangUpIfHandsFree && this.route !== 'handset' && this.calls.length === 0) this.route = null;
  }

  private applyDial(dialActions: DialAction[], actions: PhoneAction[]): void {
    // Every key ends the second dial tone; the `,` it was for brings its own (`second-dial-tone`).
    this.secondTone = false;
    for (const a of dialActions) {
      switch (a.type) {
        case 'start-timer':
          actions.push({ type: 'start-timer', name: 'dial', ms: a.ms });
          break;
        case 'stop-timer':
          actions.push({ type: 'stop-timer', name: 'dial' });
          break;
        case 'second-dial-tone':
          this.secondTone = true;
          break;
        case 'dial':
          // While transferring, the number dialled is the consultation call (attended transfer).
          this.dial = undefined;
          this.place(a.number, a.emergency, actions);
          break;
        case 'invalid':
          this.dial = undefined;
          this.showNotice({ text: 'Invalid number', tone: 'congestion' }, actions);
          break;
      }
    }
  }

  private place(number: string, emergency: boolean, actions: PhoneAction[]): void {
    const callId = `call-${this.nextCallId++}`;
    this.calls.push({ id: callId, direction: 'outgoing', phase: 'calling', number, heldByRemote: false });
    actions.push({ type: 'place-call', callId, number, emergency });
  }

  private answer(call: PhoneCall, actions: PhoneAction[]): void {
    this.dial = undefined;
    this.clearNotice(actions);
    actions.push({ type: 'answer', callId: call.id });
    call.phase = 'connected';
    call.connectedAt = this.options.now();
  }

  private answerHandsFree(actions: PhoneAction[]): void {
    const ringing = this.ringingCall();
    if (!ringing) return;
    if (this.route === null) this.route = 'speaker';
    this.answer(ringing, actions);
  }

  private reject(call: PhoneCall, status: 486 | 480 | 603, actions: PhoneAction[]): void {
    this.remove(call);
    actions.push({ type: 'reject', callId: call.id, status });
    actions.push({ type: 'call-ended', call, reason: 'Rejected', cause: 'rejected' });
  }

  private hold(call: PhoneCall, actions: PhoneAction[]): void {
    call.phase = 'on-hold';
    this.muted = false;
    actions.push({ type: 'hold', callId: call.id });
  }

  private resume(call: PhoneCall, actions: PhoneAction[]): void {
    if (this.transferring === call.id) this.transferring = undefined; // taking the call back abandons the transfer
    call.phase = 'connected';
    actions.push({ type: 'resume', callId: call.id });
  }

  /** Hang up: ends the call being talked to (or the dialling), keeps a held or waiting call. */
  private goOnHook(actions: PhoneAction[]): void {
    if (this.conference) {
      // Hanging up a conference ends it: both calls (desk phones without transfer-on-hangup do so).
      for (const id of this.conference) {
        const call = this.calls.find((c) => c.id === id);
        if (!call) continue;
        this.remove(call);
        actions.push({ type: 'hangup', callId: call.id });
        actions.push({ type: 'call-ended', call, reason: 'Call ended', cause: 'local' });
      }
      this.conference = undefined;
    }
    const focus = this.focus();
    if (focus) {
      this.remove(focus);
      actions.push({ type: 'hangup', callId: focus.id });
      actions.push({ type: 'call-ended', call: focus, reason: 'Call ended', cause: focus.phase === 'connected' ? 'local' : 'cancelled' });
    }
    if (this.dial) this.stopDialling(actions, false);
    this.clearNotice(actions);
    this.route = null;
    this.muted = false;
  }

  private showNotice(notice: Notice, actions: PhoneAction[]): void {
    this.notice = notice;
    // Off-hook the tone plays until the handset goes down; hands-free the notice times out.
    if (this.route !== 'handset') actions.push({ type: 'start-timer', name: 'notice', ms: this.options.noticeMs ?? 3000 });
  }

  private endNotice(actions: PhoneAction[]): void {
    if (!this.notice) return;
    this.clearNotice(actions);
    if (this.route !== 'handset' && this.calls.length === 0 && !this.dial) this.route = null;
  }

  private clearNotice(actions: PhoneAction[]): void {
    if (!this.notice) return;
    this.notice = undefined;
    actions.push({ type: 'stop-timer', name: 'notice' });
  }

  private remove(call: PhoneCall): void {
    this.calls = this.calls.filter((c) => c !== call);
    this.earlyMedia.delete(call.id);
    if (this.infoFor === call.id) this.infoFor = undefined;
    if (this.calls.every((c) => c.phase !== 'connected')) this.muted = false;
  }

  /** The call the user is talking to (or trying to reach). */
  private focus(): PhoneCall | undefined {
    return this.calls.find((c) => c.phase === 'calling' || c.phase === 'ringback' || c.phase === 'connected');
  }

  private ringingCall(): PhoneCall | undefined {
    return this.calls.find((c) => c.phase === 'incoming');
  }

  private derivedChanges(): PhoneAction[] {
    const focus = this.focus();
    const ringing = this.ringingCall();
    let tone: ToneName | null = null;
    if (this.route !== null) {
      if (this.notice) tone = this.notice.tone;
      else if (this.dial) tone = this.secondTone ? 'second-dial' : this.dial.digits === '' ? 'dial' : null;
      else if (focus?.phase === 'ringback' && !this.earlyMedia.has(focus.id)) tone = 'ringback';
      else if (focus?.phase === 'connected' && ringing) tone = 'call-waiting';
    }
    const ring = ringing !== undefined && !focus && this.route === null && !this.dial;
    const mute = this.muted;
    const out: PhoneAction[] = [];
    if (this.route !== this.emitted.route) out.push({ type: 'route', route: this.route });
    if (tone !== this.emitted.tone) out.push({ type: 'tone', tone });
    if (ring !== this.emitted.ring) out.push({ type: 'ring', on: ring });
    if (mute !== this.emitted.mute) out.push({ type: 'mute', on: mute });
    this.emitted = { tone, ring, route: this.route, mute };
    return out;
  }
}
