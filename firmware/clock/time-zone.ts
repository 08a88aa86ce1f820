/**
 * Time zones by IANA name, from the system's tzdata (/usr/share/zoneinfo, the
 * TZif files Debian's tzdata package installs) instead of ICU: building the
 * first Intl.DateTimeFormat with a timeZone maps ~8 MB of ICU zone data into
 * the process for good, which is over a tenth of issue 4's 70 MB budget. This
 * file is the edge that reads files; parsing and offset arithmetic are pure
 * (time-zone-tzif.ts, time-zone-posix.ts). Where there is no zoneinfo at all
 * (a minimal container), zones come from Intl so the simulator still runs.
 *
 * Files are read synchronously, once per zone (cached): at config check during
 * start-up, and after that only when the admin picks a zone not loaded yet
 * (a few KB, well under a millisecond).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DeskphoneError } from '../errors.js';
import { parseTzif, TzifError, type TimeZone } from './time-zone-tzif.js';

export type { TimeZone } from './time-zone-tzif.js';

/** A zone name the system has no rules for. */
export class UnknownTimeZoneError extends DeskphoneError {
  constructor(
    readonly zone: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super('TIME_ZONE_UNKNOWN', `no such time zone "${zone}"${reason ? `: ${reason}` : ''}`, options);
  }
}

/** Coordinated Universal Time; what a display shows when its configured zone cannot be had. */
export const UTC: TimeZone = { name: 'UTC', offsetAt: () => 0 };

/**
 * IANA names: segments of letters, digits, '_', '+', '-', each starting with a
 * capital (Europe/Berlin, America/Argentina/Buenos_Aires, Etc/GMT+5, EST5EDT).
 * This keeps a name from leaving the zoneinfo directory (`../`), and leaves out
 * the files beside the zones that are not zones (zone.tab, tzdata.zi,
 * leapseconds, posixrules) and the posix/ and right/ copies of the tree.
 */
const ZONE_NAME = /^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)*$/;

/** The file-system calls the zone source makes; tests pass a fake tree. */
export interface ZoneInfoFiles {
  exists(path: string): boolean;
  isFile(path: string): boolean;
  read(path: string): Uint8Array;
}

const nodeFiles: ZoneInfoFiles = {
  exists: (p) => existsSync(p),
  isFile: (p) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  },
  read: (p) => readFileSync(p),
};

/** Zones from a zoneinfo directory of TZif files, each parsed once. */
export class ZoneInfo {
  private readonly zones = new Map<string, TimeZone>();
  private present: boolean | undefined;
  private zoneNames: string[] | undefined;

  constructor(
    readonly dir = '/usr/share/zoneinfo',
    private readonly files: ZoneInfoFiles = nodeFiles,
  ) {}

  /** Whether the directory is there at all (a minimal container may have no tzdata). */
  available(): boolean {
    this.present ??= this.files.exists(join(this.dir, 'UTC')) || this.files.exists(join(this.dir, 'zone1970.tab'));
    return this.present;
  }

  /** The zone's rules; throws UnknownTimeZoneError when there is no such zone, TzifError when its file is damaged. */
  load(name: string): TimeZone {
    const cached = this.zones.get(name);
    if (cached) return cached;
    if (!ZONE_NAME.test(name)) throw new UnknownTimeZoneError(name, 'a zone is named Area/Location, e.g. Europe/Berlin');
    const path = join(this.dir, name);
    if (!this.files.isFile(path)) throw new UnknownTimeZoneError(name, '');
    const zone = parseTzif(name, this.files.read(path));
    this.zones.set(name, zone);
    return zone;
  }

  /**
   * The zone names to offer a person choosing one: every zone tzdata lists in
   * zone1970.tab (one per region of distinct clocks since 1970) and zone.tab
   * (one per country, so Europe/Oslo is there beside Europe/Berlin), and UTC.
   */
  names(): string[] {
    if (this.zoneNames) return this.zoneNames;
    const names = new Set<string>(['UTC']);
    for (const table of ['zone1970.tab', 'zone.tab']) {
      const path = join(this.dir, table);
      if (!this.files.exists(path)) continue;
      for (const line of new TextDecoder().decode(this.files.read(path)).split('\n')) {
        if (line.startsWith('#')) continue;
        // tzdata's .tab format: codes, coordinates, TZ, comments; tab-separated.
        const tz = line.split('\t')[2];
        if (tz && ZONE_NAME.test(tz)) names.add(tz);
      }
    }
    this.zoneNames = [...names].sort();
    return this.zoneNames;
  }
}

/** A zone backed by Intl, for where the system has no zoneinfo. */
class IntlZone implements TimeZone {
  private readonly format: Intl.DateTimeFormat;

  constructor(readonly name: string) {
    try {
      this.format = new Intl.DateTimeFormat('en-US', {
        timeZone: name,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch (err) {
      throw new UnknownTimeZoneError(name, '', { cause: err });
    }
  }

  offsetAt(epochMs: number): number {
    const s = Math.floor(epochMs / 1000);
    const parts: Record<string, number> = {};
    for (const p of this.format.formatToParts(s * 1000)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
    const local = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!) / 1000;
    return local - s;
  }
}

const intlZones = new Map<string, TimeZone>();
let system = new ZoneInfo();

/** The zone named `name`: from the system's zoneinfo, or from Intl where there is none. Throws when unknown. */
export function timeZone(name: string): TimeZone {
  if (system.available()) return system.load(name);
  let zone = intlZones.get(name);
  if (!zone) {
    zone = new IntlZone(name);
    intlZones.set(name, zone);
  }
  return zone;
}

/**
 * The zone to draw a clock or a date in. Never throws: the config check has
 * already refused unknown names, so this only meets a zone whose file went
 * missing or bad since, and a phone should still show its calls (in UTC).
 */
export function displayZone(name: string): TimeZone {
  try {
    return timeZone(name);
  } catch {
    return UTC;
  }
}

/** Why `name` is not a usable zone, or undefined when it is. */
export function timeZoneProblem(name: string): string | undefined {
  try {
    timeZone(name);
    return undefined;
  } catch (err) {
    if (err instanceof UnknownTimeZoneError || err instanceof TzifError) return err.message;
    throw err;
  }
}

/** Zone names to offer in a picker. */
export function timeZoneNames(): string[] {
  return system.available() ? system.names() : Intl.supportedValuesOf('timeZone');
}

/** Tests: read zones from another directory (or none), with a fresh cache. */
export function useZoneInfo(source: ZoneInfo): void {
  system = source;
  intlZones.clear();
}
