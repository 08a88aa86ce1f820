/**
 * SIP parse throughput (issue 3, Performance): our parser against the
 * header-split floor and the npm `sip`, drachtio-sip (full and lazy) and
 * JsSIP parsers, on a realistic mix (REGISTER with Authorization, INVITE with
 * SDP and Record-Route, 200 with SDP, 401, BYE, NOTIFY; ~600 bytes).
 *
 * Every contender gets a fresh Buffer copy of the next message on every call
 * (the copy is part of every figure, the floor's too), and every real parser
 * is made to yield what a transaction layer reads: top Via branch, CSeq,
 * Call-ID, From tag and To tag. Also prints retained heap per parsed message.
 *
 * Run: npm run bench -- parse
 */
import { createRequire } from 'node:module';
import { printBench, type BenchRow } from '../../support/bench-report.js';
import { parseMessage } from '../../../firmware/sip/message/index.js';
import { parseMessageCarefully } from '../../../firmware/sip/message/parser.js';
import { REALISTIC_MIX } from './message/fixtures/messages.js';

const require = createRequire(import.meta.url);
const npmSip = require('sip') as { parse(s: string | Buffer): any };
const drachtio = require('drachtio-sip/lib/parser') as {
  parseSipMessage(s: string | Buffer, lazy?: boolean): any;
  getParser(h: string): (d: { s: string; i: number }) => any;
};
const jssipParser = require('jssip/lib/Parser') as { parseMessage(data: string, ua: unknown): any };

const sources = REALISTIC_MIX.map((m) => Buffer.from(m, 'utf8'));
const avgBytes = sources.reduce((n, b) => n + b.length, 0) / sources.length;
const fresh = (i: number): Buffer => Buffer.from(sources[i % sources.length]!);

let sink = 0;
function keep(...values: unknown[]): void {
  for (const v of values) if (v !== undefined && v !== null) sink++;
}

type Contender = { name: string; parse: (buf: Buffer) => unknown; note?: string };

const contenders: Contender[] = [
  {
    name: 'header-split floor',
    note: 'decode + split into header lines, nothing else',
    parse(buf) {
      const s = buf.toString('utf8');
      const lines: string[] = [];
      let pos = 0;
      for (;;) {
        const eol = s.indexOf('\r\n', pos);
        if (eol < 0 || eol === pos) break;
        lines.push(s.slice(pos, eol));
        pos = eol + 2;
      }
      return lines;
    },
  },
  {
    name: 'name/value split',
    note: 'floor plus each line cut at the colon, names lower-cased',
    parse(buf) {
      const s = buf.toString('utf8');
      const names: string[] = [];
      const values: string[] = [];
      let pos = s.indexOf('\r\n') + 2;
      for (;;) {
        const eol = s.indexOf('\r\n', pos);
        if (eol < 0 || eol === pos) break;
        const colon = s.indexOf(':', pos);
        names.push(s.slice(pos, colon).trim().toLowerCase());
        values.push(s.slice(colon + 1, eol).trim());
        pos = eol + 2;
      }
      return values;
    },
  },
  {
    name: 'deskphone parse only',
    note: 'no field read beyond what the parser checks',
    parse(buf) {
      return parseMessage(buf);
    },
  },
  {
    name: 'deskphone',
    parse(buf) {
      const m = parseMessage(buf);
      keep(m.topVia.branch, m.cseq.seq, m.callId, m.from.tag, m.to.tag);
      return m;
    },
  },
  {
    name: 'deskphone careful only',
    note: 'as "deskphone" with the fast path off: every message through the character scanner',
    parse(buf) {
      const m = parseMessageCarefully(buf);
      keep(m.topVia.branch, m.cseq.seq, m.callId, m.from.tag, m.to.tag);
      return m;
    },
  },
  {
    name: 'npm sip',
    parse(buf) {
      const m = npmSip.parse(buf);
      const h = m.headers;
      keep(h.via[0].params.branch, h.cseq.seq, h['call-id'], h.from.params.tag, h.to.params.tag);
      return m;
    },
  },
  {
    name: 'drachtio-sip full',
    parse(buf) {
      const m = drachtio.parseSipMessage(buf, false);
      const h = m.headers;
      keep(h.via[0].params.branch, h.cseq.seq, h['call-id'], h.from.params.tag, h.to.params.tag);
      return m;
    },
  },
  {
    name: 'drachtio-sip lazy',
    note: 'then parses the 5 fields read',
    parse(buf) {
      const m = drachtio.parseSipMessage(buf, true);
      const h = m.headers;
      const via = drachtio.getParser('via')({ s: h.via, i: 0 });
      const cseq = drachtio.getParser('cseq')({ s: h.cseq, i: 0 });
      const from = drachtio.getParser('from')({ s: h.from, i: 0 });
      const to = drachtio.getParser('to')({ s: h.to, i: 0 });
      keep(via[0].params.branch, cseq.seq, h['call-id'], from.params.tag, to.params.tag);
      return m;
    },
  },
  {
    name: 'drachtio-sip lazy only',
    note: 'header strings only, no field parsed: compare with "deskphone parse only"',
    parse(buf) {
      return drachtio.parseSipMessage(buf, true);
    },
  },
  {
    name: 'JsSIP',
    parse(buf) {
      const m = jssipParser.parseMessage(buf.toString('utf8'), {});
      keep(m.via_branch, m.cseq, m.call_id, m.from_tag, m.to_tag);
      return m;
    },
  },
];

// each parser must read every message of the mix, or its figure means nothing
for (const c of contenders) for (let i = 0; i < sources.length; i++) c.parse(fresh(i));

/**
 * Messages per CPU-second of this process, best of several interleaved rounds:
 * the machine is shared, and interleaving plus CPU time (not wall time) keeps
 * another process's burst from landing on one contender only.
 */
function cpuRate(fn: (i: number) => unknown, ms: number): number {
  for (let i = 0; i < 300; i++) fn(i);
  const start = process.cpuUsage();
  let n = 0;
  let used = 0;
  while (used < ms) {
    for (let k = 0; k < 200; k++) fn(n++);
    const u = process.cpuUsage(start);
    used = (u.user + u.system) / 1000;
  }
  return (n / used) * 1000;
}

const ms = Number(process.env.BENCH_MS ?? 2500);
const ROUNDS = 5;
const best = new Map<string, number>();
for (let round = 0; round < ROUNDS; round++) {
  for (const c of contenders) {
    const rate = cpuRate((i) => c.parse(fresh(i)), ms / ROUNDS);
    best.set(c.name, Math.max(best.get(c.name) ?? 0, rate));
  }
}
const rows: BenchRow[] = contenders.map((c) => ({ name: c.name, value: best.get(c.name)!, unit: 'msg/s', note: c.note }));
printBench(`SIP parse, realistic mix of ${sources.length} (avg ${avgBytes.toFixed(0)} B), fresh copy per call, per CPU-second, best of ${ROUNDS} interleaved rounds`, rows, 'header-split floor');

const gc = (globalThis as { gc?: () => void }).gc;
if (gc) {
  const N = 20_000;
  const mem: BenchRow[] = [];
  for (const c of contenders.filter((x) => !x.name.includes('split') && !x.name.includes('only'))) {
    const held: unknown[] = new Array(N);
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < N; i++) held[i] = c.parse(fresh(i));
    gc();
    const after = process.memoryUsage().heapUsed;
    mem.push({ name: c.name, value: (after - before) / N, unit: 'B/msg', note: 'retained heap per parsed message, fields above read' });
    held.length = 0;
  }
  printBench('SIP parse, memory per parsed message', mem, 'deskphone');
}
if (sink === 0) console.log('(nothing read)');
