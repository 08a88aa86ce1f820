/**
 * The SIP stack's public surface (DESIGN.md: others import this, not the files behind it).
 *
 * - Messages (RFC 3261 §7, §20, §25): parseMessage, serializeMessage, SipParseError, SipRequest/SipResponse…
 * - Digest authentication (RFC 7616, RFC 8760): DigestAuthenticator, DigestVerifier.
 * - Transports (§18): UdpTransport, StreamTransport (TCP/TLS), StreamFramer.
 * - Server location (RFC 3263): ServerLocator.
 * - Transactions (§17, RFC 6026), dialogs (§12), registration (§10.2, RFC 5626 back-off).
 * - The UA core (§8.2) and SipStack, the facade firmware/phone and main.ts use.
 */
export * from './message/index.js';
export * from './auth/index.js';
export * from './timers.js';
export * from './transport/index.js';
export * from './dns/index.js';
export * from './transaction/index.js';
export * from './dialog/index.js';
export * from './registration/index.js';
export * from './ua/index.js';
