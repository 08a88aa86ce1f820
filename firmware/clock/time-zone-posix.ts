/**
 * POSIX TZ strings (POSIX.1-2017 §8.3, as extended by RFC 8536 §3.3.1): the
 * rule a TZif file's footer gives for every instant after its last recorded
 * transition, e.g. `CET-1CEST,M3.5.0,M10.5.0/3` (Central Europe) or
 * `<-03>3` (a zone without daylight saving). Pure: text in, offsets out.
 *
 *   std offset [dst [offset] [,start[/time],end[/time]]]
 */
import { DeskphoneError } from '../errors.js';

/** A TZ string that does not follow POSIX.1-2017 §8.3. */
export class PosixTzError extends DeskphoneError {
  constructor(
    readonly text: string,
    readonly offset: number,
    reason: string,
  ) {
    super('TIME_ZONE_RULE', `TZ string "${text}": ${reason} at character ${offset + 1}`);
  }
}

/** The day a change happens on, in one of the three forms §8.3 allows. */
export type PosixDate =
  /** `Jn`: day 1..365 of the year, February 29 never counted (so J60 is always 1 March). */
  | { kind: 'julian1'; day: number }
  /** `n`: day 0..365 of the year, February 29 counted in leap years. */
  | { kind: 'julian0'; day: number }
  /** `Mm.w.d`: weekday d (0 = Sunday) of week w (1..5, 5 = the last) of month m. */
  | { kind: 'month'; month: number; week: number; weekday: number };

export interface PosixTransitionRule {
  date: PosixDate;
  /** Seconds after local midnight; RFC 8536 §3.3.1 allows -167..167 hours. */
  timeS: number;
}

export interface PosixTz {
  /** Standard time: UTC offset in seconds, east positive (the string's sign is the opposite). */
  stdOffsetS: number;
  stdName: string;
  /** Absent when the zone keeps standard time all year. */
  dst?: { name: string; offsetS: number; start: PosixTransitionRule; end: PosixTransitionRule };
}

const DAY_S = 86_400;
/** §8.3: "If no time is given, the default is 02:00:00." */
const DEFAULT_CHANGE_TIME_S = 2 * 3600;

export function parsePosixTz(text: string): PosixTz {
  let i = 0;
  const fail = (reason: string): never => {
    throw new PosixTzError(text, i, reason);
  };

  const name = (): string => {
    // §8.3: a name is three or more letters, or any run of letters, digits, '+' and '-' between '<' and '>'.
    if (text[i] === '<') {
      const close = text.indexOf('>', i);
      if (close < 0) fail('unclosed "<"');
      const n = text.slice(i + 1, close);
      if (!/^[A-Za-z0-9+-]{3,}$/.test(n)) fail('a quoted name needs three or more letters, digits, "+" or "-"');
      i = close + 1;
      return n;
    }
    const m = /^[A-Za-z]{3,}/.exec(text.slice(i));
    if (!m) return fail('expected a zone name of three or more letters');
    i += m[0].length;
    return m[0];
  };

  /** [+-]hh[:mm[:ss]] in seconds; hours up to `maxHours`. */
  const duration = (maxHours: number): number => {
    const m = /^([+-]?)(\d{1,3})(?::(\d{2}))?(?::(\d{2}))?/.exec(text.slice(i));
    if (!m) return fail('expected a time [+-]hh[:mm[:ss]]');
    const [h, min, s] = [Number(m[2]), Number(m[3] ?? 0), Number(m[4] ?? 0)];
    if (h > maxHours || min > 59 || s > 59) fail(`time out of range (hours up to ${maxHours})`);
    i += m[0].length;
    return (m[1] === '-' ? -1 : 1) * (h * 3600 + min * 60 + s);
  };

  const number = (): number => {
    const m = /^\d+/.exec(text.slice(i));
    if (!m) return fail('expected a number');
    i += m[0].length;
    return Number(m[0]);
  };

  const expect = (c: string): void => {
    if (text[i] !== c) fail(`expected "${c}"`);
    i++;
  };

  const date = (): PosixDate => {
    if (text[i] === 'J') {
      i++;
      const day = number();
      if (day < 1 || day > 365) fail('Jn takes a day from 1 to 365');
      return { kind: 'julian1', day };
    }
    if (text[i] === 'M') {
      i++;
      const month = number();
      expect('.');
      const week = number();
      expect('.');
      const weekday = number();
      if (month < 1 || month > 12 || week < 1 || week > 5 || weekday > 6) fail('Mm.w.d takes a month 1-12, a week 1-5 and a weekday 0-6');
      return { kind: 'month', month, week, weekday };
    }
    const day = number();
    if (day > 365) fail('a zero-based day runs from 0 to 365');
    return { kind: 'julian0', day };
  };

  const change = (): PosixTransitionRule => {
    const d = date();
    if (text[i] !== '/') return { date: d, timeS: DEFAULT_CHANGE_TIME_S };
    i++;
    // RFC 8536 §3.3.1: "the hours part of the transition times may be signed and range from -167 through 167".
    return { date: d, timeS: duration(167) };
  };

  const stdName = name();
  // §8.3: the offset is "the value added to the local time to arrive at Coordinated Universal Time", so it is west-positive.
  const stdOffsetS = 0 - duration(24); // 0 - x, not -x: a zero offset stays +0
  if (i === text.length) return { stdName, stdOffsetS };

  const dstName = name();
  // §8.3: "If no offset follows dst, the alternative time is assumed to be one hour ahead of standard time."
  const dstOffsetS = text[i] !== undefined && text[i] !== ',' ? 0 - duration(24) : stdOffsetS + 3600;
  let start: PosixTransitionRule;
  let end: PosixTransitionRule;
  if (i === text.length) {
    // §8.3 leaves the rule implementation-defined when absent; tzcode (and so every TZif writer) uses the US rule.
    start = { date: { kind: 'month', month: 3, week: 2, weekday: 0 }, timeS: DEFAULT_CHANGE_TIME_S };
    end = { date: { kind: 'month', month: 11, week: 1, weekday: 0 }, timeS: DEFAULT_CHANGE_TIME_S };
  } else {
    expect(',');
    start = change();
    expect(',');
    end = change();
  }
  if (i !== text.length) fail('unexpected text after the rule');
  return { stdName, stdOffsetS, dst: { name: dstName, offsetS: dstOffsetS, start, end } };
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Seconds from the epoch to 00:00 (UTC-based day numbering) of the rule's day in `year`. */
function dayStartS(year: number, d: PosixDate): number {
  const jan1 = Date.UTC(year, 0, 1) / 1000;
  switch (d.kind) {
    case 'julian1':
      return jan1 + (d.day - 1 + (isLeap(year) && d.day >= 60 ? 1 : 0)) * DAY_S;
    case 'julian0':
      return jan1 + d.day * DAY_S;
    case 'month': {
      const first = Date.UTC(year, d.month - 1, 1) / 1000;
      const firstWeekday = new Date(first * 1000).getUTCDay();
      let day = ((d.weekday - firstWeekday + 7) % 7) + (d.week - 1) * 7;
      // §8.3: week 5 means "the last d day in month m", which may be the fourth.
      const length = new Date(Date.UTC(year, d.month, 0)).getUTCDate();
      while (day >= length) day -= 7;
      return first + day * DAY_S;
    }
  }
}

/** The UTC offset (seconds, east positive) the rule gives at `epochS`. */
export function posixOffsetAt(tz: PosixTz, epochS: number): { offsetS: number; isDst: boolean } {
  const dst = tz.dst;
  if (!dst) return { offsetS: tz.stdOffsetS, isDst: false };
  // The changes of the year before, this year and the next, in UTC: change times can run past midnight
  // (up to 167 h) and a southern zone's DST spans the new year, so the latest change before `epochS` may
  // belong to another year. §8.3: the start time is in standard time, the end time in daylight time.
  const year = new Date((epochS + tz.stdOffsetS) * 1000).getUTCFullYear();
  let latest = -Infinity;
  let inDst = false;
  for (let y = year - 1; y <= year + 1; y++) {
    const start = dayStartS(y, dst.start.date) + dst.start.timeS - tz.stdOffsetS;
    const end = dayStartS(y, dst.end.date) + dst.end.timeS - dst.offsetS;
    // A zone on DST all year (RFC 8536 §3.3.1's `EST5EDT,0/0,J365/25`) ends one year's DST at the instant
    // the next year's begins: the start wins the tie, so the end is taken first.
    if (end <= epochS && end >= latest) {
      latest = end;
      inDst = false;
    }
    if (start <= epochS && start >= latest) {
      latest = start;
      inDst = true;
    }
  }
  return inDst ? { offsetS: dst.offsetS, isDst: true } : { offsetS: tz.stdOffsetS, isDst: false };
}
