import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { Logging } from '../../../firmware/log/index.js';

function capture(): { lines: () => Array<Record<string, unknown>>; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return { stream, lines: () => chunks.join('').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('logging', () => {
  it('puts the component on every line', () => {
    const out = capture();
    const logging = new Logging({ destination: out.stream });
    logging.for('sip').info({ method: 'REGISTER' }, 'sent');
    logging.for('hal').warn('display missing');
    expect(out.lines().map((l) => [l.component, l.level, l.msg])).toEqual([
      ['sip', 'info', 'sent'],
      ['hal', 'warn', 'display missing'],
    ]);
  });

  it('lets one component be more verbose than the rest', () => {
    const out = capture();
    const logging = new Logging({ level: 'info', levels: { sip: 'debug' }, destination: out.stream });
    logging.for('sip').debug('retransmit');
    logging.for('media').debug('frame');
    expect(out.lines().map((l) => l.component)).toEqual(['sip']);
  });

  it('never writes a password', () => {
    const out = capture();
    const logging = new Logging({ destination: out.stream });
    logging.for('config').info({ account: { user: 'alice', password: 'hunter2' } }, 'loaded');
    logging.for('sip').info({ password: 'hunter2' }, 'auth');
    const text = JSON.stringify(out.lines());
    expect(text).not.toContain('hunter2');
    expect(text).toContain('[redacted]');
  });
});

describe('recent lines', () => {
  it('keeps the last lines in memory for log tail, secrets redacted there too', () => {
    const out = capture();
    const logging = new Logging({ destination: out.stream, recentLines: 3 });
    for (let i = 1; i <= 5; i++) logging.for('sip').info({ password: 'hunter2' }, `line ${i}`);
    const tail = logging.recent.tail(10).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(tail.map((l) => l.msg)).toEqual(['line 3', 'line 4', 'line 5']);
    expect(JSON.stringify(tail)).not.toContain('hunter2');
  });
});
