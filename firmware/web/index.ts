/**
 * The web side of the phone (issue 7 §5–7): the virtual front panel at `/`,
 * the admin pages, and the remote-control REST API under /api (and /api/v1).
 * main.ts starts it with startWebServer; tests build the handler with
 * createWebApp and inject requests into `handle` without a socket.
 */
export { startWebServer, type RunningWebServer, type WebServerOptions } from './web-server.js';
export { createWebApp, type WebApp } from './web-app.js';
export type { WebAppDeps, PhoneControl, CallSummary, CallAction, PartStatus } from './web-context.js';
export { ConfigAccess, parseKeyPath, maskSecrets, SECRET_MASK, type ConfigChange, type KeyPath } from './config-access.js';
export type { SipStatusSource, PhoneStatus, AccountStatus } from './status-view.js';
export type { PanelState } from './panel-view.js';
export { hashPassword, verifyPassword, isPasswordHash } from '../config/index.js';
export { WebAuth, SESSION_COOKIE, type Principal } from './web-auth.js';
export { WebError } from './web-error.js';
