import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../support/fake-clock.js';
import { SimPanel } from '../../../hal/sim/index.js';
import { glyphsToText } from '../../../hal/index.js';
import { JsonStore } from '../../../firmware/config/index.js';
import { CallLog } from '../../../firmware/phone/call-log.js';
import { ContactBook } from '../../../firmware/phone/contacts/index.js';
import { PhoneApp } from '../../../firmware/phone/phone-app.js';
import type { CallMediaInfo } from '../../../firmware/phone/phone-call.js';
import type { CallEvent } from '../../../firmware/phone/phone-events.js';
import type { CallControl, PhoneAudio } from '../../../firmware/phone/phone-ports.js';
import { TEST_IDLE, panelDevices, testMachine } from './phone-app-fixture.js';

// Issue 7 §3 on the simulated board with the fake clock: who is calling (the asserted name the call layer
// chose, a contact's name winning over it) and "codec on demand" — OK while talking shows the codec and the
// call's loss, jitter and MOS for five seconds, then the call screen comes back.

class FakeCalls implements CallControl {
  readonly asked: string[] = [];
  info: CallMediaInfo | undefined = { codec: 'PCMA', quality: { lossPercent: 1.25, jitterMs: 3.4, mos: 4.23 } };
  private listener: ((e: CallEvent) => void) | undefined;
  place() {}
  answer() {}
  reject() {}
  hangup() {}
  hold() {}
  resume() {}
  sendDtmf() {}
  setMuted() {}
  conference() {}
  split() {}
  transfer() {}
  transferAttended() {}
  callInfo(callId: string) {
    this.asked.push(callId);
    return Promise.resolve(this.info);
  }
  onEvent(l: (e: CallEvent) => void) {
    this.listener = l;
    return () => (this.listener = undefined);
  }
  emit(e: CallEvent) {
    this.listener?.(e);
  }
}

const audio: PhoneAudio = { playTone() {}, setRoute() {}, setVolume() {} };
const flush = () => new Promise<void>((r) => setImmediate(r));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deskphone-info-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function setup(rows: number, columns: number) {
  const clock = new FakeClock(0, Date.UTC(2026, 10, 25, 8, 0, 0));
  const panel = new SimPanel({ clock, rows, columns });
  const calls = new FakeCalls();
  const callLog = await CallLog.open(new JsonStore(join(dir, 'calls.json'), CallLog.emptyFile));
  const contacts = await ContactBook.open(new JsonStore(join(dir, 'contacts.json'), ContactBook.emptyFile));
  await contacts.add({ name: 'Reception', numbers: [{ label: 'work', value: '200' }] });
  const app = new PhoneApp({
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
  /** A call from `number` (named `name` by the call layer) answered with the handset. */
  const talkTo = (number: string, name?: string) => {
    calls.emit({ type: 'incoming', callId: 'in-1', remoteUri: `sip:${number}@pbx.lab.test`, ...(name ? { remoteName: name } : {}), number });
    panel.hook.lift();
  };
  return { clock, panel, calls, app, glass, talkTo };
}

describe('who is calling, on the glass', () => {
  it('shows the name the call layer asserted for the caller', async () => {
    const { glass, talkTo } = await setup(2, 16);
    talkTo('2001', 'Alice Smith');
    expect(glass()[0]).toBe('Alice Smith    ☎');
  });

  it("shows a contact's name over the asserted one", async () => {
    const { glass, talkTo } = await setup(2, 16);
    talkTo('200', 'Alice Smith');
    expect(glass()[0]).toBe('Reception      ☎');
  });
});

describe('codec on demand (OK while talking)', () => {
  it('shows codec, MOS, loss and jitter for five seconds on a 16×2 glass, then the call again', async () => {
    const { clock, panel, calls, glass, talkTo } = await setup(2, 16);
    talkTo('2001', 'Alice Smith');
    clock.advance(12_000);
    expect(glass()).toEqual(['Alice Smith    ☎', '00:12           ']);
    panel.keypad.press('ok');
    await flush();
    expect(calls.asked).toEqual(['in-1']);
    expect(glass()).toEqual(['PCMA MOS 4.2   ☎', 'Loss 1.3% J 3ms ']);
    clock.advance(4_000);
    expect(glass()[0]).toBe('PCMA MOS 4.2   ☎');
    clock.advance(1_000);
    expect(glass()).toEqual(['Alice Smith    ☎', '00:17           ']);
  });

  it('keeps name and duration on a 20×4 glass and puts the figures below them', async () => {
    const { panel, glass, talkTo } = await setup(4, 20);
    talkTo('2001', 'Alice Smith');
    panel.keypad.press('ok');
    await flush();
    expect(glass()).toEqual(['Alice Smith        ☎', '00:00           PCMA', 'Loss 1.3% Jit 3ms   ', 'MOS 4.2             ']);
  });

  it('says so when no audio has arrived yet, and OK outside a call does not ask', async () => {
    const { panel, calls, glass, talkTo } = await setup(2, 16);
    calls.info = { codec: 'PCMU' };
    talkTo('2001', 'Alice Smith');
    panel.keypad.press('ok');
    await flush();
    expect(glass()).toEqual(['PCMU           ☎', 'No audio yet    ']);
    panel.hook.hang();
    panel.keypad.press('ok');
    await flush();
    expect(calls.asked).toEqual(['in-1']);
  });

  it('drops the figures when the call ends while they show', async () => {
    const { panel, calls, glass, talkTo } = await setup(2, 16);
    talkTo('2001', 'Alice Smith');
    panel.keypad.press('ok');
    await flush();
    calls.emit({ type: 'ended', callId: 'in-1', reason: 'Call ended', cause: 'remote' });
    expect(glass()[0]).not.toContain('MOS');
  });
});
