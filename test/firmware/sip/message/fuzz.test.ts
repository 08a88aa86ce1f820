import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  NameAddr,
  SipParseError,
  SipUri,
  Via,
  createRequest,
  createResponse,
  parseMessage,
  serializeMessage,
  uriEquals,
  type SipMessage,
  type SipRequest,
} from '../../../../firmware/sip/message/index.js';
import { REALISTIC_MIX } from './fixtures/messages.js';
import { StreamFramer, StreamFramingError } from '../../../../firmware/sip/transport/index.js';

const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** Parses, and if that works, reads every typed field; only SipParseError may escape. */
function parseAndRead(data: Uint8Array): SipMessage | undefined {
  let m: SipMessage;
  try {
    m = parseMessage(data);
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
    return undefined;
  }
  const reads = [
    () => m.vias,
    () => m.topVia,
    () => m.from.uri,
    () => m.to.uri,
    () => m.callId,
    () => m.cseq,
    () => m.contacts,
    () => m.contactWildcard,
    () => m.routes,
    () => m.recordRoutes,
    () => m.expires,
    () => m.maxForwards,
    () => m.contentLength,
    () => m.tokens('Supported'),
    () => (m.kind === 'request' ? m.uri : m.status),
  ];
  for (const read of reads) {
    try {
      read();
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e;
    }
  }
  return m;
}

/** Whatever parses serializes to bytes that parse again to the same bytes. */
function assertStable(m: SipMessage): void {
  const once = serializeMessage(m);
  const again = parseMessage(once);
  expect(text(serializeMessage(again))).toBe(text(once));
}

describe('fuzzing the parser', () => {
  it('arbitrary bytes never throw anything but SipParseError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        const m = parseAndRead(bytes);
        if (m) assertStable(m);
      }),
      { numRuns: 3000 },
    );
  });

  it('arbitrary text with CRLFs never throws anything but SipParseError', () => {
    const line = fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'CSeq: 1 INVITE', 'Content-Length: 3', 'l: 0', ' folded', 'To: <sip:a@b>;tag=1'));
    fc.assert(
      fc.property(fc.constantFrom('INVITE sip:a@b SIP/2.0', 'SIP/2.0 200 OK', 'OPTIONS tel:+1 SIP/2.0', ''), fc.array(line, { maxLength: 20 }), fc.string({ maxLength: 20 }), (start, lines, body) => {
        const m = parseAndRead(Buffer.from([start, ...lines, '', body].join('\r\n')));
        if (m) assertStable(m);
      }),
      { numRuns: 3000 },
    );
  });

  it('valid messages with bytes flipped, inserted or deleted never throw anything but SipParseError', () => {
    const edit = fc.record({ at: fc.nat(), kind: fc.constantFrom('flip', 'insert', 'delete'), byte: fc.integer({ min: 0, max: 255 }) });
    fc.assert(
      fc.property(fc.constantFrom(...REALISTIC_MIX), fc.array(edit, { minLength: 1, maxLength: 8 }), (message, edits) => {
        const bytes = [...Buffer.from(message)];
        for (const e of edits) {
          const at = e.at % (bytes.length + 1);
          if (e.kind === 'flip' && at < bytes.length) bytes[at] = e.byte;
          else if (e.kind === 'insert') bytes.splice(at, 0, e.byte);
          else bytes.splice(at, 1);
        }
        const m = parseAndRead(Uint8Array.from(bytes));
        if (m) assertStable(m);
      }),
      { numRuns: 3000 },
    );
  });
});

// generators of valid values
const tokenChars = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`\'~'];
const token = fc.array(fc.constantFrom(...tokenChars), { minLength: 1, maxLength: 12 }).map((a) => a.join(''));
const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,6}[a-z0-9])?$/);
const hostname = fc.array(label, { minLength: 1, maxLength: 3 }).map((a) => a.join('.'));
const host = fc.oneof(hostname, fc.ipV4(), fc.ipV6().map((a) => `[${a}]`));
/** Any text without control characters (quoted-strings and escaped user parts carry the rest). */
const printable = fc.string({ unit: 'grapheme', maxLength: 16 }).filter((s) => !/[\u0000-\u001f\u007f\ufffd]/.test(s));
const paramList = fc.uniqueArray(fc.tuple(token, fc.option(token, { nil: null })), { maxLength: 3, selector: ([n]) => n.toLowerCase() });
const sipUri = fc.record({ user: fc.option(printable.filter((s) => s.length > 0), { nil: undefined }), host, port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), params: paramList }).map(
  (u) => new SipUri(u),
);

describe('generated valid messages round-trip', () => {
  it('parse ∘ serialize gives the message built, and serialize ∘ parse ∘ serialize is the identity', () => {
    fc.assert(
      fc.property(
        fc.record({
          method: fc.oneof(fc.constantFrom('INVITE', 'REGISTER', 'OPTIONS', 'BYE', 'NOTIFY', 'MESSAGE'), token),
          uri: sipUri,
          fromName: fc.option(printable, { nil: undefined }),
          fromUri: sipUri,
          fromTag: token,
          toUri: sipUri,
          callId: fc.tuple(token, fc.option(hostname, { nil: undefined })).map(([a, h]) => (h ? `${a}@${h}` : a)),
          cseq: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
          viaHost: host,
          viaPort: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
          branch: token.map((t) => `z9hG4bK${t}`),
          transport: fc.constantFrom('UDP', 'TCP', 'TLS', 'WS'),
          extra: fc.array(fc.tuple(token.filter((t) => t.length > 1), printable.map((s) => s.trim())), { maxLength: 5 }),
          body: fc.uint8Array({ maxLength: 300 }),
        }),
        (g) => {
          const req = createRequest({
            method: g.method,
            uri: g.uri,
            from: new NameAddr(g.fromUri, [['tag', g.fromTag]], g.fromName),
            to: new NameAddr(g.toUri),
            callId: g.callId,
            cseq: g.cseq,
            via: new Via({ transport: g.transport, host: g.viaHost, port: g.viaPort, params: [['branch', g.branch], ['rport', null]] }),
            headers: g.extra,
            body: g.body,
            contentType: g.body.length > 0 ? 'application/octet-stream' : undefined,
          });
          const bytes = serializeMessage(req);
          const p = parseMessage(bytes) as SipRequest;
          expect(p.method).toBe(g.method);
          expect(uriEquals(p.uri, g.uri)).toBe(true);
          expect(p.from.displayName).toBe(g.fromName);
          expect(uriEquals(p.from.uri, g.fromUri)).toBe(true);
          expect(p.from.tag).toBe(g.fromTag);
          expect(uriEquals(p.to.uri, g.toUri)).toBe(true);
          expect(p.callId).toBe(g.callId);
          expect(p.cseq.seq).toBe(g.cseq);
          expect(p.topVia.branch).toBe(g.branch);
          expect(p.topVia.host).toBe(g.viaHost);
          expect(p.topVia.port).toBe(g.viaPort);
          expect(p.topVia.rport).toBeNull();
          for (const [name, value] of g.extra) expect(p.headers.getAll(name)).toContain(value);
          expect([...p.body]).toEqual([...g.body]);
          expect(text(serializeMessage(p))).toBe(text(bytes));

          const res = createResponse(p, 200, { toTag: 'resp1' });
          const rp = parseMessage(serializeMessage(res));
          expect(rp.kind).toBe('response');
          expect(rp.to.tag).toBe('resp1');
          expect(rp.topVia.branch).toBe(g.branch);
          assertStable(rp);
        },
      ),
      { numRuns: 1500 },
    );
  });
});

describe('fuzzing stream framing (the transport\'s StreamFramer, RFC 3261 §18.3)', () => {
  it('finds the same messages however a TCP stream of them is cut into chunks', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...REALISTIC_MIX), { minLength: 1, maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 30 }), fc.boolean(), (messages, cuts, keepAlives) => {
        const wire = Buffer.concat(messages.map((m) => Buffer.from((keepAlives ? '\r\n\r\n' : '') + m)));
        const framer = new StreamFramer();
        const got: string[] = [];
        let offset = 0;
        for (let k = 0; offset < wire.length; k++) {
          const size = cuts[k % cuts.length]!;
          for (const unit of framer.push(wire.subarray(offset, offset + size))) {
            if (unit.type === 'message') got.push(text(serializeMessage(parseMessage(unit.data, { stream: true }))));
          }
          offset += size;
        }
        expect(got).toEqual(messages);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws anything but StreamFramingError on arbitrary stream bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 2000 }), { maxLength: 4 }), (chunks) => {
        const framer = new StreamFramer({ maxHeaderBytes: 1024, maxBodyBytes: 1024 });
        try {
          for (const chunk of chunks) framer.push(chunk);
        } catch (e) {
          if (!(e instanceof StreamFramingError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });
});

