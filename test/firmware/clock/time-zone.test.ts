import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  formatClock,
  formatDayMonth,
  formatLongDateTime,
  formatShortDateTime,
  timeZone,
  timeZoneNames,
  timeZoneProblem,
  TzifError,
  UnknownTimeZoneError,
  UTC,
  ZoneInfo,
  type ZoneInfoFiles,
} from '../../../firmware/clock/index.js';
import { useZoneInfo } from '../../../firmware/clock/time-zone.js';
import { parseTzif } from '../../../firmware/clock/time-zone-tzif.js';

interface Tzif {
  version?: 1 | 2;
  transitions?: number[];
  types?: number[];
  /** UTC offsets of the local time types, seconds. */
  offsets?: number[];
  leapcnt?: number;
  footer?: string;
}

/** A TZif file (RFC 8536 §3) built field by field, with no designations beyond one NUL. */
function tzif({ version = 2, transitions = [], types = transitions.map(() => 0), offsets = [0], leapcnt = 0, footer = '' }: Tzif): Uint8Array {
  const block = (timeSize: 4 | 8): number[] => {
    const out: number[] = [];
    const u32 = (v: number) => out.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
    out.push(...Buffer.from('TZif'), version === 1 ? 0 : 0x30 + version, ...new Array(15).fill(0));
    for (const c of [0, 0, leapcnt, transitions.length, offsets.length, 1]) u32(c);
    for (const t of transitions) {
      if (timeSize === 8) u32(Math.floor(t / 2 ** 32));
      u32(t >>> 0);
    }
    out.push(...types);
    for (const o of offsets) {
      u32(o >>> 0);
      out.push(0, 0);
    }
    out.push(0); // designations
    for (let i = 0; i < leapcnt; i++) for (let b = 0; b < timeSize + 4; b++) out.push(0);
    return out;
  };
  const bytes = block(4);
  if (version >= 2) bytes.push(...block(8), 0x0a, ...Buffer.from(footer), 0x0a);
  return Uint8Array.from(bytes);
}

const at = (iso: string) => Date.parse(iso);

describe('TZif files (RFC 8536)', () => {
  const zone = parseTzif('Test/Zone', tzif({ transitions: [1_000_000, 2_000_000], types: [1, 0], offsets: [3600, 7200], footer: '<+03>-3' }));

  it('uses local time type 0 before the first transition (§3.2)', () => {
    expect(zone.offsetAt(999_999_000)).toBe(3600);
  });

  it('uses each transition\'s type from its instant on', () => {
    expect(zone.offsetAt(1_000_000_000)).toBe(7200);
    expect(zone.offsetAt(1_999_999_000)).toBe(7200);
  });

  it('uses the footer\'s TZ string from the last transition on (§3.3)', () => {
    expect(zone.offsetAt(2_000_000_000)).toBe(3 * 3600);
    expect(zone.offsetAt(at('2099-01-01T00:00:00Z'))).toBe(3 * 3600);
  });

  it('keeps the last type after the last transition in a version 1 file (no footer)', () => {
    const v1 = parseTzif('Test/V1', tzif({ version: 1, transitions: [1_000_000], types: [1], offsets: [0, -18000] }));
    expect(v1.offsetAt(at('2090-01-01T00:00:00Z'))).toBe(-18000);
  });

  it('reads transitions before 1901 and after 2038 from the 64-bit block', () => {
    const wide = parseTzif('Test/Wide', tzif({ transitions: [-3_000_000_000, 3_000_000_000], types: [1, 0], offsets: [0, 600] }));
    expect(wide.offsetAt(-3_000_000_001_000)).toBe(0);
    expect(wide.offsetAt(-3_000_000_000_000)).toBe(600);
    expect(wide.offsetAt(3_000_000_000_000)).toBe(0);
  });

  it.each([
    ['not TZif at all', Uint8Array.from(Buffer.from('# tzdb timezone descriptions\nAD\t+4230+00131\tEurope/Andorra\n'.repeat(2))), /no "TZif" magic/],
    ['cut short', tzif({ transitions: [1, 2], types: [0, 0] }).subarray(0, 60), /truncated/],
    ['with leap seconds (right/)', tzif({ leapcnt: 1 }), /leap-second/],
    ['with a transition naming a missing type', tzif({ transitions: [5], types: [3] }), /type 3 of 1/],
    ['with a bad footer', tzif({ footer: 'CET-1CEST,M3' }), /footer: TZ string/],
  ])('refuses a file %s', (_what, bytes, reason) => {
    expect(() => parseTzif('Bad/Zone', bytes)).toThrow(TzifError);
    expect(() => parseTzif('Bad/Zone', bytes)).toThrow(reason);
  });
});

/** A zoneinfo tree in memory, counting reads. */
function fakeTree(files: Record<string, Uint8Array | string>): ZoneInfoFiles & { reads: string[] } {
  const reads: string[] = [];
  const get = (p: string) => files[p.replace(/^\/zi\//, '')];
  return {
    reads,
    exists: (p) => get(p) !== undefined,
    isFile: (p) => get(p) !== undefined,
    read: (p) => {
      reads.push(p);
      const f = get(p)!;
      return typeof f === 'string' ? Buffer.from(f) : f;
    },
  };
}

describe('zones from a zoneinfo directory', () => {
  const berlin = tzif({ footer: 'CET-1CEST,M3.5.0,M10.5.0/3', offsets: [3600] });
  const tree = () =>
    fakeTree({
      UTC: tzif({ footer: 'UTC0' }),
      'Europe/Berlin': berlin,
      'zone1970.tab': '# comment\nDE,DK,NO\t+5230+01322\tEurope/Berlin\tmost of Germany\n',
      'zone.tab': '# comment\nNO\t+5955+01045\tEurope/Oslo\nDE\t+5230+01322\tEurope/Berlin\tmost of Germany\n',
      'right/Europe/Berlin': berlin,
      posixrules: berlin,
    });

  it('reads each zone\'s file once', () => {
    const files = tree();
    const zi = new ZoneInfo('/zi', files);
    expect(zi.load('Europe/Berlin').offsetAt(at('2050-07-01T00:00:00Z'))).toBe(7200);
    expect(zi.load('Europe/Berlin').offsetAt(at('2050-01-01T00:00:00Z'))).toBe(3600);
    expect(files.reads).toEqual(['/zi/Europe/Berlin']);
  });

  it('says there is no such zone for a name without a file', () => {
    const zi = new ZoneInfo('/zi', tree());
    expect(() => zi.load('Europe/Berlim')).toThrow(UnknownTimeZoneError);
    expect(() => zi.load('Europe/Berlim')).toThrow('no such time zone "Europe/Berlim"');
  });

  it.each(['../../etc/passwd', 'Europe/../../../etc/shadow', '/etc/passwd', 'right/Europe/Berlin', 'posixrules', 'zone.tab', 'europe/berlin', ''])(
    'refuses %j, which is no zone name, without opening it',
    (name) => {
      const files = tree();
      expect(() => new ZoneInfo('/zi', files).load(name)).toThrow(UnknownTimeZoneError);
      expect(files.reads).toEqual([]);
    },
  );

  it('offers the zones of zone1970.tab and zone.tab, and UTC, sorted', () => {
    expect(new ZoneInfo('/zi', tree()).names()).toEqual(['Europe/Berlin', 'Europe/Oslo', 'UTC']);
  });
});

describe('the system\'s zones', () => {
  let dir: string | undefined;
  afterEach(() => {
    useZoneInfo(new ZoneInfo());
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('come from Intl where there is no zoneinfo (a minimal container), so the phone still shows local time', () => {
    dir = mkdtempSync(join(tmpdir(), 'no-zoneinfo-'));
    useZoneInfo(new ZoneInfo(dir));
    expect(timeZone('Asia/Kolkata').offsetAt(at('2030-01-01T00:00:00Z'))).toBe(5.5 * 3600);
    expect(timeZone('America/New_York').offsetAt(at('2030-07-01T00:00:00Z'))).toBe(-4 * 3600);
    expect(timeZoneProblem('Mars/Olympus')).toMatch(/no such time zone "Mars\/Olympus"/);
    expect(timeZoneNames()).toContain('Europe/Berlin');
  });

  it.skipIf(!new ZoneInfo().available())('are read from /usr/share/zoneinfo where it is installed', () => {
    expect(timeZoneProblem('Europe/Berlin')).toBeUndefined();
    expect(timeZoneProblem('Europe/Berlim')).toBe('no such time zone "Europe/Berlim"');
    expect(timeZoneNames()).toEqual(expect.arrayContaining(['Europe/Berlin', 'Europe/Oslo', 'America/Argentina/Buenos_Aires', 'UTC']));
    expect(timeZoneNames().some((n) => n.startsWith('right/') || n.includes('.'))).toBe(false);
  });
});

describe('the date strings the phone shows', () => {
  const berlin = parseTzif('Europe/Berlin', tzif({ footer: 'CET-1CEST,M3.5.0,M10.5.0/3', offsets: [3600] }));
  const evening = at('2026-11-25T22:59:00Z');

  it('reads the wall clock in the zone, across midnight', () => {
    expect(formatClock(evening, berlin)).toBe('23:59');
    expect(formatClock(evening + 60_000, berlin)).toBe('00:00');
    expect(formatDayMonth(evening + 60_000, berlin)).toBe('Thu 26 Nov');
  });

  it('writes the LCD\'s call-log time day first, and the web\'s with the weekday and year', () => {
    expect(formatShortDateTime(new Date('2027-07-04T08:07:00Z'), berlin)).toBe('04/07, 10:07');
    expect(formatLongDateTime(new Date('2027-07-04T08:07:00Z'), berlin)).toBe('Sun, 04 Jul 2027, 10:07');
    expect(formatLongDateTime(new Date('2027-09-01T00:00:00Z'), UTC)).toBe('Wed, 01 Sep 2027, 00:00');
  });

  it('matches what Intl (en-GB, 24 h) shows for the same zone, but for September, which is "Sep" here', () => {
    const intl = (options: Intl.DateTimeFormatOptions, ms: number) => new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'Europe/Berlin', hourCycle: 'h23' }).format(ms);
    for (let ms = at('2026-01-01T00:00:00Z'); ms < at('2027-01-01T00:00:00Z'); ms += 29 * 3600_000 + 17 * 60_000) {
      if (new Date(ms).getUTCMonth() === 8) continue;
      expect(formatLongDateTime(ms, berlin)).toBe(intl({ weekday: 'short', day: '2-digit', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }, ms));
      expect(formatShortDateTime(ms, berlin)).toBe(intl({ day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' }, ms));
      expect(formatDayMonth(ms, berlin)).toBe(intl({ weekday: 'short', day: 'numeric', month: 'short' }, ms).replace(',', ''));
    }
  });
});
