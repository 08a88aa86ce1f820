import type { JsonStore } from '../config/index.js';

export type CallDirection = 'incoming' | 'outgoing';
/** How the call ended for the person at the phone. */
export type CallOutcome = 'answered' | 'missed' | 'rejected' | 'failed';

export interface CallRecord {
  id: string;
  direction: CallDirection;
  outcome: CallOutcome;
  /** The peer's SIP URI and what to show for it. */
  remoteUri: string;
  remoteName?: string;
  /** The number as dialled or as the caller's user part. */
  number: string;
  account?: string;
  startedAt: string;
  answeredAt?: string;
  endedAt: string;
  durationS: number;
  /** Why it failed or was rejected, in words ("Busy", "Declined"). */
  reason?: string;
  /** Missed calls only: false until the user has looked at them. */
  seen?: boolean;
}

export type CallLogView = 'all' | 'missed' | 'received' | 'dialed';

interface CallLogFile {
  version: 1;
  calls: CallRecord[];
}

export const CALL_LOG_LIMIT = 200;

/**
 * The phone's call history: the newest CALL_LOG_LIMIT calls, newest first,
 * saved through the atomic store after every change (a power cut loses at
 * most the call that was being written, never the log).
 */
export class CallLog {
  private calls: CallRecord[];
  private readonly listeners = new Set<() => void>();

  private constructor(
    private readonly store: JsonStore<CallLogFile>,
    file: CallLogFile,
  ) {
    this.calls = Array.isArray(file.calls) ? file.calls.filter(isRecord).slice(0, CALL_LOG_LIMIT) : [];
  }

  static async open(store: JsonStore<CallLogFile>): Promise<CallLog> {
    return new CallLog(store, await store.load());
  }

  static emptyFile(): CallLogFile {
    return { version: 1, calls: [] };
  }

  async add(record: CallRecord): Promise<void> {
    const entry = record.outcome === 'missed' ? { ...record, seen: record.seen ?? false } : record;
    this.calls = [entry, ...this.calls.filter((c) => c.id !== record.id)].slice(0, CALL_LOG_LIMIT);
    await this.changed();
  }

  list(view: CallLogView = 'all'): readonly CallRecord[] {
    switch (view) {
      case 'all':
        return this.calls;
      case 'missed':
        return this.calls.filter((c) => c.outcome === 'missed');
      case 'received':
        return this.calls.filter((c) => c.direction === 'incoming' && c.outcome === 'answered');
      case 'dialed':
        return this.calls.filter((c) => c.direction === 'outgoing');
    }
  }

  /** The count on the idle screen: missed calls not yet looked at. */
  get unseenMissed(): number {
    return this.calls.filter((c) => c.outcome === 'missed' && c.seen === false).length;
  }

  /** The missed-calls list was viewed: the indicator goes out. */
  async markMissedSeen(): Promise<void> {
    if (this.unseenMissed === 0) return;
    this.calls = this.calls.map((c) => (c.outcome === 'missed' && c.seen === false ? { ...c, seen: true } : c));
    await this.changed();
  }

  /** The last number dialled (the redial key). */
  get lastDialled(): CallRecord | undefined {
    return this.calls.find((c) => c.direction === 'outgoing');
  }

  async clear(): Promise<void> {
    this.calls = [];
    await this.changed();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async changed(): Promise<void> {
    for (const l of this.listeners) l();
    await this.store.save({ version: 1, calls: this.calls });
  }
}

function isRecord(value: unknown): value is CallRecord {
  const r = value as CallRecord;
  return typeof r === 'object' && r !== null && typeof r.id === 'string' && typeof r.remoteUri === 'string' && typeof r.startedAt === 'string';
}
