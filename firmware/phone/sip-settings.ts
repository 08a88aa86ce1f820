import type { Config } from '../config/index.js';
import type { RegistrationStatus, SipStackConfig } from '../sip/index.js';
import type { SdpCodec } from '../sip/sdp/index.js';
import { createDefaultCodecRegistry } from '../media/index.js';
import { packageVersion } from '../cli/program.js';

/** The id the SIP stack knows an account by: its place in the config's list. */
export function accountIdOf(config: Config, account: Config['accounts'][number]): string {
  return `account${config.accounts.indexOf(account) + 1}`;
}

/** The phone's configuration as the SIP stack takes it. */
export function sipConfig(config: Config, options: { sipPort?: number } = {}): SipStackConfig {
  const port = options.sipPort ?? config.sip.port;
  return {
    ports: { udp: port, tcp: port, tls: config.sip.tlsPort },
    transports: [...new Set([...config.sip.transports, ...config.accounts.map((a) => a.transport)])],
    ...(config.sip.caFile ? { tls: { caFile: config.sip.caFile } } : {}),
    timers: { T1: config.sip.timers.t1, T2: config.sip.timers.t2, T4: config.sip.timers.t4 },
    userAgent: config.sip.userAgent ?? `deskphone/${packageVersion()}`,
    ...(config.sip.advertisedAddress ? { advertisedAddress: config.sip.advertisedAddress } : {}),
    nat: config.sip.nat,
    // What the call usages do (firmware/sip/session, refer): reliable provisional responses, session timers, Replaces.
    supported: ['100rel', 'timer', 'replaces'],
    accounts: config.accounts
      .filter((a) => a.enabled)
      .map((a) => ({
        id: accountIdOf(config, a),
        user: a.user,
        ...(a.authUser ? { authUser: a.authUser } : {}),
        password: a.password,
        ...(a.displayName ? { displayName: a.displayName } : {}),
        domain: a.domain,
        ...(a.registrar ? { registrar: a.registrar } : {}),
        ...(a.outboundProxy ? { outboundProxy: a.outboundProxy } : {}),
        transport: a.transport,
        expires: a.registerExpires,
      })),
  };
}

/**
 * The SDP offer's codecs, from the media codec registry in config order
 * (DESIGN.md: no switch on codec names outside the registry). A name the
 * registry does not have yet (G722 until that codec lands) is not offered.
 */
export function sdpCodecs(names: readonly string[]): SdpCodec[] {
  const registry = createDefaultCodecRegistry();
  return registry
    .ordered(names.filter((n) => registry.byName(n) !== undefined))
    .filter((d) => d.kind !== 'comfort-noise')
    .map((d) => ({ name: d.name, payloadType: d.payloadType, clockRate: d.clockRate, channels: d.channels, ...(d.fmtp ? { fmtp: d.fmtp } : {}), ...(d.kind === 'telephone-event' ? { kind: d.kind } : {}) }));
}

/** The registration state as the idle screen's icon shows it. */
export function screenState(status: RegistrationStatus): 'registered' | 'registering' | 'failed' | 'none' {
  switch (status.state) {
    case 'registered':
      return 'registered';
    case 'failed':
    case 'retry-wait':
      return 'failed';
    default:
      return 'registering';
  }
}
