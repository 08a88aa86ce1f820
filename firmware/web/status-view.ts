import { networkInterfaces } from 'node:os';
import type { Config } from '../config/index.js';
import { glyphsToText } from '../../hal/index.js';
import type { RegistrationStatus } from '../sip/index.js';
import type { CallQualityReport } from '../phone/phone-ports.js';
import type { CallSummary, PartStatus, WebContext } from './web-context.js';

/** What the web needs from the SIP stack (SipStack satisfies it). */
export interface SipStatusSource {
  registrationStatus(): Record<string, RegistrationStatus>;
  readonly localTransports: ReadonlyArray<{ protocol: string; address: string; port: number }>;
  onRegistration?(listener: (event: { accountId: string; status: RegistrationStatus }) => void): () => void;
}

export interface AccountStatus {
  /** `account1`… in config order, as main.ts names accounts to the SIP stack. */
  id: string;
  aor: string;
  displayName: string;
  enabled: boolean;
  state: RegistrationStatus['state'] | 'disabled' | 'not-started';
  /** Last final status code and why, in words (e.g. 403 "Forbidden"). */
  status?: number;
  reason?: string;
  expires?: number;
}

export interface PhoneStatus {
  version: string;
  board: string | undefined;
  uptimeS: number;
  /** True when no account is enabled: the phone takes calls straight to its address. */
  directIp: boolean;
  /** How to call this phone without a PBX, loopback first. */
  directUris: string[];
  accounts: AccountStatus[];
  sip: { transports: Array<{ protocol: string; address: string; port: number }> };
  network: { addresses: string[] };
  /** The phone's supervised parts; a restarted or given-up part shows here with its last error. */
  parts?: PartStatus[];
}

export function accountId(index: number): string {
  return `account${index + 1}`;
}

export function buildStatus(input: {
  config: Config;
  sip: SipStatusSource | undefined;
  version: string;
  board: string | undefined;
  uptimeS: number;
  addresses: string[];
  parts?: PartStatus[];
}): PhoneStatus {
  const registrations = input.sip?.registrationStatus() ?? {};
  const accounts = input.config.accounts.map((a, i): AccountStatus => {
    const reg = registrations[accountId(i)];
    return {
      id: accountId(i),
      aor: `sip:${a.user}@${a.domain}`,
      displayName: a.displayName,
      enabled: a.enabled,
      state: !a.enabled ? 'disabled' : (reg?.state ?? 'not-started'),
      ...(reg?.status !== undefined ? { status: reg.status } : {}),
      ...(reg?.reason !== undefined ? { reason: reg.reason } : {}),
      ...(reg?.expires !== undefined ? { expires: reg.expires } : {}),
    };
  });
  const transports = [...(input.sip?.localTransports ?? [])];
  const udp = transports.find((t) => t.protocol.toUpperCase() === 'UDP') ?? transports[0];
  const directUris = udp ? ['127.0.0.1', ...input.addresses].map((ip) => `sip:phone@${ip.includes(':') ? `[${ip}]` : ip}:${udp.port}`) : [];
  return {
    version: input.version,
    board: input.board,
    uptimeS: Math.floor(input.uptimeS),
    directIp: !input.config.accounts.some((a) => a.enabled),
    directUris,
    accounts,
    sip: { transports },
    network: { addresses: input.addresses },
    ...(input.parts ? { parts: input.parts } : {}),
  };
}

/** The machine's non-internal addresses, IPv4 first (what a person on the LAN would dial). */
export function hostAddresses(): string[] {
  const v4: string[] = [];
  const v6: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const ni of list ?? []) {
      if (ni.internal) continue;
      if (ni.family === 'IPv4') v4.push(ni.address);
      else if (!ni.address.startsWith('fe80')) v6.push(ni.address);
    }
  }
  return [...v4, ...v6];
}

/** The phone's status now, as the status page and GET /api/status show it. */
export function currentStatus(ctx: WebContext): PhoneStatus {
  return buildStatus({
    config: ctx.config.config,
    sip: ctx.sip,
    version: ctx.version,
    board: ctx.board,
    uptimeS: (ctx.clock.now() - ctx.startedMs) / 1000,
    addresses: (ctx.addresses ?? hostAddresses)(),
    ...(ctx.parts ? { parts: ctx.parts() } : {}),
  });
}

/** The handset and the glass, from the simulated panel or the board's own devices. */
export function frontState(ctx: WebContext): { hook: 'on-hook' | 'off-hook'; lcd: string[] } | undefined {
  const front = ctx.front ?? (ctx.panel ? { hookSwitch: ctx.panel.hook, display: ctx.panel.display } : undefined);
  return front ? { hook: front.hookSwitch.state, lcd: front.display.contents().map(glyphsToText) } : undefined;
}

/** A current call with its media quality (absent until its media stream is up). */
export type CallWithQuality = CallSummary & { quality?: Omit<CallQualityReport, 'callId'> };

/**
 * The current calls, each with its quality figures (issue 7 §6, §7): GET
 * /api/v1/status and the status page. A quality source that fails leaves the
 * figures out; the call list is still answered.
 */
export async function callsWithQuality(ctx: WebContext): Promise<CallWithQuality[]> {
  const calls = ctx.phone?.calls?.() ?? [];
  const source = ctx.phone?.callQuality;
  if (calls.length === 0 || !source) return calls;
  const reports = await source.call(ctx.phone).catch((err: Error) => {
    ctx.log.warn({ err: err.message }, 'call quality not available');
    return [] as CallQualityReport[];
  });
  const byId = new Map(reports.map(({ callId, ...q }) => [callId, q]));
  return calls.map((c) => {
    const q = byId.get(c.id);
    return q ? { ...c, quality: q } : c;
  });
}
