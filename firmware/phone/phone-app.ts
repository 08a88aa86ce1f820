import type { Clock, TimerHandle, WallClock } from '../clock/index.js';
import type { Display, HookSwitch, Keypad, Led, LedName, Ringer } from '../../hal/index.js';
import { PhoneMachine, type PhoneMachineOptions } from './phone-machine.js';
import type { PhoneAction, PhoneInput } from './phone-events.js';
import type { CallControl, PhoneAudio } from './phone-ports.js';
import type { CallLog, CallRecord } from './call-log.js';
import type { ContactBook } from './contacts/index.js';
import type { CallMediaInfo, PhoneCall } from './phone-call.js';
import { renderCallScreen } from './call-screen.js';
import { renderIdleScreen, type IdleState } from './idle-screen.js';
import { MenuNavigator, type MenuAction, type MenuPage } from './menu/index.js';
import type { KeyName } from '../../hal/index.js';
import type { Logger } from '../log/index.js';

export interface PhoneAppDevices {
  keypad: Keypad;
  hookSwitch: HookSwitch;
  display: Display;
  ringer: Ringer;
  leds: Partial<Record<LedName, Led>>;
}

export interface PhoneAppOptions {
  devices: PhoneAppDevices;
  calls: CallControl;
  audio: PhoneAudio;
  clock: Clock;
  wall: WallClock;
  callLog: CallLog;
  contacts: ContactBook;
  machine: Omit<PhoneMachineOptions, 'now' | 'lastDialled'>;
  idle: Omit<IdleState, 'now' | 'missedCalls'>;
  /** The menus behind OK on the idle screen, and where a setting changed there is stored. */
  menu?: { root: () => MenuPage; applySetting(setting: string, value: unknown): Promise<void> };
  /** Where a failed save of the call log is reported (a full or failing disk must not end the phone). */
  log?: Pick<Logger, 'error'>;
}

const MENU_KEYS: ReadonlySet<KeyName> = new Set(['up', 'down', 'left', 'right', 'ok', 'cancel']);

const SCROLL_MS = 500;

/**
 * The phone application: the PhoneMachine connected to the board's devices,
 * the call layer, the call log and the screen. It is the edge around the pure
 * machine — it owns the timers the machine asks for, redraws the display
 * after every input, lights the lamps and records every call.
 */
export class PhoneApp {
  readonly machine: PhoneMachine;
  private readonly timers = new Map<string, TimerHandle>();
  private readonly unsubscribe: Array<() => void> = [];
  private readonly started = new Map<string, number>();
  private idle: Omit<IdleState, 'now' | 'missedCalls'>;
  private scrollStep = 0;
  private readonly menu = new MenuNavigator();
  private redrawTimer: TimerHandle | undefined;
  /** The last codec and quality figures fetched for a call (shown while the machine says so). */
  private info: { callId: string; value: CallMediaInfo } | undefined;

  constructor(private readonly options: PhoneAppOptions) {
    this.idle = options.idle;
    this.machine = new PhoneMachine({
      ...options.machine,
      now: () => options.clock.now(),
      lastDialled: () => options.callLog.lastDialled?.number,
    });
  }

  start(): void {
    const { devices, calls } = this.options;
    this.unsubscribe.push(
      devices.keypad.onKey((e) => {
        if (e.type !== 'down' && e.type !== 'long-press' && e.type !== 'repeat') return;
        if (e.type !== 'long-press' && this.menuKey(e.key)) return;
        if (e.type !== 'repeat') this.input({ type: 'key', key: e.key, event: e.type === 'down' ? 'down' : 'long-press' });
      }),
      devices.hookSwitch.onHook((e) => this.input({ type: 'hook', event: e.type })),
      calls.onEvent((e) => this.input(e)),
      this.options.callLog.onChange(() => this.redraw()),
    );
    // A handset already lifted when the phone starts is an off-hook like any other.
    if (devices.hookSwitch.state === 'off-hook') this.input({ type: 'hook', event: 'off-hook' });
    else this.redraw();
  }

  stop(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    for (const t of this.timers.values()) this.options.clock.clearTimeout(t);
    this.timers.clear();
    this.options.clock.clearTimeout(this.redrawTimer);
  }

  /** Registration, voicemail and the like changed: the idle screen shows it. */
  updateIdle(change: Partial<Omit<IdleState, 'now' | 'missedCalls'>>): void {
    this.idle = { ...this.idle, ...change };
    this.redraw();
  }

  /** The REST API acting on one call; throws UnknownCallError for an id the phone does not have. */
  callAction(callId: string, action: 'answer' | 'hold' | 'resume' | 'hangup' | 'transfer', target?: string): void {
    if (action === 'transfer') this.input({ type: 'call-action', callId, action, target: target ?? '' });
    else this.input({ type: 'call-action', callId, action });
  }

  /** The calls as the remote-control API lists them. */
  callList(): Array<{ id: string; state: string; peer: string; direction: string; durationS?: number; heldByRemote: boolean }> {
    return this.machine.view.calls.map((c) => ({
      id: c.id,
      state: c.phase,
      peer: this.nameOf(c),
      direction: c.direction,
      heldByRemote: c.heldByRemote,
      ...(c.connectedAt !== undefined ? { durationS: Math.round((this.options.clock.now() - c.connectedAt) / 1000) } : {}),
    }));
  }

  /** Calls a number or URI now (the web page, a contact). */
  dial(number: string): void {
    this.input({ type: 'dial', number });
  }

  input(event: PhoneInput): void {
    for (const action of this.machine.handle(event)) this.execute(action);
    // Anything that takes the phone out of idle (a call, the handset) closes the menu.
    if (!this.machine.idle) this.menu.close();
    this.redraw();
  }

  /** Navigation keys on the idle screen belong to the menus: OK opens them (desk phones' Menu key). */
  private menuKey(key: KeyName): boolean {
    const menu = this.options.menu;
    if (!menu || !this.machine.idle) return false;
    if (!this.menu.isOpen) {
      if (key !== 'ok') return false;
      this.menuActions(this.menu.open(menu.root()));
    } else if (MENU_KEYS.has(key)) {
      this.menuActions(this.menu.key(key));
    } else {
      this.menu.close(); // another key (a digit, the speaker key) leaves the menu and does what it does
      return false;
    }
    this.redraw();
    return true;
  }

  private menuActions(actions: MenuAction[]): void {
    for (const a of actions) {
      if (a.type === 'dial') this.dial(a.number);
      else if (a.type === 'viewed-missed') this.options.callLog.markMissedSeen().catch(this.saveFailed);
      else if (a.type === 'set') void this.options.menu?.applySetting(a.setting, a.value).then(() => this.redraw(), () => this.redraw());
    }
  }

  private execute(action: PhoneAction): void {
    const { calls, audio, devices, clock } = this.options;
    switch (action.type) {
      case 'place-call':
        this.started.set(action.callId, clock.now());
        calls.place(action.callId, action.number, { emergency: action.emergency });
        return;
      case 'answer':
        return calls.answer(action.callId);
      case 'reject':
        return calls.reject(action.callId, action.status);
      case 'hangup':
        return calls.hangup(action.callId);
      case 'hold':
        return calls.hold(action.callId);
      case 'resume':
        return calls.resume(action.callId);
      case 'dtmf':
        return calls.sendDtmf(action.callId, action.digit);
      case 'conference':
        return calls.conference(action.callIds[0], action.callIds[1]);
      case 'transfer':
        return calls.transfer(action.callId, action.target);
      case 'transfer-attended':
        return calls.transferAttended(action.callId, action.consultId);
      case 'split':
        return calls.split(action.keep);
      case 'mute':
        devices.leds.mute?.set(action.on ? 'on' : 'off');
        return calls.setMuted(action.on);
      case 'route':
        devices.leds.speaker?.set(action.route === 'speaker' ? 'on' : 'off');
        devices.leds.headset?.set(action.route === 'headset' ? 'on' : 'off');
        return audio.setRoute(action.route);
      case 'tone':
        return audio.playTone(action.tone);
      case 'ring':
        devices.leds.line?.set(action.on ? 'fast-blink' : this.machine.view.calls.length > 0 ? 'on' : 'off');
        if (action.on) devices.ringer.ring();
        else devices.ringer.stop();
        return;
      case 'volume':
        if (action.target === 'ringer') devices.ringer.setVolume(action.level);
        return audio.setVolume(action.target, action.level);
      case 'start-timer': {
        clock.clearTimeout(this.timers.get(action.name));
        const name = action.name;
        this.timers.set(
          name,
          clock.setTimeout(() => {
            this.timers.delete(name);
            this.input({ type: 'timer', name });
          }, action.ms),
        );
        return;
      }
      case 'stop-timer':
        clock.clearTimeout(this.timers.get(action.name));
        this.timers.delete(action.name);
        return;
      case 'call-ended':
        this.record(action.call, action.reason, action.cause).catch(this.saveFailed);
        return;
      case 'call-info': {
        const callId = action.callId;
        this.info = undefined;
        calls.callInfo?.(callId).then(
          (value) => {
            if (!value) return;
            this.info = { callId, value };
            this.redraw();
          },
          () => undefined,
        );
        return;
      }
    }
  }

  private async record(call: PhoneCall, reason: string, cause: string): Promise<void> {
    const { clock, wall } = this.options;
    const endedMs = clock.now();
    const startedMs = this.started.get(call.id) ?? call.connectedAt ?? endedMs;
    this.started.delete(call.id);
    const toIso = (ms: number) => new Date(wall.nowDate().getTime() - (endedMs - ms)).toISOString();
    const answered = call.connectedAt !== undefined;
    const outcome: CallRecord['outcome'] =
      call.direction === 'incoming' && !answered ? (cause === 'rejected' ? 'rejected' : 'missed') : answered ? 'answered' : 'failed';
    const contact = this.options.contacts.findByNumber(call.remoteUri ?? call.number);
    await this.options.callLog.add({
      id: `${wall.nowDate().getTime()}-${call.id}`,
      direction: call.direction,
      outcome,
      remoteUri: call.remoteUri ?? call.number,
      ...(contact ? { remoteName: contact.name } : call.remoteName ? { remoteName: call.remoteName } : {}),
      number: call.number,
      startedAt: toIso(startedMs),
      ...(answered ? { answeredAt: toIso(call.connectedAt!) } : {}),
      endedAt: toIso(endedMs),
      durationS: answered ? Math.round((endedMs - call.connectedAt!) / 1000) : 0,
      ...(outcome === 'failed' || outcome === 'rejected' ? { reason } : {}),
    });
  }

  /** The call stays in the list in memory; the next successful save writes it. */
  private saveFailed = (err: unknown): void => {
    this.options.log?.error({ err }, 'the call log could not be saved');
  };

  private nameOf = (call: PhoneCall): string => this.options.contacts.findByNumber(call.remoteUri ?? call.number)?.name ?? call.remoteName ?? call.number;

  private redraw(): void {
    const { display, leds } = this.options.devices;
    const { clock, wall, callLog } = this.options;
    const view = this.machine.view;
    const busy = view.route !== null || view.calls.length > 0 || view.dialling !== undefined || view.notice !== undefined;
    let lines: string[];
    let again: number;
    if (!busy && this.menu.isOpen) {
      lines = this.menu.render(display.rows, display.columns);
      again = 1000;
    } else if (!busy) {
      lines = renderIdleScreen({ ...this.idle, now: wall.nowDate(), missedCalls: callLog.unseenMissed }, display.rows, display.columns);
      const now = wall.nowDate().getTime();
      again = 60_000 - (now % 60_000) + 5;
      leds.line?.set('off');
    } else {
      const info = view.infoFor !== undefined && this.info?.callId === view.infoFor ? this.info.value : undefined;
      const screen = renderCallScreen({ ...view, nameOf: this.nameOf, now: clock.now(), ...(info ? { info } : {}) }, display.rows, display.columns, this.scrollStep);
      lines = screen.lines;
      // Redraw each second for the duration, twice a second when text scrolls.
      again = screen.needsScroll ? SCROLL_MS : 1000 - (clock.now() % 1000);
      if (screen.needsScroll) this.scrollStep++;
    }
    leds.message?.set(this.idle.voicemail > 0 ? 'slow-blink' : 'off');
    lines.forEach((line, row) => void display.writeLine(row, line));
    clock.clearTimeout(this.redrawTimer);
    this.redrawTimer = clock.setTimeout(() => this.redraw(), again);
  }
}
