import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FakeClock } from '../../../support/fake-clock.js';
import { UserAgentCore } from '../../../../firmware/sip/ua/index.js';
import type { HostPort, Transport, TransportProtocol } from '../../../../firmware/sip/transport/index.js';

// Issue 3 point 7: "a request that fails to parse never stops the UA". The core
// catches everything at its edge, so the property checked here is stronger:
// no hostile input reaches that last-resort catch (every fault is a handled
// parse or validation error), and the UA still answers a good request after.

const enc = new TextEncoder();

class CountingTransport implements Transport {
  readonly reliable = false;
  sends = 0;
  constructor(
    readonly protocol: TransportProtocol,
    readonly local: HostPort,
  ) {}
  send() {
    this.sends++;
    return Promise.resolve({ local: this.local });
  }
  sendKeepAlive() {
    return Promise.resolve();
  }
  close() {
    return Promise.resolve();
  }
}

const VALID_TEMPLATE =
  'INVITE sip:alice@127.0.0.1:5062 SIP/2.0\r\n' +
  'Via: SIP/2.0/UDP 10.1.1.1:5070;branch=z9hG4bKfuzz-RUN;rport\r\n' +
  'Max-Forwards: 70\r\n' +
  'From: "Bob" <sip:bob@lab.test>;tag=bobtag\r\n' +
  'To: <sip:alice@lab.test>\r\n' +
  'Call-ID: fuzz-RUN@lab.test\r\n' +
  'CSeq: 1 INVITE\r\n' +
  'Contact: <sip:bob@10.1.1.1:5070;transport=udp>\r\n' +
  'Require: timer\r\n' +
  'Supported: replaces\r\n' +
  'Record-Route: <sip:p1.lab.test;lr>, <sip:[2001:db8::1]:5060;lr>\r\n' +
  'Content-Type: application/sdp\r\n' +
  'Content-Length: 4\r\n\r\nv=0\n';

function setup() {
  const internalErrors: unknown[] = [];
  const udp = new CountingTransport('UDP', { address: '127.0.0.1', port: 5062 });
  const core = new UserAgentCore({
    clock: new FakeClock(),
    transports: [udp],
    supported: ['timer'],
    locate: () => Promise.resolve([]),
    log: {
      debug() {},
      info() {},
      warn(obj: object, msg?: string) {
        if (msg?.includes('internal error')) internalErrors.push((obj as { err?: unknown }).err);
      },
    },
  });
  core.setHandler('INVITE', (i) => {
    // A usage that reads what a call would read, so lazily parsed headers are exercised too.
    void i.request.contacts;
    void i.request.recordRoutes;
    void i.request.bodyText;
    i.respond(486);
  });
  let n = 0;
  const feed = (data: Uint8Array) => core.receive({ data, protocol: 'UDP', remote: { address: '10.1.1.1', port: 5070 }, local: udp.local });
  const stillAnswers = () => {
    const before = udp.sends;
    n++;
    feed(enc.encode(`OPTIONS sip:alice@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 10.1.1.1;branch=z9hG4bKok${n}\r\nMax-Forwards: 0\r\nFrom: <sip:p@lab.test>;tag=p\r\nTo: <sip:alice@lab.test>\r\nCall-ID: ok${n}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`));
    return udp.sends === before + 1;
  };
  return { feed, stillAnswers, internalErrors };
}

// Each run gets its own branch and Call-ID, or the transaction layer would absorb it as a retransmission.
let run = 0;
const nextValid = () => VALID_TEMPLATE.replaceAll('RUN', String(++run).padStart(6, '0'));
const VALID = nextValid();

/** Edits of a valid message: cut, splice in junk, duplicate or drop a line, flip bytes. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat(VALID.length), len: fc.nat(40) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(VALID.length), text: fc.string({ maxLength: 30, unit: 'binary' }) }),
  fc.record({ kind: fc.constant('line' as const), line: fc.nat(14), dup: fc.boolean() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(VALID.length - 1), byte: fc.integer({ min: 0, max: 255 }) }),
);

function mutate(text: string, edits: Array<fc.Arbitrary<unknown> extends never ? never : any>): Uint8Array {
  let s = text;
  for (const e of edits) {
    if (e.kind === 'cut') s = s.slice(0, e.at) + s.slice(e.at + e.len);
    else if (e.kind === 'insert') s = s.slice(0, e.at) + e.text + s.slice(e.at);
    else if (e.kind === 'line') {
      const lines = s.split('\r\n');
      const i = e.line % lines.length;
      if (e.dup) lines.splice(i, 0, lines[i]!);
      else lines.splice(i, 1);
      s = lines.join('\r\n');
    } else {
      const b = Buffer.from(s, 'latin1');
      if (b.length > 0) b[e.at % b.length] = e.byte;
      s = b.toString('latin1');
    }
  }
  return Buffer.from(s, 'latin1');
}

describe('UA core under hostile input', () => {
  it('handles random bytes without an internal error and keeps answering', () => {
    const t = setup();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1500 }), (bytes) => {
        t.feed(bytes);
        expect(t.internalErrors).toEqual([]);
        expect(t.stillAnswers()).toBe(true);
      }),
      { numRuns: 300, seed: 3261 },
    );
  });

  it('handles mutated requests without an internal error and keeps answering', () => {
    const t = setup();
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (edits) => {
        t.feed(mutate(nextValid(), edits));
        expect(t.internalErrors).toEqual([]);
        expect(t.stillAnswers()).toBe(true);
      }),
      { numRuns: 600, seed: 18 },
    );
  });
});
