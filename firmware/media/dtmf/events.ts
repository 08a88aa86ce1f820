/**
 * DTMF digits and their telephone-event codes (RFC 4733 §3.2, Table 7) and
 * their tone frequencies (ITU-T Q.23 §2: a low-group row frequency plus a
 * high-group column frequency).
 */
import { DeskphoneError } from '../../errors.js';

/** RFC 4733 §3.2: events 0–9 are the digits, 10 is *, 11 is #, 12–15 are A–D, 16 is flash. */
export const DTMF_DIGITS = '0123456789*#ABCD';
export const EVENT_FLASH = 16;

export type DtmfDigit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#' | 'A' | 'B' | 'C' | 'D';

/** ITU-T Q.23 §2 Figure 1: row (low group) and column (high group) frequencies in Hz. */
export const DTMF_LOW_HZ = [697, 770, 852, 941] as const;
export const DTMF_HIGH_HZ = [1209, 1336, 1477, 1633] as const;

/** Keypad layout: KEYPAD[row][column] (Q.23 Figure 1). */
const KEYPAD = ['123A', '456B', '789C', '*0#D'] as const;

export class DtmfDigitError extends DeskphoneError {
  constructor(readonly digit: string) {
    super('DTMF_DIGIT_INVALID', `"${digit}" is not a DTMF digit (0-9, *, #, A-D)`);
  }
}

export function isDtmfDigit(c: string): c is DtmfDigit {
  return c.length === 1 && DTMF_DIGITS.includes(c.toUpperCase());
}

export function digitToEvent(digit: string): number {
  const i = DTMF_DIGITS.indexOf(digit.toUpperCase());
  if (digit.length !== 1 || i < 0) throw new DtmfDigitError(digit);
  return i;
}

/** The digit for an event code, or undefined for events that are not DTMF digits (flash, modem tones…). */
export function eventToDigit(event: number): DtmfDigit | undefined {
  return event >= 0 && event < 16 ? (DTMF_DIGITS[event] as DtmfDigit) : undefined;
}

/** [lowHz, highHz] of a digit (Q.23). */
export function digitFrequencies(digit: string): [number, number] {
  const d = digit.toUpperCase();
  for (let r = 0; r < 4; r++) {
    const c = KEYPAD[r]!.indexOf(d);
    if (c >= 0) return [DTMF_LOW_HZ[r]!, DTMF_HIGH_HZ[c]!];
  }
  throw new DtmfDigitError(digit);
}

/** The digit at row `row`, column `col` of the keypad. */
export function digitAt(row: number, col: number): DtmfDigit {
  return KEYPAD[row]![col] as DtmfDigit;
}
