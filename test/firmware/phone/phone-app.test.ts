import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../support/fake-clock.js';
import { SimPanel } from '../../../hal/sim/index.js';
import { glyphsToText } from '../../../hal/index.js';
import { JsonStore } from '../../../firmware/config/index.js';
import { CallLog } from '../../../firmware/phone/call-log.js';
import { ContactBook } from '../../../firmware/phone/contacts/index.js';
import { PhoneApp } from '../../../firmware/phone/phone-app.js';
import type { CallEvent, ToneName } from '../../../firmware/phone/phone-events.js';
import type { CallControl, PhoneAudio } from '../../../firmware/phone/phone-ports.js';
import { TEST_IDLE, panelDevices, testMachine } from './phone-app-fixture.js';

/** The call layer as a script: records what the phone asked, lets the test answer for the network. */
class FakeCalls implements CallControl {
  readonly log: string[] = [];
  private listener: ((e: CallEvent) => void) | undefined;
  place(callId: string, number: string) {
    this.log.push(`place ${callId} ${number}`);
  }
  answer(callId: string) {
    this.log.push(`answer ${callId}`);
  }
  reject(callId: string, status: number) {
    this.log.push(`reject ${callId} ${status}`);
  }
  hangup(callId: string) {
    this.log.push(`hangup ${callId}`);
  }
  hold(callId: string) {
    this.log.push(`hold ${callId}`);
  }
  resume(callId: string) {
    this.log.push(`resume ${callId}`);
  }
  sendDtmf(callId: string, digit: string) {
    this.log.push(`dtmf ${callId} ${digit}`);
  }
  setMuted(m: boolean) {
    this.log.push(`mute ${m}`);
  }
  conference(a: string, b: string) {
    this.log.push(`conference ${a} ${b}`);
  }
  split(keep: string) {
    this.log.push(`split ${keep}`);
  }
  transfer(callId: string, target: string) {
    this.log.push(`transfer ${callId} ${target}`);
  }
  transferAttended(callId: string, consultId: string) {
    this.log.push(`transfer ${callId} to ${consultId}`);
  }
  onEvent(l: (e: CallEvent) => void) {
    this.listener = l;
    return () => (this.listener = undefined);
  }
  emit(e: CallEvent) {
    this.listener?.(e);
  }
}

class FakeAudio implements PhoneAudio {
  tone: ToneName | null = null;
  route: string | null = null;
  playTone(t: ToneName | null) {
    this.tone = t;
  }
  setRoute(r: string | null) {
    this.route = r;
  }
  setVolume() {}
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deskphone-app-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function setup(options: { callLogPath?: string; errors?: unknown[] } = {}) {
  const clock = new FakeClock(0, Date.UTC(2026, 10, 25, 8, 0, 0));
  const panel = new SimPanel({ clock, rows: 2, columns: 16 });
  const calls = new FakeCalls();
  const audio = new FakeAudio();
  const callLog = await CallLog.open(new JsonStore(options.callLogPath ?? join(dir, 'calls.json'), CallLog.emptyFile));
  const contacts = await ContactBook.open(new JsonStore(join(dir, 'contacts.json'), ContactBook.emptyFile));
  await contacts.add({ name: 'Reception', numbers: [{ label: 'work', value: '200' }] });
  const app = new PhoneApp({
    log: { error: (...args: unknown[]) => void options.errors?.push(args) },
    devices: panelDevices(panel),
    calls,
    audio,
    clock,
    wall: clock,
    callLog,
    contacts,
    machine: testMachine(),
    idle: TEST_IDLE,
  });
  app.start();
  const glass = () => panel.display.text().map(glyphsToText);
  return { clock, panel, calls, audio, callLog, app, glass };
}

describe('the phone, from keypad to call log', () => {
  it('shows the idle screen, dials from the keypad, shows the contact’s name and logs the call', async () => {
    const { clock, panel, calls, audio, callLog, app, glass } = await setup();
    expect(glass()).toEqual(['✓Front desk     ', 'Wed 25 Nov 08:00']);
    panel.hook.lift();
    expect(audio.tone).toBe('dial');
    expect(glass()[0]).toBe('Dial           ☎');
    panel.keypad.press('2', '0', '0');
    expect(calls.log).toEqual(['place call-1 200']);
    expect(glass()[0]).toBe('Reception      ☎');
    calls.emit({ type: 'ringing', callId: 'call-1', earlyMedia: false });
    expect(audio.tone).toBe('ringback');
    calls.emit({ type: 'answered', callId: 'call-1' });
    clock.advance(65_000);
    expect(glass()[1]).toBe('01:05           ');
    panel.hook.hang();
    expect(calls.log.at(-1)).toBe('hangup call-1');
    await new Promise((r) => setTimeout(r, 20)); // the log write is async (atomic store)
    expect(callLog.list('dialed')[0]).toMatchObject({ number: '200', remoteName: 'Reception', outcome: 'answered', durationS: 65 });
    expect(glass()[0]).toBe('✓Front desk     ');
    app.stop();
  });

  it('rings for an incoming call, counts it as missed when the caller gives up, and clears the count when viewed', async () => {
    const { panel, calls, callLog, app, glass } = await setup();
    calls.emit({ type: 'incoming', callId: 'in-1', remoteUri: 'sip:301@pbx', remoteName: 'Bob', number: '301' });
    expect(panel.ringer.ringing).toBe(true);
    expect(glass()).toEqual(['Incoming call   ', 'Bob             ']);
    calls.emit({ type: 'ended', callId: 'in-1', reason: 'Missed call', cause: 'cancelled' });
    expect(panel.ringer.ringing).toBe(false);
    await new Promise((r) => setTimeout(r, 20));
    expect(callLog.unseenMissed).toBe(1);
    expect(glass()[1]).toBe('1 missed   08:00');
    await callLog.markMissedSeen();
    expect(glass()[1]).toBe('Wed 25 Nov 08:00');
    app.stop();
  });

  it('keeps the call in the list and the phone running when the call log cannot be saved (a full or failing disk)', async () => {
    const errors: unknown[] = [];
    const { calls, callLog, app, glass } = await setup({ callLogPath: join(dir, 'data', 'calls.json'), errors });
    await writeFile(join(dir, 'data'), ''); // a file where the data directory should be: every save fails
    calls.emit({ type: 'incoming', callId: 'in-1', remoteUri: 'sip:301@pbx', number: '301' });
    calls.emit({ type: 'ended', callId: 'in-1', reason: 'Missed call', cause: 'cancelled' });
    await new Promise((r) => setTimeout(r, 50));
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('the call log could not be saved');
    expect(callLog.unseenMissed).toBe(1);
    expect(glass()[1]).toBe('1 missed   08:00');
    app.stop();
  });

  it('the dial timer is the app’s: an incomplete number gives up after the long timeout', async () => {
    const { clock, panel, audio, app, glass } = await setup();
    panel.hook.lift();
    panel.keypad.press('2');
    clock.advance(10_000);
    expect(glass()[0]).toBe('Invalid number  ');
    expect(audio.tone).toBe('congestion');
    app.stop();
  });
});

describe('menus on the phone', () => {
  it('OK on the idle screen opens the menu; a call from the history is placed; lifting the handset leaves the menu', async () => {
    const { panel, calls, app, glass } = await setup();
    const { mainMenu } = await import('../../../firmware/phone/menu/index.js');
    const settings: unknown[] = [];
    // Rebuild with a menu (setup() makes an app without one).
    app.stop();
    const { PhoneApp: App } = await import('../../../firmware/phone/phone-app.js');
    const callLog = await CallLog.open(new JsonStore(join(dir, 'calls2.json'), CallLog.emptyFile));
    await callLog.add({ id: 'x', direction: 'outgoing', outcome: 'answered', remoteUri: 'sip:300@pbx', number: '300', startedAt: '2026-11-25T07:00:00.000Z', endedAt: '2026-11-25T07:01:00.000Z', durationS: 60 });
    const contacts = await ContactBook.open(new JsonStore(join(dir, 'contacts2.json'), ContactBook.emptyFile));
    const clock = new FakeClock(0, Date.UTC(2026, 10, 25, 8, 0, 0));
    const withMenu = new App({
      devices: panelDevices(panel),
      calls,
      audio: new FakeAudio(),
      clock,
      wall: clock,
      callLog,
      contacts,
      machine: testMachine(),
      idle: TEST_IDLE,
      menu: {
        root: () => mainMenu({ callLog, contacts, settings: () => ({ ringerVolume: 60, doNotDisturb: false, callForward: '', toneRegion: 'us', toneRegions: ['us'] }), status: () => ({ accounts: [], address: '127.0.0.1', sipPort: 5060, version: '0', mac: '00' }), formatTime: (iso) => iso.slice(11, 16) }),
        applySetting: async (s, v) => void settings.push([s, v]),
      },
    });
    withMenu.start();
    panel.keypad.press('ok');
    expect(glass()[0]).toBe('Menu         1/5');
    panel.keypad.press('ok'); // History
    panel.keypad.press('down', 'down'); // Dialed
    panel.keypad.press('ok');
    expect(glass()[1]).toBe('>→300      07:00');
    panel.keypad.press('ok');
    expect(calls.log.at(-1)).toBe('place call-1 300');
    expect(glass()[0]).not.toMatch(/^Menu/);
    withMenu.stop();
  });
});
