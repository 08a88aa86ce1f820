import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SipParseError, parseMessage, serializeMessage, type SipMessage } from '../../../../firmware/sip/message/index.js';
import { parseMessageCarefully } from '../../../../firmware/sip/message/parser.js';
import { buildCorpus } from './fixtures/malformed-corpus.js';
import { INVITE_WITH_SDP, REALISTIC_MIX } from './fixtures/messages.js';

/**
 * parseMessage takes a fast path for clean ASCII header sections (bytes read
 * four at a time, values cut when first read) and falls back to the
 * character-by-character scanner for anything else. The two must never
 * disagree: same message, or same error at the same place.
 */
type Outcome = { error: string; offset: number; line: number } | { kind: string; wire: string; fields: string[] };

function outcome(parse: (d: Uint8Array) => SipMessage, data: Uint8Array): Outcome {
  let m: SipMessage;
  try {
    m = parse(data);
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
    return { error: e.reason, offset: e.offset, line: e.line };
  }
  return { kind: m.kind, wire: Buffer.from(serializeMessage(m)).toString('latin1'), fields: [...m.headers].map((f) => `${f.name}: ${f.value}`) };
}

function expectSameAnswer(data: Uint8Array): void {
  expect(outcome(parseMessage, data)).toEqual(outcome(parseMessageCarefully, data));
}

/** `bytes` placed `shift` bytes into a larger buffer, so the word reads start at every alignment. */
function shifted(bytes: Uint8Array, shift: number): Uint8Array {
  const room = new Uint8Array(bytes.length + 8);
  room.set(bytes, shift);
  return room.subarray(shift, shift + bytes.length);
}

describe('the fast path and the careful scanner give the same answers', () => {
  it('for every case of the malformed corpus', () => {
    for (const c of buildCorpus()) expectSameAnswer(c.data);
  });

  it('for the realistic mix at every alignment in its buffer', () => {
    for (const m of REALISTIC_MIX) for (let shift = 0; shift < 4; shift++) expectSameAnswer(shifted(Buffer.from(m), shift));
  });

  it('for a control, HTAB, SP, ~, DEL, non-ASCII, CR or LF byte at every position of the header section, at every alignment', () => {
    const base = Buffer.from(INVITE_WITH_SDP);
    const headLength = INVITE_WITH_SDP.indexOf('\r\n\r\n') + 4;
    for (const byte of [0x00, 0x08, 0x09, 0x0a, 0x0d, 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0xc3, 0xff]) {
      for (let at = 0; at < headLength; at++) {
        const bytes = Buffer.from(base);
        bytes[at] = byte;
        for (let shift = 0; shift < 4; shift++) expectSameAnswer(shifted(bytes, shift));
      }
    }
  });

  it('a clean message is still rejected for what is not about bytes: a NUL only in the header name is named as such', () => {
    const bytes = Buffer.from(INVITE_WITH_SDP.replace('Max-Forwards', 'Max\0Forwards'));
    expect(() => parseMessage(bytes)).toThrow(/bad character in header name/);
  });

  it('for valid messages with bytes flipped, inserted or deleted', () => {
    const edit = fc.record({ at: fc.nat(), kind: fc.constantFrom('flip', 'insert', 'delete'), byte: fc.integer({ min: 0, max: 255 }) });
    fc.assert(
      fc.property(fc.constantFrom(...REALISTIC_MIX), fc.array(edit, { minLength: 1, maxLength: 6 }), fc.nat(3), (message, edits, shift) => {
        const bytes = [...Buffer.from(message)];
        for (const e of edits) {
          const at = e.at % (bytes.length + 1);
          if (e.kind === 'flip' && at < bytes.length) bytes[at] = e.byte;
          else if (e.kind === 'insert') bytes.splice(at, 0, e.byte);
          else bytes.splice(at, 1);
        }
        expectSameAnswer(shifted(Uint8Array.from(bytes), shift));
      }),
      { numRuns: 2000 },
    );
  });

  it('for arbitrary header lines, folded ones and odd spacing included', () => {
    const line = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom('Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'v : SIP/2.0/UDP h', 'CSeq: 1 INVITE', 'Content-Length: 3', 'l: 0', 'l: 3', ' folded', '\tfolded', 'To: <sip:a@b>;tag=1', 'X:', 'X: \t', 'From:<sip:b@c>'),
    );
    fc.assert(
      fc.property(fc.constantFrom('INVITE sip:a@b SIP/2.0', 'SIP/2.0 200 OK', 'OPTIONS tel:+1 SIP/2.0', ''), fc.array(line, { maxLength: 16 }), fc.string({ maxLength: 8 }), fc.nat(3), (start, lines, body, shift) => {
        expectSameAnswer(shifted(Buffer.from([start, ...lines, '', body].join('\r\n')), shift));
      }),
      { numRuns: 2000 },
    );
  });
});
