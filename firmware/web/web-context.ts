import type { Display, HookSwitch } from '../../hal/index.js';
import type { SimPanel } from '../../hal/sim/index.js';
import type { Clock } from '../clock/index.js';
import type { Logger } from '../log/index.js';
import type { CallLogView, CallRecord } from '../phone/call-log.js';
import type { Contact } from '../phone/contacts/index.js';
import type { CallQualityReport } from '../phone/phone-ports.js';
import type { ConfigAccess } from './config-access.js';
import type { EventStreams } from './event-stream.js';
import type { SipStatusSource } from './status-view.js';
import type { WebAuth } from './web-auth.js';
import type { CaptureSource } from './routes/capture-routes.js';

/** A call as the remote-control API lists it; the phone layer fills it in. */
export interface CallSummary {
  id: string;
  state: string;
  peer: string;
  [detail: string]: unknown;
}

export type CallAction = 'answer' | 'hold' | 'resume' | 'transfer' | 'hangup';

/** What the phone layer offers the web (firmware/phone); each part may be absent until it lands. */
export interface PhoneControl {
  /** Places a call to a number, SIP URI or IP address. */
  dial?(target: string): Promise<unknown> | unknown;
  calls?(): CallSummary[];
  /** Acts on one call; `target` is the transfer target. Throws (any DeskphoneError) when the call cannot do it. */
  callAction?(id: string, action: CallAction, target?: string): Promise<unknown> | unknown;
  /** Restarts the phone (hangs up, unregisters, starts again); the web answers before it happens. */
  restart?(): Promise<unknown> | unknown;
  /** The call history, newest first (issue 7 §4). */
  callLog?(view: CallLogView): readonly CallRecord[];
  /** What the call log page changes: looking at missed calls puts the indicator out (as on the phone); clear empties it. */
  callHistory?: { markMissedSeen(): Promise<void>; clear(): Promise<void> };
  /** The address book: export as vCard or CSV, import (adds; all or nothing), list; the contacts page edits it. */
  contacts?: {
    list(): readonly Contact[];
    export(format: 'vcard' | 'csv'): string;
    import(text: string, format: 'vcard' | 'csv'): Promise<number>;
    add?(contact: Omit<Contact, 'id'>): Promise<Contact>;
    update?(contact: Contact): Promise<void>;
    remove?(id: string): Promise<void>;
  };
  /** Reboots the board (`systemctl reboot` on a device); absent where the phone cannot (the simulated board). */
  reboot?(): Promise<unknown> | unknown;
  /** The newest log lines (JSON, oldest first): the logs page. */
  recentLogs?(count: number): string[];
  /** Each current call's media quality (codec, packets, loss, jitter, RTT, playout delay, concealment, MOS). */
  callQuality?(): Promise<CallQualityReport[]>;
}

/** One supervised part as firmware/lifecycle's Supervisor reports it. */
export interface PartStatus {
  name: string;
  state: 'starting' | 'running' | 'waiting' | 'given-up' | 'stopped';
  restarts: number;
  lastError?: string;
}

export interface WebAppDeps {
  clock: Clock;
  log: Logger;
  config: ConfigAccess;
  version: string;
  board?: string;
  /** The simulated front panel (board `sim`); without it the panel routes answer 404 NO_PANEL. */
  panel?: SimPanel;
  /**
   * Any board's hook switch and display (BoardDevices has both), so
   * GET /api/status reports the hook state and the LCD's lines on real hardware too.
   */
  front?: { hookSwitch: Pick<HookSwitch, 'state'>; display: Pick<Display, 'contents'> };
  sip?: SipStatusSource;
  phone?: PhoneControl;
  /** The supervised parts of the phone (web, media, audio, LCD, MWI, console…) and how they are doing. */
  parts?: () => PartStatus[];
  /**
   * When set, choosing the first admin password from another machine needs this
   * code, which main.ts shows where only someone at the phone can read it (its
   * LCD, its console); from the phone's own machine it is not asked. Without it,
   * whoever reaches /setup first on the network chooses the password.
   */
  setupCode?: string;
  /** The recent SIP/RTP traffic as a pcap (GET /api/v1/capture.pcap); that route answers 404 NO_CAPTURE without it. */
  capture?: CaptureSource;
  /** Bearer token for the remote-control API. */
  apiToken?: string;
  /** The machine's addresses for the status page; the host's interfaces when absent. */
  addresses?: () => string[];
  /** SSE keep-alive period; 15 s when absent. */
  heartbeatMs?: number;
  /** How often the `quality` event carries the calls' figures while calls are up; 2 s when absent. */
  qualityMs?: number;
}

/** What every route handler shares. */
export interface WebContext extends WebAppDeps {
  auth: WebAuth;
  streams: EventStreams;
  startedMs: number;
}
