import type { BackoffOptions } from '../registration/index.js';
import type { SipTimerBase } from '../timers.js';

/**
 * What the SIP stack needs from the phone's configuration. The config module
 * (firmware/config) validates the file and maps it onto this shape; the stack
 * itself only reads it.
 */
export type TransportName = 'udp' | 'tcp' | 'tls';

export interface SipAccountConfig {
  /** Stable id used in events and on the web page. */
  id: string;
  user: string;
  /** Digest user name when it differs from `user`. */
  authUser?: string;
  password?: string;
  displayName?: string;
  domain: string;
  /** Registrar as a SIP URI or host[:port]; `sip:<domain>` when absent (§10.2.6 would find it by DNS). */
  registrar?: string;
  /** Outbound proxy as a SIP URI or host[:port]; every out-of-dialog request goes there first (§8.1.2). */
  outboundProxy?: string;
  transport?: TransportName;
  /** Requested registration lifetime in seconds. */
  expires?: number;
  /** false: a line that only places calls (no REGISTER). */
  register?: boolean;
  /** RFC 5626 instance id (urn:uuid:…) and reg-id. */
  instanceId?: string;
  regId?: number;
}

export interface SipTlsConfig {
  /** PEM CA bundle used to verify servers; node's roots when absent. */
  caFile?: string;
  /** Server certificate and key, only to accept incoming TLS. */
  certFile?: string;
  keyFile?: string;
  /** Certificate verification is on unless this is explicitly false. */
  verifyServer?: boolean;
}

export interface SipStackConfig {
  /** Address the transports bind. Absent: 0.0.0.0 and [::] on the same ports, one socket per family (dual-stack.ts). */
  bindAddress?: string;
  /**
   * A fixed address for Via, Contact and SDP when bound to 0.0.0.0 (a static NAT's public address). Without
   * it each message carries the address of the interface toward its next hop (issue 5 point 11).
   */
  advertisedAddress?: string;
  /** RFC 3581 NAT handling, learned from the registrar's Via received/rport per account flow. */
  nat?: {
    /** Register (and send in calls) the public address:port when a NAT is detected; on by default. */
    rewriteContact?: boolean;
    /** Put the learned public address in SDP c=/o= as well (off: a NAT that maps RTP ports differently needs an SBC). */
    publicAddressInSdp?: boolean;
  };
  /** Listening ports; 0 picks a free one. Defaults 5060 (UDP, TCP) and 5061 (TLS). */
  ports?: { udp?: number; tcp?: number; tls?: number };
  transports?: readonly TransportName[];
  tls?: SipTlsConfig;
  timers?: Partial<SipTimerBase>;
  /** DNS servers to ask instead of the system's (lab setups). */
  dnsServers?: string[];
  userAgent?: string;
  /** Keep-alive period on the registrar flow while registered; 0 disables (RFC 5626 §4.4). */
  keepAliveMs?: number;
  backoff?: BackoffOptions;
  /** Option tags the phone's usages understand (Supported, §8.2.2.3). */
  supported?: readonly string[];
  accounts: readonly SipAccountConfig[];
}
