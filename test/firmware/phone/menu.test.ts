import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonStore } from '../../../firmware/config/index.js';
import { CallLog } from '../../../firmware/phone/call-log.js';
import { ContactBook } from '../../../firmware/phone/contacts/index.js';
import { MenuNavigator, mainMenu, type MenuSettings } from '../../../firmware/phone/menu/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deskphone-menu-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function setup() {
  const callLog = await CallLog.open(new JsonStore(join(dir, 'calls.json'), CallLog.emptyFile));
  const contacts = await ContactBook.open(new JsonStore(join(dir, 'contacts.json'), ContactBook.emptyFile));
  await contacts.add({ name: 'Reception', numbers: [{ label: 'work', value: '200' }], speedDial: 1 });
  await callLog.add({ id: 'a', direction: 'incoming', outcome: 'missed', remoteUri: 'sip:301@pbx', remoteName: 'Bob', number: '301', startedAt: '2026-11-25T08:30:00.000Z', endedAt: '2026-11-25T08:30:20.000Z', durationS: 0 });
  let settings: MenuSettings = { ringerVolume: 60, doNotDisturb: false, callForward: '', toneRegion: 'us', toneRegions: ['us', 'uk', 'de'] };
  const menu = new MenuNavigator();
  const root = mainMenu({
    callLog,
    contacts,
    settings: () => settings,
    status: () => ({ accounts: [{ name: 'Front desk', state: 'registered' }], address: '192.0.2.5', sipPort: 5060, version: '0.1.0', mac: '02:00:00:00:00:01' }),
    formatTime: (iso) => iso.slice(11, 16),
  });
  return { menu, root, callLog, setSettings: (s: Partial<MenuSettings>) => (settings = { ...settings, ...s }) };
}

describe('menus on a 16×2 display', () => {
  it('lists the top menu with a cursor and a position, and wraps around', async () => {
    const { menu, root } = await setup();
    menu.open(root);
    expect(menu.render(2, 16)).toEqual(['Menu         1/5', '>History        ']);
    menu.key('up');
    expect(menu.render(2, 16)).toEqual(['Menu         5/5', '>Phone info     ']);
  });

  it('opening the missed calls clears the indicator, and OK calls back', async () => {
    const { menu, root } = await setup();
    menu.open(root);
    menu.key('ok'); // History
    expect(menu.render(4, 20)).toEqual(['History          1/4', '>Missed            1', ' Received          0', ' Dialed            0']);
    expect(menu.key('ok')).toEqual([{ type: 'viewed-missed' }]);
    expect(menu.render(2, 16)).toEqual(['Missed       1/1', '>!Bob      08:30']);
    expect(menu.key('ok')).toEqual([{ type: 'dial', number: '301' }]);
    expect(menu.isOpen).toBe(false);
  });

  it('dials a contact’s number', async () => {
    const { menu, root } = await setup();
    menu.open(root);
    menu.key('down');
    menu.key('ok');
    expect(menu.render(2, 16)).toEqual(['Contacts     1/1', '>Reception    #1']);
    menu.key('ok');
    expect(menu.key('ok')).toEqual([{ type: 'dial', number: '200' }]);
  });

  it('changes a setting with left/right in place', async () => {
    const { menu, root, setSettings } = await setup();
    menu.open(root);
    menu.key('down');
    menu.key('down');
    menu.key('ok'); // Settings
    expect(menu.key('right')).toEqual([{ type: 'set', setting: 'audio.volumes.ringer', value: 70 }]);
    menu.key('down');
    expect(menu.key('ok')).toEqual([{ type: 'set', setting: 'phone.doNotDisturb', value: true }]);
    setSettings({ doNotDisturb: true });
    expect(menu.render(2, 16)[1]).toBe('>Do not distu On');
    menu.key('down');
    menu.key('down');
    expect(menu.key('left')).toEqual([{ type: 'set', setting: 'toneRegion', value: 'de' }]);
  });

  it('cancel goes back a page, and closes the menu from the top', async () => {
    const { menu, root } = await setup();
    menu.open(root);
    menu.key('ok');
    expect(menu.key('cancel')).toEqual([]);
    expect(menu.render(2, 16)[0]).toBe('Menu         1/5');
    expect(menu.key('cancel')).toEqual([{ type: 'close' }]);
    expect(menu.isOpen).toBe(false);
  });

  it('shows the phone’s status and information', async () => {
    const { menu, root } = await setup();
    menu.open(root);
    menu.key('up');
    menu.key('ok');
    expect(menu.render(4, 20)).toEqual(['Phone info       1/3', '>Version       0.1.0', ' IP        192.0.2.5', ' MAC    020000000001']);
  });
});
