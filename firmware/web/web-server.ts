import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoadedConfig } from '../config/index.js';
import { ConfigAccess } from './config-access.js';
import { createWebApp } from './web-app.js';
import type { WebAppDeps } from './web-context.js';

export interface WebServerOptions extends Omit<WebAppDeps, 'config'> {
  /** 0 picks a free port (reported in the result). */
  port: number;
  /** 127.0.0.1 unless the board should answer on the LAN (admin pages on a real phone). */
  host?: string;
  /** The running config, as a ConfigAccess shared with the rest of the phone, or the LoadedConfig to wrap. */
  config: ConfigAccess | LoadedConfig;
  /** The server died after it was listening (an error, or closed by something other than close()): the phone's supervisor restarts it. */
  onDown?: (err: Error) => void;
}

export interface RunningWebServer {
  port: number;
  host: string;
  /** e.g. http://127.0.0.1:8080/ */
  url: string;
  config: ConfigAccess;
  /** The HTTP server itself (the lifecycle's health checks and fault-injection tests). */
  server: Server;
  close(): Promise<void>;
}

/** Starts the web admin, REST API and virtual front panel on a socket. */
export async function startWebServer(options: WebServerOptions): Promise<RunningWebServer> {
  const host = options.host ?? '127.0.0.1';
  const config = options.config instanceof ConfigAccess ? options.config : new ConfigAccess(options.config);
  const web = createWebApp({ ...options, config });
  // Plain node:http, no fetch Request/Response: those load Node's bundled undici and
  // WebStreams, ~5–8 MB of RSS for the rest of the process's life (issue 4; firmware/web/README.md).
  const server = await new Promise<Server>((resolve, reject) => {
    const s = createServer(web.handle);
    s.once('listening', () => resolve(s));
    s.once('error', reject);
    s.listen(options.port, host);
  });
  let closing: Promise<void> | undefined;
  server.on('error', (err) => {
    options.log.error({ err: err.message }, 'web server error');
    options.onDown?.(err);
  });
  server.on('close', () => {
    if (!closing) options.onDown?.(new Error('the web server stopped listening'));
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  options.log.info({ event: 'web-listening', host, port }, 'web server listening');
  return {
    port,
    host,
    url: `http://${shown}:${port}/`,
    config,
    server,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        web.close();
        server.close(() => resolve());
        // Idle keep-alive sockets (and any stream that ignored the close) would hold close() open.
        server.closeAllConnections();
      })),
  };
}
