import { describe, expect, it } from 'vitest';
import { StreamFramer, StreamFramingError, type FramedUnit } from '../../../../firmware/sip/transport/index.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

const OPTIONS =
  'OPTIONS sip:phone@lab.test SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bK1\r\nCall-ID: a\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n';
const MESSAGE_WITH_BODY =
  'MESSAGE sip:phone@lab.test SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bK2\r\nl: 5\r\n\r\nhello';

function texts(units: FramedUnit[]): string[] {
  return units.map((u) => (u.type === 'message' ? dec.decode(u.data) : `<${u.type}>`));
}

describe('StreamFramer (RFC 3261 §18.3)', () => {
  it('frames two coalesced messages from one chunk', () => {
    const f = new StreamFramer();
    expect(texts(f.push(enc.encode(OPTIONS + MESSAGE_WITH_BODY)))).toEqual([OPTIONS, MESSAGE_WITH_BODY]);
    expect(f.buffered).toBe(0);
  });

  it('waits for the body announced by a compact Content-Length, fed one byte at a time', () => {
    const f = new StreamFramer();
    const bytes = enc.encode(MESSAGE_WITH_BODY);
    const out: FramedUnit[] = [];
    for (let i = 0; i < bytes.length; i++) {
      out.push(...f.push(bytes.subarray(i, i + 1)));
      if (i < bytes.length - 1) expect(out).toHaveLength(0);
    }
    expect(texts(out)).toEqual([MESSAGE_WITH_BODY]);
  });

  it('finds the header end when CRLFCRLF straddles two chunks', () => {
    const f = new StreamFramer();
    const cut = OPTIONS.length - 3;
    expect(f.push(enc.encode(OPTIONS.slice(0, cut)))).toEqual([]);
    expect(texts(f.push(enc.encode(OPTIONS.slice(cut))))).toEqual([OPTIONS]);
  });

  it('reads Content-Length case-insensitively with space before the colon', () => {
    const msg = 'MESSAGE sip:a@b SIP/2.0\r\ncontent-LENGTH  : 3\r\n\r\nabc';
    expect(texts(new StreamFramer().push(enc.encode(msg + OPTIONS)))).toEqual([msg, OPTIONS]);
  });

  it('treats a double CRLF between messages as a ping and a single CRLF as a pong (RFC 5626 §3.5.1)', () => {
    const f = new StreamFramer();
    expect(texts(f.push(enc.encode('\r\n\r\n')))).toEqual(['<ping>']);
    expect(texts(f.push(enc.encode('\r\n')))).toEqual(['<pong>']);
    expect(texts(f.push(enc.encode('\r\n\r\n' + OPTIONS)))).toEqual(['<ping>', OPTIONS]);
  });

  it('refuses a header section that never ends, so a hostile peer cannot grow memory', () => {
    const f = new StreamFramer({ maxHeaderBytes: 1024 });
    expect(() => f.push(enc.encode('INVITE sip:a@b SIP/2.0\r\n' + 'X: y\r\n'.repeat(400)))).toThrow(StreamFramingError);
  });

  it('refuses a Content-Length that is not a number or is too large', () => {
    expect(() => new StreamFramer().push(enc.encode('MESSAGE sip:a@b SIP/2.0\r\nContent-Length: -1\r\n\r\n'))).toThrow(/not a number/);
    expect(() => new StreamFramer({ maxBodyBytes: 100 }).push(enc.encode('MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 101\r\n\r\n'))).toThrow(/exceeds/);
  });

  it('refuses two Content-Length headers that disagree, since either cut could be wrong', () => {
    const framer = new StreamFramer();
    expect(() => framer.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nl: 1\r\nContent-Length: 2\r\n\r\nab'))).toThrow(/conflicting Content-Length values 1 and 2/);
    expect(new StreamFramer().push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nl: 2\r\nContent-Length: 2\r\n\r\nab'))).toHaveLength(1);
  });

  it('frames a message without Content-Length as having an empty body', () => {
    const msg = 'OPTIONS sip:a@b SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n';
    expect(texts(new StreamFramer().push(enc.encode(msg + msg)))).toEqual([msg, msg]);
  });
});
