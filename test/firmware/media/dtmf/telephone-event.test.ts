import { describe, expect, it } from 'vitest';
import { TelephoneEvent, TelephoneEventError, digitToEvent, eventToDigit, digitFrequencies, DtmfDigitError } from '../../../../firmware/media/dtmf/index.js';

describe('RFC 4733 telephone-event payload', () => {
  it('serializes event, E bit, volume and duration in the §2.3 layout', () => {
    // Digit 5, end, −10 dBm0, 800 samples (100 ms at 8 kHz).
    expect([...new TelephoneEvent(5, true, 10, 800).serialize()]).toEqual([0x05, 0x8a, 0x03, 0x20]);
    expect([...new TelephoneEvent(11, false, 63, 0xffff).serialize()]).toEqual([0x0b, 0x3f, 0xff, 0xff]);
  });

  it('round-trips and ignores the reserved R bit on receive (§2.3.3)', () => {
    const ev = TelephoneEvent.parse(Uint8Array.from([0x0a, 0xc7, 0x01, 0x40]));
    expect(ev).toEqual(new TelephoneEvent(10, true, 7, 320));
    expect([...TelephoneEvent.parse(ev.serialize()).serialize()]).toEqual([0x0a, 0x87, 0x01, 0x40]);
  });

  it('refuses a payload shorter than four bytes with a typed error', () => {
    expect(() => TelephoneEvent.parse(Uint8Array.from([1, 2, 3]))).toThrow(TelephoneEventError);
  });

  it('maps digits to RFC 4733 §3.2 event codes and Q.23 frequencies', () => {
    expect([...'0123456789*#ABCD'].map(digitToEvent)).toEqual([...Array(16).keys()]);
    expect(eventToDigit(11)).toBe('#');
    expect(eventToDigit(16)).toBeUndefined();
    expect(digitFrequencies('1')).toEqual([697, 1209]);
    expect(digitFrequencies('0')).toEqual([941, 1336]);
    expect(digitFrequencies('d')).toEqual([941, 1633]);
    expect(() => digitToEvent('x')).toThrow(DtmfDigitError);
  });
});
