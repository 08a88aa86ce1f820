import type { CallLog, CallLogView, CallRecord } from '../call-log.js';
import type { ContactBook } from '../contacts/index.js';
import type { MenuAction, MenuEntry, MenuPage } from './menu-model.js';

export interface MenuSettings {
  ringerVolume: number;
  doNotDisturb: boolean;
  /** Forward every call to this number; empty: off. */
  callForward: string;
  toneRegion: string;
  toneRegions: readonly string[];
}

export interface MenuStatus {
  accounts: Array<{ name: string; state: string }>;
  address: string;
  sipPort: number | undefined;
  version: string;
  mac: string;
}

export interface PhoneMenuDeps {
  callLog: CallLog;
  contacts: ContactBook;
  settings: () => MenuSettings;
  status: () => MenuStatus;
  /** Local time of a call for the history list (the phone's time zone). */
  formatTime: (iso: string) => string;
}

/** The menu tree behind the phone's Menu (OK on the idle screen). */
export function mainMenu(deps: PhoneMenuDeps): MenuPage {
  return {
    title: 'Menu',
    entries: () => [
      { label: 'History', open: () => historyMenu(deps) },
      { label: 'Contacts', detail: String(deps.contacts.list().length), open: () => contactsPage(deps) },
      { label: 'Settings', open: () => settingsPage(deps) },
      { label: 'Status', open: () => statusPage(deps) },
      { label: 'Phone info', open: () => infoPage(deps) },
    ],
  };
}

function historyMenu(deps: PhoneMenuDeps): MenuPage {
  const list = (label: string, view: CallLogView): MenuEntry => ({
    label,
    detail: String(deps.callLog.list(view).length),
    open: () => historyPage(deps, label, view),
  });
  return {
    title: 'History',
    entries: () => [list('Missed', 'missed'), list('Received', 'received'), list('Dialed', 'dialed'), list('All calls', 'all')],
  };
}

function historyPage(deps: PhoneMenuDeps, title: string, view: CallLogView): MenuPage {
  return {
    title,
    empty: 'No calls',
    // Looking at the missed calls is what puts the missed-call indicator out.
    onShow: (): MenuAction[] => (view === 'missed' || view === 'all' ? [{ type: 'viewed-missed' }] : []),
    entries: () =>
      deps.callLog.list(view).map((c: CallRecord) => ({
        label: `${c.direction === 'outgoing' ? '→' : c.outcome === 'missed' ? '!' : '←'}${c.remoteName ?? c.number}`,
        detail: deps.formatTime(c.startedAt),
        activate: (): MenuAction[] => [{ type: 'dial', number: c.number }],
      })),
  };
}

function contactsPage(deps: PhoneMenuDeps): MenuPage {
  return {
    title: 'Contacts',
    empty: 'No contacts',
    entries: () =>
      deps.contacts.list().map((c) => ({
        label: c.name,
        ...(c.speedDial !== undefined ? { detail: `#${c.speedDial}` } : {}),
        open: () => ({
          title: c.name,
          entries: () =>
            c.numbers.map((n) => ({ label: n.value, detail: n.label, activate: (): MenuAction[] => [{ type: 'dial', number: n.value }] })),
        }),
      })),
  };
}

function settingsPage(deps: PhoneMenuDeps): MenuPage {
  return {
    title: 'Settings',
    entries: () => {
      const s = deps.settings();
      const regionIndex = Math.max(0, s.toneRegions.indexOf(s.toneRegion));
      return [
        {
          label: 'Ring volume',
          detail: `${s.ringerVolume}%`,
          adjust: (d) => [{ type: 'set', setting: 'audio.volumes.ringer', value: Math.max(0, Math.min(100, s.ringerVolume + d * 10)) }],
        },
        {
          label: 'Do not disturb',
          detail: s.doNotDisturb ? 'On' : 'Off',
          adjust: () => [{ type: 'set', setting: 'phone.doNotDisturb', value: !s.doNotDisturb }],
        },
        {
          label: 'Call forward',
          detail: s.callForward === '' ? 'Off' : s.callForward,
          adjust: () => (s.callForward === '' ? [] : [{ type: 'set', setting: 'phone.callForward', value: '' }]),
        },
        {
          label: 'Tone region',
          detail: s.toneRegion.toUpperCase(),
          adjust: (d) => [{ type: 'set', setting: 'toneRegion', value: s.toneRegions[(regionIndex + d + s.toneRegions.length) % s.toneRegions.length] }],
        },
      ];
    },
  };
}

function statusPage(deps: PhoneMenuDeps): MenuPage {
  return {
    title: 'Status',
    entries: () => {
      const s = deps.status();
      return [
        ...s.accounts.map((a) => ({ label: a.name, detail: a.state })),
        { label: 'IP', detail: s.address },
        { label: 'SIP port', detail: s.sipPort === undefined ? '-' : String(s.sipPort) },
      ];
    },
  };
}

function infoPage(deps: PhoneMenuDeps): MenuPage {
  return {
    title: 'Phone info',
    entries: () => {
      const s = deps.status();
      return [
        { label: 'Version', detail: s.version },
        { label: 'IP', detail: s.address },
        // Written without separators, as desk phones label them: it fits a 16-column line.
        { label: 'MAC', detail: s.mac.replace(/[:-]/g, '').toUpperCase() },
      ];
    },
  };
}
