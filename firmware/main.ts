import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SystemClock } from './clock/index.js';
import { DeskphoneError } from './errors.js';
import { loadConfigFile, parseConfigText, type Config } from './config/index.js';
import { Logging, type Component, type LogLevel } from './log/index.js';
import { SipStack } from './sip/index.js';
import { CaptureTime, PacketCapture } from './capture/index.js';
import type { PhoneApp } from './phone/phone-app.js';
import { CallLog } from './phone/call-log.js';
import { ContactBook } from './phone/contacts/index.js';
import { resolveDialTarget } from './phone/dial-plan/index.js';
import type { SipCallControl } from './phone/sip-call-control.js';
import { startPhoneRuntime, type PhoneRuntime } from './phone/phone-runtime.js';
import { sipConfig } from './phone/sip-settings.js';
import { BOARDS, loadBoard, buildBoard, validateBoard, type BoardDevices, type ValidBoard } from '../board/index.js';
import { ConfigAccess, type RunningWebServer } from './web/index.js';
import { packageVersion } from './cli/program.js';
import type { StartOptions } from './cli/start-command.js';
import { Supervisor } from './lifecycle/supervisor.js';
import { requestReboot } from './lifecycle/reboot-request.js';
import { startSupervisedWebServer } from './lifecycle/supervised-web-server.js';
import { handleProcessExit, EXIT_FAILURE } from './lifecycle/process-exit.js';
import type { RestartingMediaEngine } from './lifecycle/restarting-media-engine.js';
import { FlushableJsonStore } from './lifecycle/flushable-store.js';

export { sipConfig } from './phone/sip-settings.js';

/** How long shutdown waits for the registrar to confirm the un-REGISTER (issue 7 point 8: out within 2 s). */
const UNREGISTER_WAIT_MS = 900;

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
  readonly app: PhoneApp;
  /** The restartable parts (web, media, audio, phone, lcd, mwi, console) and their state. */
  readonly supervisor: Supervisor;
  readonly calls: SipCallControl;
  /** The calls' media streams, kept across media-worker restarts. */
  readonly media: RestartingMediaEngine;
  /** Resolves when the phone has stopped (Ctrl-C, SIGTERM, stop(), or a core part that could not be kept running). */
  readonly stopped: Promise<void>;
  stop(): Promise<void>;
  /** 0, or 1 once a core part broke and stopped the phone (what the CLI exits with). */
  exitCode(): number;
}

export interface PhoneStartOptions extends StartOptions {
  /** Stop on SIGINT/SIGTERM (the CLI); tests stop the phone themselves. */
  handleSignals?: boolean;
  /** Draw the simulated LCD in the terminal. */
  terminalPanel?: boolean;
  /** Print the machine-readable `listening` line on stdout (default true). */
  announce?: boolean;
  /** What the console's `reboot` does after the phone has stopped (the CLI exits; systemd starts it again). */
  onReboot?: () => void;
  /**
   * What the web admin's restart does once the phone has stopped. Default, when
   * the phone owns its process (handleSignals): exit with PHONE_RESTART_EXIT_CODE,
   * which the systemd unit (Restart=always) starts again; otherwise no restart is offered.
   */
  onRestart?: () => void;
  /** Reboots the board (web admin). Default: `systemctl reboot` on a real board, none on the simulator. */
  rebootBoard?: () => Promise<void>;
}

/** The exit status of a restart asked for from the web admin (EX_TEMPFAIL): the journal tells it from a crash. */
export const PHONE_RESTART_EXIT_CODE = 75;

export async function startPhone(options: PhoneStartOptions = {}): Promise<RunningPhone> {
  const loaded = options.config ? await loadConfigFile(options.config) : parseConfigText('');
  const config = loaded.config;
  const logging = new Logging({
    level: options.logLevel?.level ?? config.logging.level,
    levels: { ...(config.logging.components as Partial<Record<Component, LogLevel>>), ...options.logLevel?.components },
  });
  const log = logging.for('main');
  const clock = new SystemClock();
  // The call log and contacts: the user's data, kept across restarts and firmware updates.
  const dataDir = options.dataDir ?? join(process.env['XDG_DATA_HOME'] ?? join(homedir(), '.local', 'share'), 'deskphone');
  await mkdir(dataDir, { recursive: true });
  const keptAside = (what: string) => (err: Error, keptAs: string) => log.error({ err: err.message, keptAs }, `${what} was unreadable; kept aside, starting empty`);

  const stores = {
    calls: new FlushableJsonStore(join(dataDir, 'calls.json'), CallLog.emptyFile, keptAside('the call log')),
    contacts: new FlushableJsonStore(join(dataDir, 'contacts.json'), ContactBook.emptyFile, keptAside('the contacts')),
  };
  const callLog = await CallLog.open(stores.calls);
  const contacts = await ContactBook.open(stores.contacts);

  const boardName = options.board ?? config.board;
  const board = await buildBoard(boardFor(boardName, options), { clock, log: logging.for('hal') });
  log.info({ board: board.name, config: options.config ?? '(none: direct-IP mode)' }, 'starting');

  // The recent SIP and RTP traffic for the web admin's pcap download (issue 7 §6): SIP from the transports'
  // tap here, RTP/RTCP in the media worker's own ring; both rings exist once the media engine has started.
  let capture: PacketCapture | undefined;
  const captureTime = new CaptureTime(clock, clock);

  let sip: SipStack;
  try {
    sip = await SipStack.create(sipConfig(config, options), { clock, log: logging.for('sip'), traffic: (t) => capture?.sipTap(t) });
  } catch (err) {
    await board.close();
    throw err;
  }

  // The restartable parts run under one supervisor; a core part that cannot be kept running stops the phone.
  let exitCode = 0;
  let fatal: (part: string, err: Error) => void = () => undefined;
  const supervisor = new Supervisor({ clock, log: logging.for('main'), onFatal: (part, err) => fatal(part, err) });

  // One ConfigAccess for everything that changes the config (web admin, console), so writes queue.
  const configAccess = new ConfigAccess(loaded);
  const account = config.accounts.find((a) => a.enabled);
  // The web server starts before the phone application exists; its calls are bound once it does.
  let appRef: PhoneApp | undefined;
  const phoneReady = (): PhoneApp => {
    if (!appRef) throw new DeskphoneError('PHONE_NOT_READY', 'the phone is still starting');
    return appRef;
  };
  // Bound once the phone is up; a restart asked for while it starts is refused as PHONE_NOT_READY.
  let stopRef: (() => Promise<void>) | undefined;
  let qualityRef: SipCallControl | undefined;
  const onRestart = options.onRestart ?? (options.handleSignals ? () => process.exit(PHONE_RESTART_EXIT_CODE) : undefined);
  const rebootBoard = options.rebootBoard ?? (boardName === 'sim' ? undefined : () => requestReboot());
  let web: RunningWebServer;
  try {
    web = await startSupervisedWebServer(supervisor, {
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
      parts: () => supervisor.parts(),
      phone: {
        dial: (target: string) => phoneReady().dial(resolveDialTarget(target, account?.domain)),
        calls: () => (appRef ? appRef.callList() : []),
        callLog: (view) => callLog.list(view),
        // The call log and the contact book are the shapes the web's pages use, methods and all.
        callHistory: callLog,
        contacts,
        recentLogs: (count) => logging.recent.tail(count),
        callQuality: () => (qualityRef ? qualityRef.quality() : Promise.resolve([])),
        ...(onRestart
          ? {
              restart: async () => {
                if (!stopRef) throw new DeskphoneError('PHONE_NOT_READY', 'the phone is still starting');
                await stopRef();
                onRestart();
              },
            }
          : {}),
        // On its way down systemd stops the service (SIGTERM: BYE, unregister) like any other.
        ...(rebootBoard ? { reboot: rebootBoard } : {}),
        callAction: (id, action, target) => {
          if (action === 'transfer' && !target) throw new DeskphoneError('PHONE_TRANSFER_TARGET', 'a transfer needs a target');
          phoneReady().callAction(id, action, action === 'transfer' ? resolveDialTarget(target!, account?.domain) : undefined);
        },
      },
      ...(process.env['DESKPHONE_API_TOKEN'] ? { apiToken: process.env['DESKPHONE_API_TOKEN'] } : {}),
      capture: { pcap: () => (capture ? capture.pcap() : Promise.reject(new DeskphoneError('PHONE_NOT_READY', 'the phone is still starting'))) },
    });
  } catch (err) {
    await sip.stop();
    await board.close();
    throw err;
  }

  // The phone wiring: calls, media, the phone application, MWI, the console and the LCD (phone/phone-runtime.ts).
  let phone: PhoneRuntime;
  try {
    phone = await startPhoneRuntime({
      config,
      ...(options.sipPort !== undefined ? { sipPort: options.sipPort } : {}),
      clock,
      logging,
      board,
      sip,
      configAccess,
      callLog,
      contacts,
      supervisor,
      captureTime,
      ...(options.terminalPanel !== undefined ? { terminalPanel: options.terminalPanel } : {}),
      reboot: async () => {
        await stop();
        options.onReboot?.();
      },
    });
  } catch (err) {
    supervisor.shutdown();
    await web.close().catch(() => undefined);
    await sip.stop(0).catch(() => undefined);
    await board.close().catch(() => undefined);
    throw err;
  }
  const app = phone.app;
  appRef = app;
  qualityRef = phone.calls;
  capture = phone.capture;
  // One machine-readable line with the chosen ports (scripts and tests start the phone with port 0),
  // whatever the log level: it is the phone's answer to "where are you?", not a log message.
  const transports = sip.localTransports;
  const listening = { event: 'listening', sip: Object.fromEntries(transports.map((t) => [t.protocol.toLowerCase(), t.port])), http: web.port, url: web.url, directUri: phone.directUri };
  if (options.announce !== false) process.stdout.write(`${JSON.stringify(listening)}\n`);

  if (board.panel) process.stderr.write(`deskphone: front panel at ${web.url}\n`);

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  let stopping: Promise<void> | undefined;
  // The order matters: calls hang up (BYE) and MWI unsubscribes while the SIP stack still runs; the
  // stack unregisters (waiting at most 0.9 s, so SIGTERM ends within 2 s); the hardware goes last.
  async function stopEverything(): Promise<void> {
    log.info('stopping');
    supervisor.shutdown();
    await web.close().catch((err: Error) => log.warn({ err: err.message }, 'web server did not close cleanly'));
    await phone.stop();
    // The user's data on disk before the process goes, the record of a call the shutdown ended included.
    await Promise.all([stores.calls.flush(), stores.contacts.flush()]);
    await sip.stop(UNREGISTER_WAIT_MS).catch((err: Error) => log.warn({ err: err.message }, 'SIP stack did not stop cleanly'));
    await board.close().catch((err: Error) => log.warn({ err: err.message }, 'board did not close cleanly'));
    log.info('stopped');
    logging.flush();
    resolveStopped();
  }
  const stop = () => (stopping ??= stopEverything());
  stopRef = stop;

  const exit = options.handleSignals ? handleProcessExit({ stop }, process, { log, clock, flush: () => logging.flush() }) : undefined;
  if (exit) void stopped.then(() => exit.uninstall());
  fatal = (part, err) => {
    exitCode = EXIT_FAILURE;
    if (exit) exit.exitAfterStop(EXIT_FAILURE, `${part} failed: ${err.message}`);
    else void stop();
  };

  return { config, sip, board, web, configAccess, app, supervisor, calls: phone.calls, media: phone.media, stopped, stop, exitCode: () => exitCode };
}

/** The board, with the simulator's audio pointed at the WAV files given on the command line. */
function boardFor(name: string, options: PhoneStartOptions): ValidBoard {
  if (!options.audioIn && !options.audioOut) return loadBoard(name);
  const base = BOARDS.find((b) => b.name === name);
  if (!base || base.audio.driver !== 'file') {
    throw new DeskphoneError('AUDIO_FILES_SIM_ONLY', `--audio-in/--audio-out need a board whose audio is the file device (sim); board '${name}' uses '${base?.audio.driver ?? 'unknown'}'`);
  }
  return validateBoard({
    ...base,
    audio: { driver: 'file', ...(options.audioIn ? { inputPath: options.audioIn } : {}), ...(options.audioOut ? { outputPath: options.audioOut } : {}) },
  });
}
