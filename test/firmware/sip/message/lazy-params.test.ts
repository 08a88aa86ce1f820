import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SipParseError, parseHeaderParams, parseMessage, parseNameAddr, parseVia } from '../../../../firmware/sip/message/index.js';
import { scanHeaderParams } from '../../../../firmware/sip/message/params.js';
import { OK_WITH_SDP } from './fixtures/messages.js';

/**
 * A parsed Via, From or To checks its parameters at parse time
 * (scanHeaderParams) but builds its Params only when they are read. The
 * check must reject exactly what building rejects, and what it keeps
 * (branch, received, rport, tag) must equal what the built Params say.
 */
function outcome<T>(f: () => T): T | { error: string; offset: number } {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
    return { error: e.reason, offset: e.offset };
  }
}

describe('parameters checked at once, built when read', () => {
  it('scanHeaderParams rejects what parseHeaderParams rejects, at the same place, and finds the same values', () => {
    const piece = fc.constantFrom(';', '=', ' ', '\t', '"', '\\', ',', ':', '[', ']', 'branch', 'BRANCH', 'rport', 'received', 'tag', 'z9hG4bK1', '1.2.3.4', 'a b', '"q"', '<');
    const wanted = ['branch', 'received', 'rport'] as const;
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), (pieces) => {
        const s = pieces.join('');
        const built = outcome(() => parseHeaderParams(s, 0));
        const found: (string | null | undefined)[] = [];
        const checked = outcome(() => scanHeaderParams(s, 0, s.length, wanted, found));
        if ('error' in (built as object)) {
          expect(checked).toEqual(built);
        } else {
          expect(checked).toBeUndefined();
          const params = built as ReturnType<typeof parseHeaderParams>;
          expect(found).toEqual(wanted.map((n) => params.get(n)));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('a Via reads the same branch, received and rport before and after its Params are built', () => {
    for (const text of [
      'SIP/2.0/UDP 198.51.100.7:5060;received=198.51.100.7;rport=5060;branch=z9hG4bK74bf9',
      'SIP/2.0/TCP host;Branch=z9hG4bKa;RPORT',
      'SIP/2.0/UDP [2001:db8::1];branch=z9hG4bKb;branch=z9hG4bKc;received=2001:db8::2',
      'SIP/2.0/UDP host',
    ]) {
      const lazy = parseVia(text);
      const before = [lazy.branch, lazy.received, lazy.rport];
      const entries = lazy.params.entries;
      expect([lazy.branch, lazy.received, lazy.rport]).toEqual(before);
      expect(before).toEqual([lazy.params.get('branch') ?? undefined, lazy.params.get('received') ?? undefined, lazy.rport]);
      expect(entries).toEqual(parseHeaderParams(text, text.search(/;|$/)).entries);
      expect(String(parseVia(String(lazy)))).toBe(String(lazy));
    }
  });

  it('From and To read the same tag before and after their Params are built, and keep the other parameters', () => {
    const na = parseNameAddr('"Bob" <sip:202@pbx.example.com>;TAG=a73;x=1;lr');
    expect(na.tag).toBe('a73');
    expect(na.params.entries).toEqual([
      ['TAG', 'a73'],
      ['x', '1'],
      ['lr', null],
    ]);
    expect(na.tag).toBe('a73');
    expect(na.withTag('b').toString()).toBe('"Bob" <sip:202@pbx.example.com>;TAG=b;x=1;lr');
  });

  it('a parsed response keeps its Via parameters on the wire', () => {
    const m = parseMessage(OK_WITH_SDP);
    expect(m.topVia.branch).toBe('z9hG4bKcydzigwkX');
    expect(m.vias[1]!.received).toBe('198.51.100.7');
    expect(m.vias[1]!.rport).toBe(5060);
    expect(String(m.vias[1])).toBe('SIP/2.0/UDP 198.51.100.7:5060;received=198.51.100.7;rport=5060;branch=z9hG4bK74bf9');
  });
});

describe('copying a parsed Via', () => {
  it('keeps its branch and other parameters when the sent-by is rewritten at send time (§18.2.1)', () => {
    const via = parseVia('SIP/2.0/UDP 0.0.0.0:5060;branch=z9hG4bKabc;rport');
    const stamped = via.with({ host: '192.0.2.5', port: 5062 });
    expect(stamped.toString()).toBe('SIP/2.0/UDP 192.0.2.5:5062;branch=z9hG4bKabc;rport');
    expect(stamped.branch).toBe('z9hG4bKabc');
    expect(stamped.rport).toBeNull();
  });
});
