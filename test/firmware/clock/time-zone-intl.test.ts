/**
 * Our TZif reader against ICU (Intl, which the tests may use freely): for ~60
 * zones chosen for their awkward rules (southern-hemisphere DST, half- and
 * quarter-hour offsets, negative DST in Dublin, DST all year, transitions at
 * -1:00 and 24:00, zones with no DST, Etc/ zones), the UTC offset at instants
 * every few weeks from 1970 to 2100, and at each change of offset to the second.
 * Beyond the last recorded transition of a file (2037 for most zones) the
 * offsets come from the footer's POSIX TZ rule, so the later years test that.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ZoneInfo } from '../../../firmware/clock/index.js';

const ZONES = [
  'UTC', 'Etc/GMT+5', 'Etc/GMT-14', 'EST5EDT',
  'Europe/Berlin', 'Europe/London', 'Europe/Dublin', 'Europe/Lisbon', 'Europe/Moscow', 'Europe/Istanbul', 'Europe/Kyiv', 'Europe/Chisinau', 'Europe/Oslo',
  'America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles', 'America/Anchorage', 'America/Adak',
  'America/St_Johns', 'America/Halifax', 'America/Havana', 'America/Santiago', 'America/Sao_Paulo', 'America/Nuuk', 'America/Scoresbysund',
  'America/Mexico_City', 'America/Caracas', 'America/Bogota', 'America/Argentina/Buenos_Aires', 'America/Miquelon',
  'Pacific/Auckland', 'Pacific/Chatham', 'Pacific/Apia', 'Pacific/Kiritimati', 'Pacific/Honolulu', 'Pacific/Norfolk', 'Pacific/Fiji', 'Pacific/Easter',
  'Australia/Sydney', 'Australia/Lord_Howe', 'Australia/Adelaide', 'Australia/Perth', 'Australia/Eucla', 'Australia/Brisbane',
  'Asia/Kolkata', 'Asia/Kathmandu', 'Asia/Tehran', 'Asia/Jerusalem', 'Asia/Beirut', 'Asia/Amman', 'Asia/Damascus', 'Asia/Tokyo', 'Asia/Shanghai', 'Asia/Dhaka',
  'Africa/Cairo', 'Africa/Johannesburg', 'Africa/Lagos', 'Antarctica/Troll', 'Atlantic/Azores',
];

const FROM = Date.UTC(1970, 0, 1);
const TO = Date.UTC(2100, 11, 31);
/** Not a whole number of days or weeks, so the samples walk through every weekday and hour. */
const STEP_MS = (17 * 24 + 7) * 3600_000 + 13 * 60_000;

/** ICU's offset in seconds, read from its "GMT+05:45" rendering: a different route from ours (wall-clock parts). */
function intlOffset(format: Intl.DateTimeFormat, ms: number): number {
  const name = format.formatToParts(ms).find((p) => p.type === 'timeZoneName')!.value;
  if (name === 'GMT') return 0;
  const m = /^GMT([+-])(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(name);
  if (!m) throw new Error(`unexpected offset "${name}"`);
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0));
}

const zoneinfo = new ZoneInfo();

describe.skipIf(!existsSync('/usr/share/zoneinfo/UTC'))('time zones from /usr/share/zoneinfo agree with Intl', () => {
  it.each(ZONES)('%s: the same UTC offset at every instant sampled from 1970 to 2100, and each change at the same second', (name) => {
    const zone = zoneinfo.load(name);
    const format = new Intl.DateTimeFormat('en-US', { timeZone: name, timeZoneName: 'longOffset' });
    const mismatches: string[] = [];
    const check = (ms: number) => {
      const ours = zone.offsetAt(ms);
      const icu = intlOffset(format, ms);
      if (ours !== icu && mismatches.length < 5) mismatches.push(`${new Date(ms).toISOString()}: ours ${ours} s, Intl ${icu} s`);
      return icu;
    };
    let changes = 0;
    let prevMs = FROM;
    let prev = check(FROM);
    for (let ms = FROM + STEP_MS; ms <= TO; ms += STEP_MS) {
      const now = check(ms);
      if (now !== prev) {
        // Bisect (on Intl) to the first second of the new offset; both sides of it must agree too.
        let lo = prevMs;
        let hi = ms;
        while (hi - lo > 1000) {
          const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
          if (intlOffset(format, mid) === prev) lo = mid;
          else hi = mid;
        }
        check(hi - 1000);
        check(hi);
        changes++;
      }
      prev = now;
      prevMs = ms;
    }
    expect(mismatches).toEqual([]);
    // The sampling really crossed DST changes where the zone has them (Berlin: two a year, 1980 to 2100).
    if (name === 'Europe/Berlin') expect(changes).toBeGreaterThan(2 * 100);
  });
});
