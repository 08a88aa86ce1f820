/**
 * Memory per open transaction and per dialog (issue 3, Performance): retained
 * heap after a forced GC, divided by the number of live objects. A desk phone
 * holds a handful at once; the figure matters for a PBX-facing soak or for a
 * phone behind a chatty proxy (OPTIONS pings, NOTIFYs) on a 512 MB board.
 *
 * Each transaction holds its own freshly parsed request (what a real one
 * holds), so "parsed request alone" is the baseline the rows are compared to;
 * the npm `sip` parser's message object is printed for scale. No peer exposes
 * its transactions or dialogs standalone, so these are the comparable pieces.
 *
 * Run: npm run bench -- memory
 */
import { createRequire } from 'node:module';
import { printBench, type BenchRow } from '../../support/bench-report.js';
import { FakeClock } from '../../support/fake-clock.js';
import { parseMessage, type SipRequest, type SipResponse } from '../../../firmware/sip/message/index.js';
import { TransactionLayer, type TransactionTarget } from '../../../firmware/sip/transaction/index.js';
import { Dialog } from '../../../firmware/sip/dialog/index.js';

const require = createRequire(import.meta.url);
const npmSip = require('sip') as { parse(s: string | Buffer): unknown };

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc (npm run bench does)');

const N = 20_000;

const SDP = `v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\n`;

const invite = (i: number) =>
  `INVITE sip:bob@lab.test SIP/2.0\r\n` +
  `Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-${i}-abcdef;rport\r\n` +
  `Max-Forwards: 70\r\n` +
  `Record-Route: <sip:proxy.lab.test;lr>\r\n` +
  `From: "Alice" <sip:alice@lab.test>;tag=from-${i}\r\n` +
  `To: <sip:bob@lab.test>\r\n` +
  `Call-ID: call-${i}@192.0.2.10\r\n` +
  `CSeq: 1 INVITE\r\n` +
  `Contact: <sip:alice@192.0.2.10:5060>\r\n` +
  `Content-Type: application/sdp\r\n` +
  `Content-Length: ${SDP.length}\r\n\r\n` +
  SDP;

const ok = (i: number) =>
  `SIP/2.0 200 OK\r\n` +
  `Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-${i}-abcdef;rport\r\n` +
  `Record-Route: <sip:proxy.lab.test;lr>\r\n` +
  `From: "Alice" <sip:alice@lab.test>;tag=from-${i}\r\n` +
  `To: <sip:bob@lab.test>;tag=to-${i}\r\n` +
  `Call-ID: call-${i}@192.0.2.10\r\n` +
  `CSeq: 1 INVITE\r\n` +
  `Contact: <sip:bob@192.0.2.20:5060>\r\n` +
  `Content-Length: 0\r\n\r\n`;

/** Bytes retained per object made by `make`, the objects held in an array until measured. */
function retainedPerObject(make: (i: number) => unknown): number {
  const hold: unknown[] = new Array(N);
  gc!();
  gc!();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < N; i++) hold[i] = make(i);
  gc!();
  gc!();
  const after = process.memoryUsage().heapUsed;
  if (hold.length !== N) throw new Error('unreachable');
  return (after - before) / N;
}

const UDP: TransactionTarget = { protocol: 'UDP', address: '192.0.2.20', port: 5060 };
const noop = () => Promise.resolve();

const rows: BenchRow[] = [];
rows.push({ name: 'parsed request alone', value: retainedPerObject((i) => parseMessage(Buffer.from(invite(i)))), unit: 'B' });
rows.push({ name: 'npm sip parsed request', value: retainedPerObject((i) => npmSip.parse(Buffer.from(invite(i)).toString())), unit: 'B', note: 'peer message object, for scale' });

{
  // Client INVITE transactions in Calling on UDP: the request, two timers (A, B), the table entry.
  const clock = new FakeClock();
  const layer = new TransactionLayer({ clock, send: noop });
  rows.push({
    name: 'client INVITE transaction',
    value: retainedPerObject((i) => layer.sendRequest(parseMessage(Buffer.from(invite(i))) as SipRequest, { ...UDP }, { onResponse() {} })),
    unit: 'B',
    note: 'incl. its request and timers',
  });
  layer.dispose();
}
{
  // Server INVITE transactions in Proceeding: the request, the 100 Trying it sent, the table and merge entries.
  const clock = new FakeClock();
  const layer = new TransactionLayer({ clock, send: noop });
  rows.push({
    name: 'server INVITE transaction',
    value: retainedPerObject((i) => layer.receiveRequest(parseMessage(Buffer.from(invite(i))) as SipRequest, { ...UDP })),
    unit: 'B',
    note: 'incl. its request and 100 Trying',
  });
  layer.dispose();
}
rows.push({
  name: 'dialog (UAC, confirmed)',
  value: retainedPerObject((i) => Dialog.asUac(parseMessage(Buffer.from(invite(i))) as SipRequest, parseMessage(Buffer.from(ok(i))) as SipResponse)),
  unit: 'B',
  note: 'messages released after creation',
});

printBench(`retained heap per object (N = ${N})`, rows, 'parsed request alone');
