import { describe, expect, it } from 'vitest';
import { DigitMap, DialPlanError } from '../../../../firmware/phone/dial-plan/index.js';

const office = DigitMap.parse('[2-9]xxx|9,1[2-9]xx[2-9]xxxxxx|*xx|011x.T|#');

const kind = (map: DigitMap, dialled: string) => map.classify(dialled).kind;

describe('digit map', () => {
  it.each([
    ['2', 'partial'],
    ['201', 'partial'],
    ['2015', 'complete'],
    ['1', 'invalid'],
    ['9', 'partial'],
    ['91212555', 'partial'],
    ['912125551234', 'complete'],
    ['912125551234' + '5', 'invalid'],
    ['*7', 'partial'],
    ['*72', 'complete'],
    ['01', 'partial'],
    ['011', 'complete-on-timeout'], // x. is zero or more digits (RFC 3435 §2.1.5)
    ['01149', 'complete-on-timeout'],
    ['011493012345678', 'complete-on-timeout'],
    ['#', 'complete'],
  ] as const)('classifies %s as %s', (dialled, expected) => {
    expect(kind(office, dialled)).toBe(expected);
  });

  it('waits for the short timer when one number is complete but a longer one may follow', () => {
    const map = DigitMap.parse('[2-9]xxx|2xxxx');
    expect(kind(map, '2345')).toBe('complete-on-timeout');
    expect(kind(map, '23456')).toBe('complete');
    expect(kind(map, '3456')).toBe('complete');
  });

  it('treats "x." as zero or more digits', () => {
    const map = DigitMap.parse('00x.');
    expect(kind(map, '00')).toBe('complete-on-timeout');
    expect(kind(map, '0049')).toBe('complete-on-timeout');
    expect(kind(map, '0')).toBe('partial');
  });

  it('accepts parentheses around the whole map and sets with keys and ranges', () => {
    const map = DigitMap.parse('([1-3*]#|x.T)');
    expect(kind(map, '*#')).toBe('complete');
    expect(kind(map, '2#')).toBe('complete');
    expect(kind(map, '55')).toBe('complete-on-timeout');
  });

  it('says when the outside-line dial tone is due', () => {
    expect(office.secondDialTone('9')).toBe(true);
    expect(office.secondDialTone('91')).toBe(false);
    expect(office.secondDialTone('2')).toBe(false);
  });

  it('rejects malformed maps naming the position', () => {
    expect(() => DigitMap.parse('[2-9xxx')).toThrow(DialPlanError);
    expect(() => DigitMap.parse('[2-9xxx')).toThrow(/unclosed "\[" at position 1/);
    expect(() => DigitMap.parse('2xx|.1')).toThrow(/"\." must follow a key.*position 5/);
    expect(() => DigitMap.parse('xTx')).toThrow(/"T" must end its pattern/);
    expect(() => DigitMap.parse('2a')).toThrow(/unexpected "a" at position 2/);
    expect(() => DigitMap.parse('[9-2]')).toThrow(/bad range/);
    expect(() => DigitMap.parse('')).toThrow(/empty/);
  });

  it('classifies hostile long input in linear time (no backtracking)', () => {
    const map = DigitMap.parse('x.x.x.x.x.x.x.x.1');
    const digits = '2'.repeat(5000);
    expect(kind(map, digits)).toBe('partial');
    expect(kind(map, `${digits}1`)).toBe('complete-on-timeout');
  });
});
