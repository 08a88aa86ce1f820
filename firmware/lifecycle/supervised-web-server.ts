import { startWebServer, type RunningWebServer, type WebServerOptions } from '../web/index.js';
import { DeskphoneError } from '../errors.js';
import type { Supervisor } from './supervisor.js';

/**
 * The web admin, front panel and REST API as a supervised part: a server that
 * fails to listen, or dies after it did (an error, its socket closed), is
 * started again on the same port, so the bookmarks and the test scripts that
 * drive the phone find it where it was. Calls never depend on it.
 */
export async function startSupervisedWebServer(supervisor: Supervisor, options: Omit<WebServerOptions, 'onDown'>): Promise<RunningWebServer> {
  let current: RunningWebServer | undefined;
  // Port 0 picks a free port once; every restart asks for that same port.
  let port = options.port;
  const host = options.host ?? '127.0.0.1';
  const shown = host.includes(':') ? `[${host}]` : host;
  await supervisor.start({
    name: 'web',
    start: async ({ fail }) => {
      const web = await startWebServer({ ...options, port, onDown: fail });
      port = web.port;
      current = web;
      return {
        stop: async () => {
          if (current === web) current = undefined;
          await web.close();
        },
      };
    },
  });
  return {
    get port() {
      return port;
    },
    host,
    get url() {
      return `http://${shown}:${port}/`;
    },
    get config() {
      return current?.config ?? (options.config as RunningWebServer['config']);
    },
    get server() {
      if (!current) throw new DeskphoneError('WEB_RESTARTING', 'the web server is restarting');
      return current.server;
    },
    close: () => supervisor.stop('web'),
  };
}
