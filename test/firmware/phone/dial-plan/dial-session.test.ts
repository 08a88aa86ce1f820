import { describe, expect, it } from 'vitest';
import { DigitMap, DialSession, resolveDialTarget, rewriteNumber, type DialAction, type DialPlanOptions } from '../../../../firmware/phone/dial-plan/index.js';

const plan: DialPlanOptions = {
  digitMap: DigitMap.parse('[2-9]xxx|9,1[2-9]xx[2-9]xxxxxx|*xx|*xx#|011x.T'),
  shortTimeoutMs: 3000,
  longTimeoutMs: 10000,
  emergencyNumbers: ['911', '112'],
  rewrite: [{ match: '^9(1\\d{10})$', replace: '+$1' }],
};

function keys(session: DialSession, sequence: string): DialAction[] {
  return [...sequence].flatMap((k) => session.press(k));
}

const dialOf = (actions: DialAction[]) => actions.find((a) => a.type === 'dial');

describe('dialling a number', () => {
  it('places an extension call the moment the fourth digit completes it', () => {
    const s = new DialSession(plan);
    expect(keys(s, '201')).toEqual([
      { type: 'start-timer', ms: 10000 },
      { type: 'start-timer', ms: 10000 },
      { type: 'start-timer', ms: 10000 },
    ]);
    expect(s.press('5')).toEqual([{ type: 'stop-timer' }, { type: 'dial', number: '2015', dialled: '2015', emergency: false }]);
    expect(s.finished).toBe(true);
    expect(s.press('6')).toEqual([]);
  });

  it('plays the outside-line tone after 9 and rewrites the number to E.164', () => {
    const s = new DialSession(plan);
    expect(s.press('9')).toEqual([{ type: 'second-dial-tone' }, { type: 'start-timer', ms: 10000 }]);
    expect(dialOf(keys(s, '12125551234'))).toEqual({ type: 'dial', number: '+12125551234', dialled: '912125551234', emergency: false });
  });

  it('waits the short timer on an open-ended international number, then dials', () => {
    const s = new DialSession(plan);
    const actions = keys(s, '01149301234');
    expect(actions.at(-1)).toEqual({ type: 'start-timer', ms: 3000 });
    expect(dialOf(s.timeout())).toMatchObject({ number: '01149301234' });
  });

  it('sends at once on # with what was keyed', () => {
    const s = new DialSession(plan);
    keys(s, '0114930');
    expect(dialOf(s.press('#'))).toMatchObject({ dialled: '0114930' });
  });

  it('keeps # as a key where the plan uses it (feature codes)', () => {
    const s = new DialSession(plan);
    keys(s, '*72');
    // *72 alone is complete only if nothing longer can follow; *72# may, so wait.
    expect(dialOf(s.press('#'))).toMatchObject({ dialled: '*72#' });
  });

  it('dials emergency numbers at once, unrewritten, even outside the plan', () => {
    const s = new DialSession({ ...plan, digitMap: DigitMap.parse('[2-9]xxx') });
    expect(s.press('1')).toEqual([{ type: 'stop-timer' }, { type: 'invalid', dialled: '1' }]);
    const e = new DialSession({ ...plan, digitMap: DigitMap.parse('[2-9]xxx'), emergencyNumbers: ['911'] });
    expect(dialOf(keys(e, '911'))).toEqual({ type: 'dial', number: '911', dialled: '911', emergency: true });
  });

  it('reports a number that can never match', () => {
    const s = new DialSession(plan);
    expect(s.press('1')).toEqual([{ type: 'stop-timer' }, { type: 'invalid', dialled: '1' }]);
  });

  it('gives up with "invalid" when the long timer fires on an incomplete number', () => {
    const s = new DialSession(plan);
    keys(s, '20');
    expect(s.timeout()).toEqual([{ type: 'stop-timer' }, { type: 'invalid', dialled: '20' }]);
  });

  it('backspace removes the last key and re-arms the timer for what is left', () => {
    const s = new DialSession(plan);
    keys(s, '201');
    expect(s.backspace()).toEqual([{ type: 'start-timer', ms: 10000 }]);
    expect(s.digits).toBe('20');
    s.backspace();
    expect(s.backspace()).toEqual([{ type: 'stop-timer' }]);
  });
});

describe('rewriting', () => {
  it('applies the first matching rule only', () => {
    const rules = [
      { match: '^0(\\d+)$', replace: '+49$1' },
      { match: '^\\+49', replace: 'never' },
    ];
    expect(rewriteNumber('03012345', rules)).toBe('+493012345');
    expect(rewriteNumber('2015', rules)).toBe('2015');
  });
});

describe('direct dialling from the web page', () => {
  it.each([
    ['2015', 'pbx.example.com', 'sip:2015@pbx.example.com'],
    ['sip:alice@192.0.2.10:5070', undefined, 'sip:alice@192.0.2.10:5070'],
    ['alice@example.org', undefined, 'sip:alice@example.org'],
    ['192.0.2.10', undefined, 'sip:192.0.2.10'],
    ['192.0.2.10:5062', undefined, 'sip:192.0.2.10:5062'],
    ['2001:db8::5', undefined, 'sip:[2001:db8::5]'],
    ['*72#', 'pbx.example.com', 'sip:*72%23@pbx.example.com'],
  ])('%s → %s', (input, domain, uri) => {
    expect(resolveDialTarget(input, domain)).toBe(uri);
  });

  it('refuses what cannot be called, saying why', () => {
    expect(() => resolveDialTarget('2015', undefined)).toThrow(/needs an account/);
    expect(() => resolveDialTarget('a b', undefined)).toThrow(/spaces/);
    expect(() => resolveDialTarget('', undefined)).toThrow(/nothing to call/);
    expect(() => resolveDialTarget('<script>', undefined)).toThrow(/expected a number/);
  });
});
