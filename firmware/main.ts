import { mkdir } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { SystemClock } from './clock/index.js';
import { loadConfigFile, parseConfigText, type Config } from './config/index.js';
import { Logging, type Component, type LogLevel } from './log/index.js';
import { SipStack, type RegistrationStatus, type SipStackConfig } from './sip/index.js';
import { IdleView } from './phone/idle-view.js';
import { adminLogin, createMaintenanceBackend } from './phone/maintenance-backend.js';
import { createMaintenanceConsole, type MaintenanceConsole } from '../hal/index.js';
import { loadBoard, buildBoard, type BoardDevices } from '../board/index.js';
import { attachTerminalPanel } from './cli/terminal-panel.js';
import { ConfigAccess, startWebServer, type RunningWebServer } from './web/index.js';
import { packageVersion } from './cli/program.js';
import type { StartOptions } from './cli/start-command.js';

/**
 * The composition root (DESIGN.md): the only place that picks concrete
 * drivers (through board/), opens sockets and wires the SIP stack, the media
 * engine and the hardware to the phone. Everything below it takes its
 * dependencies as arguments.
 */
export interface RunningPhone {
  readonly config: Config;
  readonly sip: SipStack;
  readonly board: BoardDevices;
  readonly web: RunningWebServer;
  readonly configAccess: ConfigAccess;
  /** Resolves when the phone has stopped (Ctrl-C, SIGTERM or stop()). */
  readonly stopped: Promise<void>;
  stop(): Promise<void>;
}

export interface PhoneStartOptions extends StartOptions {
  /** Stop on SIGINT/SIGTERM (the CLI); tests stop the phone themselves. */
  handleSignals?: boolean;
  /** Draw the simulated LCD in the terminal. */
  terminalPanel?: boolean;
  /** What the console's `reboot` does after the phone has stopped (the CLI exits; systemd starts it again). */
  onReboot?: () => void;
}

export async function startPhone(options: PhoneStartOptions = {}): Promise<RunningPhone> {
  const loaded = options.config ? await loadConfigFile(options.config) : parseConfigText('');
  const config = loaded.config;
  const logging = new Logging({
    level: options.logLevel?.level ?? config.logging.level,
    levels: { ...(config.logging.components as Partial<Record<Component, LogLevel>>), ...options.logLevel?.components },
  });
  const log = logging.for('main');
  const clock = new SystemClock();
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });

  const boardName = options.board ?? config.board;
  const board = await buildBoard(loadBoard(boardName), { clock, log: logging.for('hal') });
  log.info({ board: board.name, config: options.config ?? '(none: direct-IP mode)' }, 'starting');

  let sip: SipStack;
  try {
    sip = await SipStack.create(sipConfig(config, options), { clock, log: logging.for('sip') });
  } catch (err) {
    await board.close();
    throw err;
  }

  // One ConfigAccess for everything that changes the config (web admin, console), so writes queue.
  const configAccess = new ConfigAccess(loaded);
  let web: RunningWebServer;
  try {
    web = await startWebServer({
      port: options.httpPort ?? 8080,
      host: options.httpHost ?? '127.0.0.1',
      clock,
      log: logging.for('web'),
      config: configAccess,
      version: packageVersion(),
      board: board.name,
      ...(board.panel ? { panel: board.panel } : {}),
      front: board,
      sip,
      ...(process.env['DESKPHONE_API_TOKEN'] ? { apiToken: process.env['DESKPHONE_API_TOKEN'] } : {}),
    });
  } catch (err) {
    await sip.stop();
    await board.close();
    throw err;
  }

  const transports = sip.localTransports;
  const sipPort = transports.find((t) => t.protocol === 'UDP')?.port ?? transports[0]?.port;
  const directAddress = `${lanAddress()}:${sipPort}`;
  const directUri = `sip:phone@${directAddress}`;
  // One machine-readable line with the chosen ports (scripts and tests start the phone with port 0).
  log.info(
    { event: 'listening', sip: Object.fromEntries(transports.map((t) => [t.protocol.toLowerCase(), t.port])), http: web.port, url: web.url, directUri },
    'listening',
  );

  const account = config.accounts.find((a) => a.enabled);
  const idle = new IdleView(board.display, clock, clock, {
    accountName: account ? account.displayName || account.user : undefined,
    registration: account ? 'registering' : 'none',
    directAddress,
    timeZone: config.timeZone,
    missedCalls: 0,
    voicemail: 0,
  });
  sip.onRegistration(({ accountId, status }) => {
    if (account && accountId === accountIdOf(config, account)) idle.update({ registration: screenState(status) });
  });
  // A missing UART is reported and left to the driver's reconnect; it never stops the phone.
  await board.serial?.open().catch((err: Error) => log.warn({ err: err.message }, 'serial console did not open'));
  const consoleSession = board.serial ? startConsole() : undefined;
  idle.show();
  const detachPanel = options.terminalPanel && board.panel ? attachTerminalPanel(board.panel) : undefined;
  sip.start();
  if (board.panel) process.stderr.write(`deskphone: front panel at ${web.url}\n`);
  if (!account) process.stderr.write(`deskphone: no account configured (direct-IP mode). Call this phone at ${directUri}\n`);

  function startConsole(): MaintenanceConsole {
    const startedAtMs = clock.now();
    const accounts = sipConfig(config, options).accounts;
    const backend = createMaintenanceBackend({
      version: packageVersion(),
      board: board.name,
      clock,
      startedAtMs,
      config: configAccess,
      registrations: () => sip.registrationStatus(),
      accounts: () => accounts.map((a) => ({ id: a.id, name: `${a.user}@${a.domain}`, registrar: a.outboundProxy ?? a.registrar ?? a.domain })),
      sipPorts: () => Object.fromEntries(sip.localTransports.map((t) => [t.protocol.toLowerCase(), t.port])),
      // No call layer is wired to the phone yet (issue 5/7): there are no calls to list.
      calls: () => [],
      logTail: (count) => logging.recent.tail(count),
      reboot: async () => {
        await stop();
        options.onReboot?.();
      },
    });
    const session = createMaintenanceConsole({
      console: board.serial!,
      backend,
      verifyLogin: adminLogin(configAccess),
      clock,
      log: logging.for('hal'),
      banner: `deskphone ${packageVersion()} maintenance console (${board.name})`,
    });
    session.start();
    return session;
  }

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      log.info('stopping');
      idle.hide();
      detachPanel?.();
      consoleSession?.stop();
      await web.close().catch((err: Error) => log.warn({ err: err.message }, 'web server did not close cleanly'));
      await sip.stop().catch((err: Error) => log.warn({ err: err.message }, 'SIP stack did not stop cleanly'));
      await board.close().catch((err: Error) => log.warn({ err: err.message }, 'board did not close cleanly'));
      log.info('stopped');
      logging.flush();
      resolveStopped();
    })());

  if (options.handleSignals) {
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        // A second Ctrl-C while unregistering: the user wants out now.
        process.exit(130);
      }
      log.info({ signal }, 'signal');
      void stop();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    void stopped.then(() => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    });
  }

  return { config, sip, board, web, configAccess, stopped, stop };
}

function accountIdOf(config: Config, account: Config['accounts'][number]): string {
  return `account${config.accounts.indexOf(account) + 1}`;
}

/** The phone's configuration as the SIP stack takes it. */
export function sipConfig(config: Config, options: Pick<StartOptions, 'sipPort'> = {}): SipStackConfig {
  const port = options.sipPort ?? config.sip.port;
  return {
    ports: { udp: port, tcp: port, tls: config.sip.tlsPort },
    transports: [...new Set([...config.sip.transports, ...config.accounts.map((a) => a.transport)])],
    ...(config.sip.caFile ? { tls: { caFile: config.sip.caFile } } : {}),
    timers: { T1: config.sip.timers.t1, T2: config.sip.timers.t2, T4: config.sip.timers.t4 },
    userAgent: config.sip.userAgent ?? `deskphone/${packageVersion()}`,
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

function screenState(status: RegistrationStatus): 'registered' | 'registering' | 'failed' | 'none' {
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

/** The address a person on the LAN would call the phone at (first non-internal IPv4), else loopback. */
function lanAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const ni of list ?? []) if (ni.family === 'IPv4' && !ni.internal) return ni.address;
  }
  return '127.0.0.1';
}
