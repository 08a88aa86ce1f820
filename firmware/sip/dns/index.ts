export type { DnsResolver, NaptrRecord, SrvRecord } from './resolver.js';
export { systemResolver } from './resolver.js';
export { orderSrv } from './srv-order.js';
export { ServerLocator, ServerLocationError } from './server-location.js';
export type { LocationRequest, ServerTarget, ServerLocatorOptions } from './server-location.js';
