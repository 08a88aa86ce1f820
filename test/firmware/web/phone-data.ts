import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonStore } from '../../../firmware/config/index.js';
import { CallLog, type CallRecord } from '../../../firmware/phone/call-log.js';
import { ContactBook } from '../../../firmware/phone/contacts/index.js';
import type { PhoneControl } from '../../../firmware/web/index.js';

/**
 * The phone's real call log and contact book in a temp dir, offered to the web
 * as main.ts offers them, with every dial recorded.
 */
export interface PhoneData {
  callLog: CallLog;
  contacts: ContactBook;
  dialled: string[];
  phone: PhoneControl;
  close(): Promise<void>;
}

export async function phoneData(): Promise<PhoneData> {
  const dir = await mkdtemp(join(tmpdir(), 'deskphone-web-data-'));
  const callLog = await CallLog.open(new JsonStore(join(dir, 'calls.json'), CallLog.emptyFile));
  let next = 1;
  const contacts = await ContactBook.open(new JsonStore(join(dir, 'contacts.json'), ContactBook.emptyFile), () => `c${next++}`);
  const dialled: string[] = [];
  const phone: PhoneControl = {
    dial: (target) => void dialled.push(target),
    callLog: (view) => callLog.list(view),
    callHistory: callLog,
    contacts,
  };
  return { callLog, contacts, dialled, phone, close: () => rm(dir, { recursive: true, force: true }) };
}

/** A call record as the phone writes one when a call ends. */
export function call(id: string, fields: Partial<CallRecord> & Pick<CallRecord, 'direction' | 'outcome' | 'number' | 'startedAt'>): CallRecord {
  const durationS = fields.durationS ?? 0;
  return {
    id,
    remoteUri: `sip:${fields.number}@pbx.example.com`,
    endedAt: new Date(Date.parse(fields.startedAt) + durationS * 1000).toISOString(),
    durationS,
    ...fields,
  };
}
