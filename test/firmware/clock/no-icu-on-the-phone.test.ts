/**
 * Issue 4's memory target: the first Intl.DateTimeFormat with a time zone maps
 * ~6.5 MB of ICU data into the process, and the first localeCompare ~2 MB of
 * collation data. None of the phone's everyday paths may touch either: config
 * check, the idle clock, the call log on the LCD and the web, the settings
 * page, the network-interface snapshot. (Where /usr/share/zoneinfo is missing
 * the phone falls back to Intl on purpose: this runs only where it is there.)
 */
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { displayZone, formatShortDateTime } from '../../../firmware/clock/index.js';
import { validateConfig } from '../../../firmware/config/index.js';
import { snapshotInterfaces } from '../../../firmware/net/interfaces.js';
import { renderIdleScreen } from '../../../firmware/phone/idle-screen.js';
import { callTimeFormat } from '../../../firmware/web/pages/call-log-page.js';
import { settingsPage } from '../../../firmware/web/pages/settings-page.js';

describe.skipIf(!existsSync('/usr/share/zoneinfo/UTC'))('no ICU time-zone or collation data on the phone\'s paths', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('checks the config, draws the clock and the call logs, and lists zones without Intl or localeCompare', () => {
    const dateTimeFormat = vi.spyOn(Intl, 'DateTimeFormat');
    const supportedValuesOf = vi.spyOn(Intl, 'supportedValuesOf');
    const localeCompare = vi.spyOn(String.prototype, 'localeCompare');
    // A zone no other test in this file has loaded, so its file is read and parsed here.
    const config = validateConfig({ timeZone: 'America/Argentina/Ushuaia' });
    const now = new Date(Date.UTC(2026, 10, 25, 13, 5));
    const idle = renderIdleScreen({ accountName: 'Desk', registration: 'registered', now, timeZone: config.timeZone, missedCalls: 0, voicemail: 0 }, 2, 16);
    const lcd = formatShortDateTime(now, displayZone(config.timeZone));
    const web = callTimeFormat(config.timeZone).format(now);
    const settings = settingsPage({ config, csrfToken: 't', configFile: undefined });
    const interfaces = snapshotInterfaces({
      lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }],
      eth0: [{ address: '192.0.2.10', netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal: false, cidr: '192.0.2.10/24' }],
    });

    expect(idle[1]).toBe('Wed 25 Nov 10:05');
    expect(lcd).toBe('25/11, 10:05');
    expect(web).toBe('Wed, 25 Nov 2026, 10:05');
    expect(settings).toContain('<option value="Europe/Berlin">');
    expect(interfaces.map((i) => i.name)).toEqual(['eth0', 'lo']);
    expect(dateTimeFormat).not.toHaveBeenCalled();
    expect(supportedValuesOf).not.toHaveBeenCalled();
    expect(localeCompare).not.toHaveBeenCalled();
  });
});
