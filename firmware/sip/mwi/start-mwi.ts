import type { Clock } from '../../clock/index.js';
import { SipUri, parseUri, type Uri } from '../message/index.js';
import type { BackoffOptions } from '../registration/index.js';
import type { SubscriptionContext } from '../subscription/index.js';
import type { TransportProtocol } from '../transport/index.js';
import type { SipAccountConfig, SipLog, SipStack } from '../ua/index.js';
import type { NotifySourcePolicy } from './notify-source-policy.js';
import { MwiClient, type MwiAccount, type MwiListener, type MwiStatus } from './mwi-client.js';

export interface MwiDeps {
  clock: Clock;
  log?: SipLog;
  random?: () => number;
  /** Requested subscription duration in seconds (3600 when absent). */
  expires?: number;
  backoff?: BackoffOptions;
  /** Accounts that subscribe (all when absent); the others still take unsolicited NOTIFYs. */
  subscribe?: (account: SipAccountConfig) => boolean;
  /** Longest wait for the unsubscribes on stop(); the subscriptions lapse by themselves after that. */
  unsubscribeWaitMs?: number;
  /**
   * Where unsolicited NOTIFYs may come from (the accounts' registrars and proxies): others get 403. Without it
   * every source is taken — only for tests and tools; the phone always gives one.
   */
  unsolicitedFrom?: NotifySourcePolicy;
}

export interface MwiHandle {
  onChange(listener: MwiListener): () => void;
  /** Last counts per account id. */
  status(): Record<string, MwiStatus>;
  /** Unsubscribes (Expires: 0) with a bounded wait; call before SipStack.stop(). */
  stop(): Promise<void>;
  readonly client: MwiClient;
}

const PROTOCOL: Record<NonNullable<SipAccountConfig['transport']>, TransportProtocol> = { udp: 'UDP', tcp: 'TCP', tls: 'TLS' };

/**
 * Message waiting on a running SipStack: subscribes every account to message-summary (RFC 3842) through its
 * outbound proxy (or registrar), and takes the unsolicited NOTIFYs (`setHandler('NOTIFY')`, out of dialog).
 * Call after `stack.start()`; call `stop()` before `stack.stop()` so the unsubscribes still have sockets.
 */
export function startMwi(stack: SipStack, accounts: readonly SipAccountConfig[], deps: MwiDeps): MwiHandle {
  const contextFor = (account: MwiAccount): SubscriptionContext => {
    const config = accounts.find((a) => a.id === account.id)!;
    const protocol = PROTOCOL[config.transport ?? 'udp'];
    const proxy = config.outboundProxy ?? config.registrar;
    const hop = proxy === undefined ? undefined : toUri(proxy, protocol);
    return {
      clock: deps.clock,
      contactUri: () => stack.core.contactUri(config.user, protocol),
      sendRequest: (request, user) =>
        // RFC 3261 §8.1.2: out-of-dialog requests go to the outbound proxy; inside the dialog the route set decides.
        stack.core.sendRequest(request, user, request.to.tag === undefined && hop !== undefined ? { nextHop: hop } : {}),
      expectDialog: (callId, localTag, adopt) => stack.core.expectDialog(callId, localTag, adopt),
      bindDialog: (dialog, onRequest) => {
        stack.core.dialogs.add({ dialog, onRequest });
        return () => {
          if (stack.core.dialogs.get(dialog.id)?.dialog === dialog) stack.core.dialogs.remove(dialog.id);
        };
      },
    };
  };
  const subscribe = deps.subscribe;
  const client = new MwiClient(accounts, contextFor, {
    expires: deps.expires,
    backoff: deps.backoff,
    random: deps.random,
    log: deps.log,
    subscribe: subscribe && ((account) => subscribe(accounts.find((a) => a.id === account.id)!)),
  });
  const policy = deps.unsolicitedFrom;
  stack.setHandler('NOTIFY', (incoming) => {
    if (policy && !policy.admit(incoming.source)) {
      incoming.respond(403);
      return;
    }
    client.receiveUnsolicited(incoming);
  });
  client.start();
  let stopping: Promise<void> | undefined;
  return {
    client,
    onChange: (listener) => client.onChange(listener),
    status: () => Object.fromEntries(accounts.flatMap((a) => (client.status(a.id) ? [[a.id, client.status(a.id)!]] : []))),
    stop: () => {
      stopping ??= (async () => {
        let timer: ReturnType<Clock['setTimeout']> | undefined;
        const wait = deps.unsubscribeWaitMs ?? 2000;
        await Promise.race([client.stop(), new Promise<void>((resolve) => (timer = deps.clock.setTimeout(resolve, wait)))]);
        deps.clock.clearTimeout(timer);
        client.dispose();
      })();
      return stopping;
    },
  };
}

/** "host", "host:port" or a full URI → a SIP URI with the account's transport unless it names one (as SipStack does). */
function toUri(value: string, protocol: TransportProtocol): Uri {
  const uri = parseUri(/^sips?:/i.test(value) ? value : `sip:${value}`);
  if (uri instanceof SipUri && uri.transport === undefined && protocol !== 'UDP') {
    return uri.with({ params: uri.params.with('transport', protocol.toLowerCase()) });
  }
  return uri;
}
