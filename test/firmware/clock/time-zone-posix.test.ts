import { describe, expect, it } from 'vitest';
import { parsePosixTz, posixOffsetAt, PosixTzError } from '../../../firmware/clock/time-zone-posix.js';

const at = (iso: string) => Date.parse(iso) / 1000;
const offset = (tz: string, iso: string) => posixOffsetAt(parsePosixTz(tz), at(iso)).offsetS;

describe('POSIX TZ strings (POSIX.1-2017 §8.3, RFC 8536 §3.3.1)', () => {
  it('reads Central European time: the sign is west-positive, the change times are local', () => {
    expect(parsePosixTz('CET-1CEST,M3.5.0,M10.5.0/3')).toEqual({
      stdName: 'CET',
      stdOffsetS: 3600,
      dst: {
        name: 'CEST',
        offsetS: 7200,
        start: { date: { kind: 'month', month: 3, week: 5, weekday: 0 }, timeS: 7200 },
        end: { date: { kind: 'month', month: 10, week: 5, weekday: 0 }, timeS: 3 * 3600 },
      },
    });
  });

  it('switches at 01:00 UTC on the last Sundays of March and October in Berlin', () => {
    const cet = 'CET-1CEST,M3.5.0,M10.5.0/3';
    // 2050: the last Sunday of March is the 27th, of October the 30th.
    expect(offset(cet, '2050-03-27T00:59:59Z')).toBe(3600);
    expect(offset(cet, '2050-03-27T01:00:00Z')).toBe(7200);
    expect(offset(cet, '2050-10-30T00:59:59Z')).toBe(7200);
    expect(offset(cet, '2050-10-30T01:00:00Z')).toBe(3600);
  });

  it('takes the fourth weekday as "week 5" when the month has no fifth', () => {
    // February 2045 has four Sundays; M2.5.0 is the last of them, the 26th.
    expect(offset('XST0XDT,M2.5.0/0,M11.1.0/0', '2045-02-25T23:59:59Z')).toBe(0);
    expect(offset('XST0XDT,M2.5.0/0,M11.1.0/0', '2045-02-26T00:00:00Z')).toBe(3600);
  });

  it('keeps DST across the new year in the southern hemisphere', () => {
    const nz = 'NZST-12NZDT,M9.5.0,M4.1.0/3';
    expect(offset(nz, '2060-01-01T00:00:00Z')).toBe(13 * 3600);
    expect(offset(nz, '2060-06-01T00:00:00Z')).toBe(12 * 3600);
    expect(offset(nz, '2060-12-31T23:00:00Z')).toBe(13 * 3600);
  });

  it('reads quoted numeric names, minutes in offsets, and a zone without DST', () => {
    expect(parsePosixTz('<+0545>-5:45')).toEqual({ stdName: '+0545', stdOffsetS: 5 * 3600 + 45 * 60 });
    expect(offset('<-03>3', '2099-07-01T00:00:00Z')).toBe(-3 * 3600);
  });

  it('takes negative and past-midnight change times (Greenland: -1:00 and 0:00)', () => {
    const nuuk = '<-02>2<-01>,M3.5.0/-1,M10.5.0/0';
    // 2050-03-27 is the last Sunday: -1:00 local standard time is 2050-03-26T23:00-02:00, i.e. 2050-03-27T01:00Z.
    expect(offset(nuuk, '2050-03-27T00:59:59Z')).toBe(-2 * 3600);
    expect(offset(nuuk, '2050-03-27T01:00:00Z')).toBe(-3600);
  });

  it('stays on DST all year with RFC 8536\'s EST5EDT,0/0,J365/25', () => {
    for (const iso of ['2040-01-01T05:00:00Z', '2040-06-01T00:00:00Z', '2040-12-31T23:59:59Z', '2041-01-01T04:30:00Z']) expect(offset('EST5EDT,0/0,J365/25', iso)).toBe(-4 * 3600);
  });

  it('counts Jn without February 29 and n with it', () => {
    // 2048 is a leap year: J60 is 1 March, day 59 (zero-based) is 29 February.
    expect(offset('AAA0BBB,J60/0,J300/0', '2048-02-29T23:59:59Z')).toBe(0);
    expect(offset('AAA0BBB,J60/0,J300/0', '2048-03-01T00:00:00Z')).toBe(3600);
    expect(offset('AAA0BBB,59/0,300/0', '2048-02-28T23:59:59Z')).toBe(0);
    expect(offset('AAA0BBB,59/0,300/0', '2048-02-29T00:00:00Z')).toBe(3600);
  });

  it('defaults DST to an hour ahead and to the US rule when none is given', () => {
    const tz = parsePosixTz('EST5EDT');
    expect(tz.dst?.offsetS).toBe(-4 * 3600);
    expect(tz.dst?.start.date).toEqual({ kind: 'month', month: 3, week: 2, weekday: 0 });
  });

  it.each([
    ['', /zone name/],
    ['CE-1', /three or more letters/],
    ['CET', /expected a time/],
    ['CET-25', /out of range/],
    ['<+01-1', /unclosed/],
    ['CET-1CEST,M13.1.0,M10.5.0', /month 1-12/],
    ['CET-1CEST,M3.5.0', /expected ","/],
    ['CET-1CEST,M3.5.0,M10.5.0/3x', /unexpected text/],
    ['CET-1CEST,J0,J300', /1 to 365/],
  ])('refuses %j, saying what is wrong', (text, reason) => {
    expect(() => parsePosixTz(text)).toThrow(PosixTzError);
    expect(() => parsePosixTz(text)).toThrow(reason);
  });
});
