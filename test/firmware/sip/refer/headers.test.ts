import { describe, expect, it } from 'vitest';
import { parseUri } from '../../../../firmware/sip/message/index.js';
import { formatReferTo, formatReplaces, formatSipfrag, parseReferTo, parseReplaces, parseSipfrag, ReferError, replacesFor } from '../../../../firmware/sip/refer/index.js';

describe('Refer-To (RFC 3515 §2.1) and Replaces (RFC 3891 §6.1)', () => {
  it('reads a plain Refer-To as the target with no Replaces', () => {
    const target = parseReferTo('"Carol" <sip:carol@lab.test>');
    expect(target.uri.toString()).toBe('sip:carol@lab.test');
    expect(target.displayName).toBe('Carol');
    expect(target.replaces).toBeUndefined();
  });

  it('escapes the Replaces of an attended transfer into the URI and reads it back, leaving the INVITE target clean', () => {
    const replaces = { callId: 'a84b4c76e66710@pc33', toTag: '314159', fromTag: '1928301774', earlyOnly: false };
    const text = formatReferTo(parseUri('sip:carol@127.0.0.1:5080'), replaces);
    expect(text).toBe('<sip:carol@127.0.0.1:5080?Replaces=a84b4c76e66710%40pc33%3Bto-tag%3D314159%3Bfrom-tag%3D1928301774>');
    const back = parseReferTo(text);
    expect(back.uri.toString()).toBe('sip:carol@127.0.0.1:5080');
    expect(back.replaces).toEqual(replaces);
  });

  it('reads the early-only flag and refuses a Replaces without both tags', () => {
    expect(parseReplaces('abc@h;from-tag=1;to-tag=2;early-only')).toEqual({ callId: 'abc@h', toTag: '2', fromTag: '1', earlyOnly: true });
    expect(formatReplaces({ callId: 'x', toTag: '2', fromTag: '1', earlyOnly: true })).toBe('x;to-tag=2;from-tag=1;early-only');
    expect(() => parseReplaces('abc@h;to-tag=2')).toThrow(ReferError);
    expect(() => parseReferTo('<sip:carol@lab.test?Replaces=abc%3Bto-tag%3D2>')).toThrow(ReferError);
  });

  it("reads baresip 1.0.0's Replaces, whose escaped ; and = arrive as ?, and still refuses one without tags", () => {
    // As captured from baresip 1.0.0 following our Refer-To <sip:carol@…?Replaces=TJys…%3Bto-tag%3DUE0…%3Bfrom-tag%3DBaGw…>.
    expect(parseReplaces('TJysDqXzqLjPITDSyDn_9w?to-tag?UE0-Bwk3RSo?from-tag?BaGwYPjzP4Y')).toEqual({
      callId: 'TJysDqXzqLjPITDSyDn_9w',
      toTag: 'UE0-Bwk3RSo',
      fromTag: 'BaGwYPjzP4Y',
      earlyOnly: false,
    });
    expect(parseReplaces('a?b@h?from-tag?1?early-only?to-tag?2')).toEqual({ callId: 'a?b@h', toTag: '2', fromTag: '1', earlyOnly: true });
    expect(() => parseReplaces('abc?to-tag?2')).toThrow(ReferError);
    expect(() => parseReplaces('abc?def')).toThrow(ReferError);
  });

  it('names our dialog from the far side: their to-tag is our remote tag', () => {
    expect(replacesFor({ callId: 'c1', localTag: 'ours', remoteTag: 'theirs' })).toEqual({ callId: 'c1', toTag: 'theirs', fromTag: 'ours', earlyOnly: false });
  });
});

describe('message/sipfrag (RFC 3420, RFC 3515 §2.4.5)', () => {
  it('round-trips a status line', () => {
    expect(formatSipfrag(180, 'Ringing')).toBe('SIP/2.0 180 Ringing\r\n');
    expect(parseSipfrag('SIP/2.0 180 Ringing\r\n')).toEqual({ status: 180, reason: 'Ringing' });
  });

  it('reads the first line of a fragment that carries headers, and a bare status', () => {
    expect(parseSipfrag('SIP/2.0 486 Busy Here\r\nContent-Length: 0\r\n\r\n')).toEqual({ status: 486, reason: 'Busy Here' });
    expect(parseSipfrag('SIP/2.0 200')).toEqual({ status: 200, reason: '' });
  });

  it('refuses a body that is not a status line', () => {
    expect(() => parseSipfrag('INVITE sip:bob@lab.test SIP/2.0\r\n')).toThrow(ReferError);
    expect(() => parseSipfrag('')).toThrow(ReferError);
  });
});
