import { describe, expect, it } from 'vitest';
import { renderCallScreen, formatDuration, type CallScreenState } from '../../../firmware/phone/call-screen.js';
import type { PhoneCall } from '../../../firmware/phone/phone-call.js';
import { glyphsToText } from '../../../hal/index.js';

const bob: PhoneCall = { id: 'c1', direction: 'incoming', phase: 'connected', number: '301', remoteName: 'Bob', heldByRemote: false, connectedAt: 0 };

function state(over: Partial<CallScreenState>): CallScreenState {
  return { route: 'handset', dialling: undefined, calls: [], focus: undefined, muted: false, notice: undefined, nameOf: (c) => c.remoteName ?? c.number, now: 0, ...over };
}

const glass = (s: CallScreenState, rows = 2, cols = 16, step = 0) => renderCallScreen(s, rows, cols, step).lines.map(glyphsToText);

describe('call screens', () => {
  it('shows the peer and the call duration while talking', () => {
    expect(glass(state({ calls: [bob], focus: bob, now: 135_000 }))).toEqual(['Bob            ☎', '02:15           ']);
  });

  it('shows mute and the loudspeaker as icons, and the codec on demand', () => {
    expect(glass(state({ calls: [bob], focus: bob, muted: true, route: 'speaker', codec: 'PCMU' }))).toEqual(['Bob           ✗♪', '00:00       PCMU']);
  });

  it('shows the number being dialled, its end when it is long', () => {
    expect(glass(state({ dialling: '00493012345678901' }))).toEqual(['Dial           ☎', '0493012345678901']);
  });

  it('says "Ringing…" while the far end rings and "Held by far end" when held', () => {
    expect(glass(state({ focus: { ...bob, phase: 'ringback' } }))[1]).toBe('Ringing…        ');
    expect(glass(state({ focus: { ...bob, heldByRemote: true } }))[1]).toBe('Held by far end ');
  });

  it('an incoming call shows who is calling, with soft keys on a 20×4', () => {
    const ringing = { ...bob, phase: 'incoming' as const };
    expect(glass(state({ route: null, calls: [ringing] }), 4, 20)).toEqual(['Incoming call       ', 'Bob                 ', '                    ', 'Answer      Reject  ']);
  });

  it('call waiting names the second caller under the current call', () => {
    const alice: PhoneCall = { ...bob, id: 'c2', phase: 'incoming', remoteName: 'Alice' };
    expect(glass(state({ calls: [bob, alice], focus: bob }), 4, 20)).toEqual(['Bob                ☎', '00:00               ', 'Waiting: Alice      ', 'Answer  Reject  End ']);
  });

  it('a failure notice in words', () => {
    expect(glass(state({ notice: { text: 'Busy', tone: 'busy' } }))).toEqual(['Busy            ', '                ']);
  });

  it('scrolls a name too long for the line', () => {
    const long = { ...bob, remoteName: 'Accounts Receivable Department' };
    const first = renderCallScreen(state({ calls: [long], focus: long }), 2, 16, 0);
    const later = renderCallScreen(state({ calls: [long], focus: long }), 2, 16, 3);
    expect(first.needsScroll).toBe(true);
    expect(glyphsToText(first.lines[0]!)).toBe('Accounts Recei ☎');
    expect(glyphsToText(later.lines[0]!)).toBe('ounts Receivab ☎');
  });

  it('shows the last DTMF digit the far end sent', () => {
    expect(glass(state({ calls: [bob], focus: { ...bob, lastDigitReceived: '#' } }))[1]).toBe('00:00     DTMF #');
  });

  it('formats durations past an hour', () => {
    expect(formatDuration(3_725_000)).toBe('1:02:05');
  });
});
