import { describe, expect, it } from 'vitest';
import { MwiParseError, parseMessageSummary, voiceCounts } from '../../../../firmware/sip/mwi/index.js';

describe('parseMessageSummary (RFC 3842 §5.2 application/simple-message-summary)', () => {
  it('reads the RFC 3842 §7.1 example: waiting, the account and voice counts with urgent ones', () => {
    const body = 'Messages-Waiting: yes\r\nMessage-Account: sip:alice@vmail.example.com\r\nVoice-Message: 4/8 (1/2)\r\n';
    expect(parseMessageSummary(body)).toEqual({
      waiting: true,
      account: 'sip:alice@vmail.example.com',
      classes: { 'voice-message': { new: 4, old: 8, urgentNew: 1, urgentOld: 2 } },
    });
  });

  it('reads what Asterisk sends (no urgent counts given means zero)', () => {
    const body = 'Messages-Waiting: no\r\nMessage-Account: sip:*97@192.0.2.10\r\nVoice-Message: 0/3 (0/0)\r\n';
    const summary = parseMessageSummary(body);
    expect(summary.waiting).toBe(false);
    expect(voiceCounts(summary)).toEqual({ new: 0, old: 3, urgentNew: 0, urgentOld: 0 });
    expect(voiceCounts(parseMessageSummary('Messages-Waiting: yes\nVoice-Message: 2/0\n'))).toEqual({ new: 2, old: 0, urgentNew: 0, urgentOld: 0 });
  });

  it('matches names and values case-insensitively and tolerates spacing', () => {
    const summary = parseMessageSummary('messages-waiting:YES\nVOICE-MESSAGE :  3 / 1 ( 1 / 0 )\nFax-Message: 1/0\n');
    expect(summary.waiting).toBe(true);
    expect(summary.classes).toEqual({
      'voice-message': { new: 3, old: 1, urgentNew: 1, urgentOld: 0 },
      'fax-message': { new: 1, old: 0, urgentNew: 0, urgentOld: 0 },
    });
  });

  it('keeps every RFC 3458 class apart from voice', () => {
    const summary = parseMessageSummary('Messages-Waiting: yes\nPager-Message: 1/2\nMultimedia-Message: 3/4\nText-Message: 5/6\nNone: 0/1\n');
    expect(Object.keys(summary.classes).sort()).toEqual(['multimedia-message', 'none', 'pager-message', 'text-message']);
    expect(voiceCounts(summary)).toEqual({ new: 0, old: 0, urgentNew: 0, urgentOld: 0 });
  });

  it('skips junk lines, malformed counts and the optional message headers after a blank line', () => {
    const body = [
      'Messages-Waiting: yes',
      'garbage without colon',
      'Voice-Message: lots/some',
      'X-Vendor: 7/7',
      'Voice-Message: 1/2',
      '',
      'To: <alice@example.com>',
      'From: <bob@example.com>',
      'Subject: call me',
      '',
    ].join('\r\n');
    const summary = parseMessageSummary(body);
    expect(summary).toEqual({ waiting: true, classes: { 'voice-message': { new: 1, old: 2, urgentNew: 0, urgentOld: 0 } } });
  });

  it('infers the lamp from the counts when a PBX leaves out Messages-Waiting', () => {
    expect(parseMessageSummary('Voice-Message: 2/0\n').waiting).toBe(true);
    expect(parseMessageSummary('Voice-Message: 0/5\n').waiting).toBe(false);
  });

  it('throws MwiParseError for a body with nothing to read', () => {
    expect(() => parseMessageSummary('hello\r\nworld\r\n')).toThrow(MwiParseError);
    expect(() => parseMessageSummary('')).toThrow(/Messages-Waiting/);
    expect(() => parseMessageSummary('Messages-Waiting: maybe\n')).toThrow(MwiParseError);
  });

  it('reads bytes as well as text', () => {
    expect(parseMessageSummary(new TextEncoder().encode('Messages-Waiting: yes\r\nVoice-Message: 1/0\r\n')).waiting).toBe(true);
  });
});
