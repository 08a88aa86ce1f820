import type { Clock } from '../../clock/index.js';
import { parseUri, SipUri, type SipRequest, type SipResponse, type Uri } from '../message/index.js';
import type { LocalMedia } from '../sdp/index.js';
import type { TransportProtocol } from '../transport/index.js';
import type { IncomingRequest, SipAccountConfig, SipLog, UserAgentCore } from '../ua/index.js';
import { Call, type CallAccount, type CallContext } from './call.js';
import { Listeners } from './listeners.js';
import { DEFAULT_SESSION_TIMER, MIN_SE_FLOOR, type SessionTimerConfig } from './session-timer.js';

export interface CallManagerDeps {
  clock: Clock;
  random?: () => number;
  log?: SipLog;
}

export interface CallManagerOptions {
  /**
   * Our media for a call: the interface address, an RTP port from the media engine, codecs in config order.
   * Called for every call object made, including incoming INVITEs then refused at once (415, 488) that are
   * never announced: hand out a port from a pool rather than opening a socket here; open the stream on the
   * call's `media` event and close it on `ended`.
   */
  localMedia(call: Call): LocalMedia;
  /**
   * Whether an INVITE from this source may ring the phone (issue 5 §12: desk phones accept calls only from
   * their registrar/proxy once an account exists, against SIP scanners' ghost calls). Refused: 403.
   */
  admitInvite?(incoming: IncomingRequest): boolean;
  /**
   * Call forwarding: a SIP URI to send every new caller to, with 302 Moved Temporarily and the target
   * in Contact (RFC 3261 §8.3, §21.3.3), before anything rings; undefined lets the call ring.
   */
  forwardTo?(incoming: IncomingRequest): string | undefined;
  /** The line an incoming INVITE is for (by Request-URI user); direct-IP calls get a line named after the URI. */
  accountFor?(request: SipRequest): CallAccount | undefined;
  /** RFC 4028 interval we ask for and the smallest we accept; expires 0 turns session timers off. */
  sessionTimer?: Partial<SessionTimerConfig>;
  /** 3xx hops followed before giving up (§8.1.3.4 leaves the limit to the UAC). */
  maxRedirects?: number;
  /** RFC 3262 support (Supported: 100rel, reliable 18x when required); on by default. */
  reliableProvisional?: boolean;
  refreshMethod?: 'INVITE' | 'UPDATE';
}

export interface CallManagerEvents extends Record<string, unknown> {
  incoming: Call;
}

const silent: SipLog = { debug() {}, info() {}, warn() {} };

/**
 * The phone layer's handle on calls (issue 5): places calls, receives them, and
 * keeps the ones in progress. It registers the INVITE usage with the UA core and
 * routes 2xx retransmissions that outlive their transaction back to their call.
 * Transfer (REFER, Replaces) and subscriptions will attach here beside it.
 */
export class CallManager {
  private readonly byCallId = new Map<string, Call>();
  private readonly events = new Listeners<CallManagerEvents>();
  private readonly context: CallContext;
  private readonly extensionMethods = new Map<string, (call: Call, incoming: IncomingRequest) => void>();
  private readonly extensionSupported: string[] = [];
  private inviteInterceptor: ((incoming: IncomingRequest) => boolean) | undefined;

  constructor(
    private readonly core: UserAgentCore,
    deps: CallManagerDeps,
    private readonly options: CallManagerOptions,
  ) {
    const sessionTimer = { ...DEFAULT_SESSION_TIMER, ...options.sessionTimer };
    sessionTimer.minSE = Math.max(MIN_SE_FLOOR, sessionTimer.minSE);
    this.context = {
      core,
      clock: deps.clock,
      random: deps.random ?? Math.random,
      log: deps.log ?? silent,
      localMedia: (call) => options.localMedia(call),
      sessionTimer,
      maxRedirects: options.maxRedirects ?? 5,
      reliableProvisional: options.reliableProvisional ?? true,
      refreshMethod: options.refreshMethod ?? 'INVITE',
      ended: (call) => {
        if (this.byCallId.get(call.callId) === call) this.byCallId.delete(call.callId);
      },
      extensions: { methods: this.extensionMethods, supported: this.extensionSupported },
    };
    core.setHandler('INVITE', (incoming) => this.receiveInvite(incoming));
    // These only make sense inside a call; outside one there is no dialog to name (§12.2.2: 481). Registering
    // them also lists them in Allow, which tells peers we do UPDATE, PRACK and INFO.
    for (const method of ['UPDATE', 'PRACK', 'INFO']) core.setHandler(method, (incoming) => incoming.respond(481));
    core.onStrayResponse((response) => this.strayResponse(response));
    // §8.2.2.3: the core answers 420 to a Require it does not list as supported; calls need these two.
    const missing = ['100rel', 'timer'].filter((tag) => !core.supported.includes(tag));
    if (missing.length > 0) this.context.log.warn({ missing }, 'calls: the UA core does not list these option tags in Supported; callers that require them get 420');
  }

  /** Calls `target` (a number, user@host, or a SIP URI) on `account`. */
  call(target: string | Uri, account: CallAccount, options: { lateOffer?: boolean; headers?: ReadonlyArray<readonly [string, string]> } = {}): Call {
    const uri = typeof target === 'string' ? targetUri(target, account) : target;
    const call = Call.outgoing(this.context, account, uri, options);
    if (call.state !== 'ended') this.byCallId.set(call.callId, call);
    return call;
  }

  onIncoming(listener: (call: Call) => void): () => void {
    return this.events.on('incoming', listener);
  }

  get calls(): Call[] {
    return [...this.byCallId.values()];
  }

  find(callId: string): Call | undefined {
    return this.byCallId.get(callId);
  }

  /**
   * Lets a usage layered on calls (refer/: RFC 3515, RFC 3891) take an in-dialog method on every call's dialog
   * and add option tags to the calls' Supported. The method joins the calls' Allow; outside a dialog it is
   * answered 481 (§12.2.2), as UPDATE and INFO are.
   */
  extend(extension: { methods?: Record<string, (call: Call, incoming: IncomingRequest) => void>; supported?: readonly string[] }): void {
    for (const [method, handler] of Object.entries(extension.methods ?? {})) {
      this.extensionMethods.set(method, handler);
      if (!this.core.allowedMethods.includes(method)) this.core.setHandler(method, (incoming) => incoming.respond(481));
    }
    for (const tag of extension.supported ?? []) if (!this.extensionSupported.includes(tag)) this.extensionSupported.push(tag);
    // §8.2.2.3 as in the constructor: a peer that requires the tag gets 420 unless the core lists it too.
    const missing = (extension.supported ?? []).filter((tag) => !this.core.supported.includes(tag));
    if (missing.length > 0) this.context.log.warn({ missing }, 'calls: the UA core does not list these option tags in Supported; callers that require them get 420');
  }

  /**
   * A look at each new INVITE before it rings (RFC 3891 §3: one with Replaces is not a new call to offer the
   * user). Returning true means the interceptor answered or adopted it.
   */
  interceptInvites(interceptor: (incoming: IncomingRequest) => boolean): void {
    this.inviteInterceptor = interceptor;
  }

  /**
   * Takes an intercepted INVITE as a call on `account` without announcing it on `incoming` (the interceptor
   * tells the phone layer itself). The call rings (180) until answered; undefined when refused at once.
   */
  adoptIncoming(incoming: IncomingRequest, account: CallAccount): Call | undefined {
    const call = Call.incoming(this.context, account, incoming);
    if (call) this.byCallId.set(call.callId, call);
    return call;
  }

  /** Hangs up every call (shutdown). */
  hangupAll(): void {
    for (const call of this.calls) call.hangup();
  }

  private receiveInvite(incoming: IncomingRequest): void {
    if (this.options.admitInvite && !this.options.admitInvite(incoming)) {
      incoming.respond(403);
      return;
    }
    if (this.inviteInterceptor?.(incoming)) return;
    const forward = this.options.forwardTo?.(incoming);
    if (forward !== undefined) {
      incoming.respond(302, { headers: [['Contact', `<${forward}>`]] });
      this.context.log.info({ from: incoming.request.from.uri.toString(), to: forward }, 'calls: forwarded (302)');
      return;
    }
    if (this.events.count('incoming') === 0) {
      // Nobody to ring (no phone layer listening): RFC 3261 §21.4.18 480 Temporarily Unavailable.
      incoming.respond(480);
      return;
    }
    const request = incoming.request;
    const account = this.options.accountFor?.(request) ?? directAccount(request);
    const call = Call.incoming(this.context, account, incoming);
    if (!call) return;
    this.byCallId.set(call.callId, call);
    this.events.emit('incoming', call, (err) => this.context.log.warn({ err }, 'calls: incoming listener failed'));
  }

  private strayResponse(response: SipResponse): void {
    this.byCallId.get(response.callId)?.receiveStrayResponse(response);
  }
}

/** "201" → sip:201@domain; "bob@host" → sip:bob@host; a URI as written. */
export function targetUri(target: string, account: Pick<CallAccount, 'domain'>): Uri {
  const text = target.trim();
  if (/^(sips?|tel):/i.test(text)) return parseUri(text);
  if (text.includes('@')) return parseUri(`sip:${text}`);
  return parseUri(`sip:${text}@${account.domain}`);
}

const PROTOCOL: Record<NonNullable<SipAccountConfig['transport']>, TransportProtocol> = { udp: 'UDP', tcp: 'TCP', tls: 'TLS' };

/**
 * The call-side view of a configured line (ua/config.ts): who we are, the credentials for the proxy's
 * 401/407, and the outbound proxy every out-of-dialog request goes through (§8.1.2), with the line's transport.
 */
export function callAccount(config: SipAccountConfig): CallAccount {
  const protocol = PROTOCOL[config.transport ?? 'udp'];
  const hop = config.outboundProxy ?? config.registrar;
  let outboundProxy: Uri | undefined;
  if (hop !== undefined) {
    const uri = parseUri(/^sips?:/i.test(hop) ? hop : `sip:${hop}`);
    outboundProxy = uri instanceof SipUri && uri.transport === undefined && protocol !== 'UDP' ? uri.with({ params: uri.params.with('transport', protocol.toLowerCase()) }) : uri;
  }
  return {
    user: config.user,
    domain: config.domain,
    displayName: config.displayName,
    authUser: config.authUser,
    password: config.password,
    outboundProxy,
    protocol,
  };
}

function directAccount(request: SipRequest): CallAccount {
  const uri = request.uri;
  const user = uri instanceof SipUri && uri.user ? uri.user : 'deskphone';
  const host = uri instanceof SipUri ? uri.host : 'localhost';
  return { user, domain: host };
}
