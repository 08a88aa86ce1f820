import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonStore } from '../../../firmware/config/index.js';
import { CallLog, CALL_LOG_LIMIT, type CallRecord } from '../../../firmware/phone/call-log.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deskphone-calllog-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const open = () => CallLog.open(new JsonStore(join(dir, 'calls.json'), CallLog.emptyFile));

function call(id: number, over: Partial<CallRecord> = {}): CallRecord {
  return {
    id: `c${id}`,
    direction: 'incoming',
    outcome: 'answered',
    remoteUri: `sip:${200 + id}@pbx.example.com`,
    number: String(200 + id),
    startedAt: new Date(Date.UTC(2026, 10, 25, 9, 0, id)).toISOString(),
    endedAt: new Date(Date.UTC(2026, 10, 25, 9, 1, id)).toISOString(),
    durationS: 60,
    ...over,
  };
}

describe('call log', () => {
  it('keeps calls newest first and survives a restart', async () => {
    const log = await open();
    await log.add(call(1));
    await log.add(call(2, { direction: 'outgoing' }));
    const reopened = await open();
    expect(reopened.list().map((c) => c.id)).toEqual(['c2', 'c1']);
    expect(reopened.lastDialled?.id).toBe('c2');
  });

  it(`keeps only the last ${CALL_LOG_LIMIT} calls`, async () => {
    const log = await open();
    for (let i = 0; i < CALL_LOG_LIMIT + 5; i++) await log.add(call(i));
    const reopened = await open();
    expect(reopened.list()).toHaveLength(CALL_LOG_LIMIT);
    expect(reopened.list()[0]!.id).toBe(`c${CALL_LOG_LIMIT + 4}`);
  });

  it('separates missed, received and dialled calls', async () => {
    const log = await open();
    await log.add(call(1, { outcome: 'missed' }));
    await log.add(call(2));
    await log.add(call(3, { direction: 'outgoing', outcome: 'failed', reason: 'Busy' }));
    expect(log.list('missed').map((c) => c.id)).toEqual(['c1']);
    expect(log.list('received').map((c) => c.id)).toEqual(['c2']);
    expect(log.list('dialed').map((c) => c.id)).toEqual(['c3']);
  });

  it('counts missed calls until they are viewed', async () => {
    const log = await open();
    await log.add(call(1, { outcome: 'missed' }));
    await log.add(call(2, { outcome: 'missed' }));
    expect(log.unseenMissed).toBe(2);
    await log.markMissedSeen();
    expect(log.unseenMissed).toBe(0);
    expect((await open()).unseenMissed).toBe(0);
    await log.add(call(3, { outcome: 'missed' }));
    expect(log.unseenMissed).toBe(1);
  });
});
