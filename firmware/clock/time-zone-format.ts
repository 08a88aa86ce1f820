/**
 * The few date strings the phone shows, in English with a 24-hour clock, from
 * a zone's UTC offset. Pure. This replaces Intl.DateTimeFormat on the phone:
 * ICU's time-zone data costs ~8 MB of RSS the first time a formatter with a
 * timeZone is built (issue 4's memory target), and a desk phone needs no
 * locale beyond this.
 */
import type { TimeZone } from './time-zone-tzif.js';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** A calendar date and clock time as read on a wall in the zone. */
export interface WallTime {
  year: number;
  /** 1..12 */
  month: number;
  /** 1..31 */
  day: number;
  /** 0 = Sunday */
  weekday: number;
  hour: number;
  minute: number;
  second: number;
}

export function wallTime(instant: Date | number, zone: TimeZone): WallTime {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  // Shifting the instant by the offset and reading its UTC fields gives local fields without any zone data.
  const local = new Date(ms + zone.offsetAt(ms) * 1000);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    weekday: local.getUTCDay(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
  };
}

const two = (n: number) => String(n).padStart(2, '0');

/** "14:05" */
export function formatClock(instant: Date | number, zone: TimeZone): string {
  const w = wallTime(instant, zone);
  return `${two(w.hour)}:${two(w.minute)}`;
}

/** "Wed 25 Nov": the idle screen's date. */
export function formatDayMonth(instant: Date | number, zone: TimeZone): string {
  const w = wallTime(instant, zone);
  return `${WEEKDAYS[w.weekday]} ${w.day} ${MONTHS[w.month - 1]}`;
}

/** "25/11, 14:05": a call-log entry on the LCD (day first, as en-GB). */
export function formatShortDateTime(instant: Date | number, zone: TimeZone): string {
  const w = wallTime(instant, zone);
  return `${two(w.day)}/${two(w.month)}, ${two(w.hour)}:${two(w.minute)}`;
}

/** "Wed, 25 Nov 2026, 14:05": a call in the web's call log. */
export function formatLongDateTime(instant: Date | number, zone: TimeZone): string {
  const w = wallTime(instant, zone);
  return `${WEEKDAYS[w.weekday]}, ${two(w.day)} ${MONTHS[w.month - 1]} ${w.year}, ${two(w.hour)}:${two(w.minute)}`;
}
