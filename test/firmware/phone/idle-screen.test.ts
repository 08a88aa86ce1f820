import { describe, expect, it } from 'vitest';
import { renderIdleScreen, type IdleState } from '../../../firmware/phone/idle-screen.js';
import { glyphsToText } from '../../../hal/index.js';

const base: IdleState = {
  accountName: 'Front desk',
  registration: 'registered',
  now: new Date(Date.UTC(2026, 10, 25, 13, 5)),
  timeZone: 'Europe/Berlin',
  missedCalls: 0,
  voicemail: 0,
};

const glass = (state: IdleState, rows: number, columns: number) => renderIdleScreen(state, rows, columns).map(glyphsToText);

describe('idle screen', () => {
  it('shows the account with its registration icon and the local date and time on a 16×2', () => {
    expect(glass(base, 2, 16)).toEqual(['✓Front desk     ', 'Wed 25 Nov 14:05']);
  });

  it('shows voicemail and missed calls', () => {
    expect(glass({ ...base, voicemail: 3, missedCalls: 2 }, 2, 16)).toEqual(['✓Front desk   ✉3', '2 missed   14:05']);
  });

  it('uses all four rows of a 20×4 and says how to call the phone in direct-IP mode', () => {
    const lines = glass({ ...base, accountName: undefined, registration: 'none', directAddress: '127.0.0.1:5060' }, 4, 20);
    expect(lines).toEqual([' Direct IP          ', 'Wed 25 Nov     14:05', '127.0.0.1:5060      ', '                    ']);
  });

  it('cuts a long account name rather than the icons', () => {
    const [first] = glass({ ...base, accountName: 'Reception and switchboard', voicemail: 12 }, 2, 16);
    expect(first).toBe('✓Reception a ✉12');
  });

  it('every line is exactly as wide as the display', () => {
    for (const [rows, cols] of [[2, 16], [4, 20]] as const) {
      for (const line of renderIdleScreen({ ...base, registration: 'failed', missedCalls: 120, voicemail: 99 }, rows, cols)) expect([...line]).toHaveLength(cols);
    }
  });
});
