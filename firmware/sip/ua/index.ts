export { UserAgentCore } from './ua-core.js';
export type { DialogUsage, RequestHandler, SendRequestOptions, SipLog, UserAgentCoreOptions } from './ua-core.js';
export { IncomingRequest } from './incoming-request.js';
export { SipStack } from './sip-stack.js';
export type { RegistrationEvent, SipStackDeps } from './sip-stack.js';
export type { SipAccountConfig, SipStackConfig, SipTlsConfig, TransportName } from './config.js';
export { stampTopVia, responseTarget } from './rport.js';
export { checkMethod, checkRequire, checkUriScheme } from './request-checks.js';
export type { Rejection } from './request-checks.js';
