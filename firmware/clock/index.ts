export type { Clock, TimerHandle, WallClock } from './clock.js';
export { SystemClock } from './system-clock.js';
export { displayZone, timeZone, timeZoneNames, timeZoneProblem, UnknownTimeZoneError, UTC, ZoneInfo, type TimeZone, type ZoneInfoFiles } from './time-zone.js';
export { TzifError } from './time-zone-tzif.js';
export { formatClock, formatDayMonth, formatLongDateTime, formatShortDateTime, wallTime, type WallTime } from './time-zone-format.js';
