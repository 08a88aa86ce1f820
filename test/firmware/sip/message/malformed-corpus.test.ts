import { describe, expect, it } from 'vitest';
import { SipParseError, parseMessage, validateRequest, type SipMessage } from '../../../../firmware/sip/message/index.js';
import { buildCorpus, type CorpusCase } from './fixtures/malformed-corpus.js';

const corpus = buildCorpus();

/**
 * CPU time (not wall time, so a loaded machine does not fail it) one message
 * may take: a linear parse of 64 KiB takes well under a millisecond; anything
 * super-linear on hostile input would take seconds.
 */
const CPU_BUDGET_MS = 250;

function timed<T>(f: () => T): { value?: T; error?: unknown; cpuMs: number } {
  const start = process.cpuUsage();
  try {
    const value = f();
    const used = process.cpuUsage(start);
    return { value, cpuMs: (used.user + used.system) / 1000 };
  } catch (error) {
    const used = process.cpuUsage(start);
    return { error, cpuMs: (used.user + used.system) / 1000 };
  }
}

function readEverything(m: SipMessage): void {
  // what the layers above may read; each either works or throws SipParseError
  for (const read of [() => m.vias, () => m.from.uri, () => m.to.uri, () => m.contacts, () => m.routes, () => m.recordRoutes, () => m.expires, () => m.contentLength]) {
    try {
      read();
    } catch (e) {
      expect(e).toBeInstanceOf(SipParseError);
    }
  }
}

function check(c: CorpusCase): void {
  const r = timed(() => parseMessage(c.data));
  expect(r.cpuMs, 'CPU time').toBeLessThan(CPU_BUDGET_MS);
  const e = c.expect;
  if (e.kind === 'reject') {
    expect(r.error, 'should be rejected').toBeInstanceOf(SipParseError);
    expect((r.error as SipParseError).reason).toMatch(e.reason);
    expect((r.error as SipParseError).offset).toBeGreaterThanOrEqual(0);
    expect((r.error as SipParseError).offset).toBeLessThanOrEqual(Math.max(c.data.length, 65_535));
    return;
  }
  if (r.error) throw r.error;
  const m = r.value!;
  if (e.kind === 'reject-on-read') {
    const read = timed(() => e.read(m));
    expect(read.cpuMs, 'CPU time of the read').toBeLessThan(CPU_BUDGET_MS);
    expect(read.error, 'reading should fail').toBeInstanceOf(SipParseError);
    expect((read.error as SipParseError).reason).toMatch(e.reason);
  } else if (e.kind === 'invalid-request') {
    expect(m.kind).toBe('request');
    const problems = validateRequest(m as never);
    expect(problems.some((p) => p.status === e.status && e.reason.test(p.reason)), JSON.stringify(problems)).toBe(true);
  } else {
    if (m.kind === 'request') expect(validateRequest(m)).toEqual([]);
    readEverything(m);
  }
}

describe('malformed and hostile messages', () => {
  it('has at least 200 cases, of every kind', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    for (const kind of ['reject', 'reject-on-read', 'invalid-request', 'accept']) expect(corpus.some((c) => c.expect.kind === kind)).toBe(true);
  });

  // one test per case would make 1500 report lines; groups keep failures readable
  const groups = new Map<string, CorpusCase[]>();
  for (const c of corpus) {
    const group = c.name.replace(/ truncated to \d+ bytes$/, ' truncated').replace(/ #\d+.*$/, '');
    groups.set(group, [...(groups.get(group) ?? []), c]);
  }
  for (const [group, cases] of groups) {
    it(`${group} (${cases.length})`, () => {
      for (const c of cases) {
        try {
          check(c);
        } catch (err) {
          throw new Error(`case "${c.name}": ${(err as Error).message}`, { cause: err });
        }
      }
    });
  }
});
