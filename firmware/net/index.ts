export { diffInterfaces, onLinkAddress, snapshotInterfaces, type InterfaceAddress, type InterfaceChange } from './interfaces.js';
export { DEFAULT_INTERFACE_POLL_MS, InterfaceWatcher, type InterfaceListener, type InterfaceWatcherOptions } from './interface-watcher.js';
export { NoRouteError, probeSourceAddress } from './route-probe.js';
