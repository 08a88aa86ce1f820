import { SipUri, type SipRequest } from '../message/index.js';
import type { BackoffOptions } from '../registration/index.js';
import {
  SubscriptionClient,
  type SubscriptionContext,
  type SubscriptionNotification,
  type SubscriptionRequest,
  type SubscriptionStatus,
} from '../subscription/index.js';
import { MESSAGE_SUMMARY_TYPE, MwiParseError, parseMessageSummary, voiceCounts, type MessageSummary } from './message-summary.js';

/** RFC 3842 §3: the event package name. */
export const MESSAGE_SUMMARY_EVENT = 'message-summary';

/** What the phone shows: the lamp (waiting) and the voice-mail counts of one account. */
export interface MwiStatus {
  accountId: string;
  waiting: boolean;
  newVoice: number;
  oldVoice: number;
  urgentNew: number;
  urgentOld: number;
  /** Message-Account from the body (the mailbox URI), when the PBX sent one. */
  messageAccount?: string;
  /** Whether it came inside our subscription or as an unsolicited NOTIFY (Asterisk's habit). */
  source: 'subscription' | 'unsolicited';
}

export type MwiListener = (status: MwiStatus) => void;

/** The account fields message waiting needs (SipAccountConfig fits). */
export interface MwiAccount {
  id: string;
  user: string;
  domain: string;
  authUser?: string;
  password?: string;
  displayName?: string;
}

export interface MwiClientOptions {
  /** Requested subscription duration, seconds (RFC 3842 does not fix one; 3600 like REGISTER). */
  expires?: number;
  backoff?: BackoffOptions;
  random?: () => number;
  notifyWaitMs?: number;
  /**
   * Which accounts subscribe (all by default). A PBX that only pushes unsolicited NOTIFYs (Asterisk's
   * `unsolicited_mwi`) gets none: its NOTIFYs are taken either way.
   */
  subscribe?: (account: MwiAccount) => boolean;
  log?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

/**
 * Message waiting for every account: one message-summary subscription each (RFC 3842 §4 — to the account's own
 * address-of-record), plus the unsolicited NOTIFYs a PBX sends without one. Pure: each account's subscription
 * talks to the stack through the SubscriptionContext `contextFor` gives; the stack's out-of-dialog NOTIFY
 * handler passes requests to `receiveUnsolicited`.
 */
export class MwiClient {
  private readonly subscriptions = new Map<string, SubscriptionClient>();
  private readonly latest = new Map<string, MwiStatus>();
  private readonly listeners = new Set<MwiListener>();

  constructor(
    private readonly accounts: readonly MwiAccount[],
    contextFor: (account: MwiAccount) => SubscriptionContext,
    private readonly options: MwiClientOptions = {},
  ) {
    for (const account of accounts) {
      const client = new SubscriptionClient(
        account,
        { event: MESSAGE_SUMMARY_EVENT, accept: [MESSAGE_SUMMARY_TYPE], expires: options.expires },
        contextFor(account),
        { backoff: options.backoff, random: options.random, notifyWaitMs: options.notifyWaitMs },
      );
      client.onNotify((n) => this.fromSubscription(account, n));
      client.onChange((status) => options.log?.info({ account: account.id, ...status }, 'sip: message-summary subscription'));
      this.subscriptions.set(account.id, client);
    }
  }

  onChange(listener: MwiListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    for (const account of this.accounts) {
      if (this.options.subscribe && !this.options.subscribe(account)) continue;
      this.subscriptions.get(account.id)?.start();
    }
  }

  /** Unsubscribes every account (Expires: 0, RFC 6665 §4.1.2.3); resolves when all answered or timed out. */
  async stop(): Promise<void> {
    await Promise.all([...this.subscriptions.values()].map((s) => s.stop()));
  }

  dispose(): void {
    for (const s of this.subscriptions.values()) s.dispose();
  }

  /** The last counts per account (undefined until a NOTIFY arrived). */
  status(accountId: string): MwiStatus | undefined {
    return this.latest.get(accountId);
  }

  subscription(accountId: string): SubscriptionStatus | undefined {
    return this.subscriptions.get(accountId)?.status;
  }

  /**
   * An out-of-dialog NOTIFY (no To tag). Asterisk's `unsolicited_mwi` sends message-summary this way to the
   * registered contact. It is answered 200 and reported when it is message-summary for one of our accounts;
   * another event package gets 489 (RFC 6665 §8.3.1), an unknown account 404, an unreadable body 400.
   */
  receiveUnsolicited(incoming: SubscriptionRequest): void {
    const { request } = incoming;
    const event = request.headers.get('event')?.split(';')[0]?.trim().toLowerCase();
    if (event !== MESSAGE_SUMMARY_EVENT) {
      incoming.respond(489);
      return;
    }
    let summary: MessageSummary;
    try {
      summary = parseMessageSummary(request.body);
    } catch (err) {
      if (!(err instanceof MwiParseError)) throw err;
      incoming.respond(400, { reason: 'Bad message-summary body' });
      return;
    }
    const account = this.accountFor(request, summary);
    if (!account) {
      incoming.respond(404);
      return;
    }
    incoming.respond(200);
    this.report(account, summary, 'unsolicited');
  }

  private fromSubscription(account: MwiAccount, notification: SubscriptionNotification): void {
    // §5.1 / RFC 6665 §4.1.3: a NOTIFY may carry no body (a pending or terminated state); only a body counts.
    if (notification.body.length === 0) return;
    const type = notification.contentType?.split(';')[0]?.trim().toLowerCase();
    if (type !== undefined && type !== MESSAGE_SUMMARY_TYPE) return;
    try {
      this.report(account, parseMessageSummary(notification.body), 'subscription');
    } catch (err) {
      if (!(err instanceof MwiParseError)) throw err;
      this.options.log?.warn({ account: account.id, err }, 'sip: unreadable message-summary body');
    }
  }

  private report(account: MwiAccount, summary: MessageSummary, source: MwiStatus['source']): void {
    const voice = voiceCounts(summary);
    const status: MwiStatus = {
      accountId: account.id,
      waiting: summary.waiting,
      newVoice: voice.new,
      oldVoice: voice.old,
      urgentNew: voice.urgentNew,
      urgentOld: voice.urgentOld,
      ...(summary.account === undefined ? {} : { messageAccount: summary.account }),
      source,
    };
    this.latest.set(account.id, status);
    for (const l of this.listeners) l(status);
  }

  /** Which account an unsolicited NOTIFY is for: its Message-Account, then To, then Request-URI user; a lone account takes all. */
  private accountFor(request: SipRequest, summary: MessageSummary): MwiAccount | undefined {
    const mailbox = summary.account?.match(/^sips?:([^@;>]+)@([^;>:]+)/i);
    if (mailbox) {
      const hit = this.accounts.find((a) => a.user === mailbox[1] && a.domain.toLowerCase() === mailbox[2]!.toLowerCase());
      if (hit) return hit;
    }
    for (const uri of [request.to.uri, request.uri]) {
      if (uri instanceof SipUri && uri.user !== undefined) {
        const hit = this.accounts.find((a) => a.user === uri.user);
        if (hit) return hit;
      }
    }
    return this.accounts.length === 1 ? this.accounts[0] : undefined;
  }
}
