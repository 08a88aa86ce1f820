import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { homedir, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { SystemClock } from './clock/index.js';
import { DeskphoneError } from './errors.js';
import { JsonStore, loadConfigFile, parseConfigText, parseKeyPath, TONE_REGIONS, type Config } from './config/index.js';
import { mainMenu } from './phone/menu/index.js';
import { Logging, type Component, type LogLevel } from './log/index.js';
import { SipStack, type RegistrationStatus, type SipStackConfig } from './sip/index.js';
import { PhoneApp } from './phone/phone-app.js';
import { CallLog } from './phone/call-log.js';
import { ContactBook } from './phone/contacts/index.js';
import { DigitMap, resolveDialTarget } from './phone/dial-plan/index.js';
import { DeviceAudio } from './phone/device-audio.js';
import { SipCallControl } from './phone/sip-call-control.js';
import { CallManager, callAccount, readdressCalls } from './sip/session/index.js';
import { InterfaceWatcher, snapshotInterfaces } from './net/index.js';
import type { SdpCodec } from './sip/sdp/index.js';
import { MediaEngine, createDefaultCodecRegistry } from './media/index.js';
import { CaptureTime, PacketCapture } from './capture/index.js';
import { NotifySourcePolicy, startMwi } from './sip/mwi/index.js';
import { InvitePolicy } from './phone/invite-policy.js';
import { TrustedServers } from './phone/caller-identity.js';
import { lookup } from 'node:dns/promises';
import { adminLogin, createMaintenanceBackend } from './phone/maintenance-backend.js';
import { createMaintenanceConsole, type MaintenanceConsole } from '../hal/index.js';
import { BOARDS, loadBoard, buildBoard, validateBoard, type BoardDevices, type ValidBoard } from '../board/index.js';
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
  readonly app: PhoneApp;
  /** Resolves when the phone has stopped (Ctrl-C, SIGTERM or stop()). */
  readonly stopped: Promise<void>;
  stop(): Promise<void>;
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

  const callLog = await CallLog.open(new JsonStore(join(dataDir, 'calls.json'), CallLog.emptyFile, keptAside('the call log')));
  const contacts = await ContactBook.open(new JsonStore(join(dataDir, 'contacts.json'), ContactBook.emptyFile, keptAside('the contacts')));

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
  const rebootBoard = options.rebootBoard ?? (boardName === 'sim' ? undefined : systemctlReboot);
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
      phone: {
        dial: (target: string) => phoneReady().dial(resolveDialTarget(target, account?.domain)),
        calls: () => (appRef ? appRef.callList() : []),
        callLog: (view) => callLog.list(view),
        callHistory: { markMissedSeen: () => callLog.markMissedSeen(), clear: () => callLog.clear() },
        contacts: {
          list: () => contacts.list(),
          export: (format) => contacts.export(format),
          import: (text, format) => contacts.import(text, format),
          add: (c) => contacts.add(c),
          update: (c) => contacts.update(c),
          remove: (id) => contacts.remove(id),
        },
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

  const transports = sip.localTransports;
  const sipPort = transports.find((t) => t.protocol === 'UDP')?.port ?? transports[0]?.port;
  const directAddress = `${lanAddress()}:${sipPort}`;
  const directUri = `sip:phone@${directAddress}`;
  const lines = sipConfig(config, options).accounts;

  // The media engine (its own worker thread: 20 ms frames leave on time whatever the main thread does).
  // Its heap is small and allocation-free in steady state (DESIGN.md), so a 2 MB young generation
  // (V8's default semi-spaces grow to 16 MB each on 64-bit) costs only short scavenges, and the old
  // generation cap turns a leak in the media thread into a reported worker failure, not a phone
  // that swaps (issue 4: RSS target in a call; test/firmware/phone-memory.bench.ts).
  const engine = await MediaEngine.start({ priority: -10, resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 32 } });
  // Sockets bound to all interfaces are recorded with the address toward the registrar (one per capture: the
  // kernel does not say which local address a datagram used; a multi-homed phone's other calls show it too).
  const packetCapture = new PacketCapture(() => captureTime.nowMs(), engine, sip.mediaAddressFor(undefined), (err) =>
    log.warn({ err: err.message }, 'packet capture: the media worker gave no RTP; the download has SIP only'),
  );
  const applyCapture = (c: Config) => packetCapture.configure(c.capture).catch((err: Error) => log.warn({ err: err.message }, 'packet capture settings not applied'));
  await applyCapture(config);
  capture = packetCapture;
  const audio = new DeviceAudio(board.audio, config.toneRegion);
  await audio.start().catch((err: Error) => log.warn({ err: err.message }, 'audio device did not start; it is retried by its driver'));
  let control: SipCallControl | undefined;
  const codecs = sdpCodecs(config.audio.codecs);
  const policy = new InvitePolicy({ acceptDirectCalls: config.phone.acceptDirectCalls, hasAccount: lines.length > 0, log: logging.for('phone') });
  // Unsolicited MWI NOTIFYs come from the same servers as calls, or not at all.
  const notifySources = new NotifySourcePolicy({ log: logging.for('sip') });
  // P-Asserted-Identity is believed only from them too (RFC 3325 §5).
  const identityServers = new TrustedServers();
  void trustedAddresses(lines).then((a) => {
    policy.setTrusted(a);
    notifySources.setTrusted(a);
    identityServers.set(a);
  });
  const manager = new CallManager(sip.core, { clock, log: logging.for('sip') }, {
    // c=/o= name the interface toward the call's signalling peer, not the first LAN address (issue 5 point 11).
    localMedia: (call) => ({ address: sip.mediaAddressFor(call.signallingPeer), port: control!.rtpPortFor(call), codecs, ptime: config.audio.ptime }),
    admitInvite: (incoming) => policy.admit(incoming.source),
    forwardTo: () => {
      const target = configAccess.config.phone.callForward;
      if (!target) return undefined;
      try {
        return resolveDialTarget(target, account?.domain);
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'phone.callForward is not a target the phone can call; calls ring instead');
        return undefined;
      }
    },
  });
  control = new SipCallControl({
    manager,
    engine,
    audio,
    clock,
    account: () => (lines[0] ? callAccount(lines[0]) : undefined),
    mediaAddress: '0.0.0.0',
    log: logging.for('phone'),
    trustIdentityFrom: (address) => identityServers.has(address),
  });
  const calls = control;
  qualityRef = control;

  const app = new PhoneApp({
    log: logging.for('phone'),
    devices: board,
    calls,
    audio,
    clock,
    wall: clock,
    callLog,
    contacts,
    machine: {
      dialPlan: {
        digitMap: DigitMap.parse(config.dialPlan.digitMap),
        shortTimeoutMs: config.dialPlan.shortTimeoutS * 1000,
        longTimeoutMs: config.dialPlan.longTimeoutS * 1000,
        emergencyNumbers: config.dialPlan.emergencyNumbers,
        rewrite: config.dialPlan.rewrite,
      },
      callWaiting: config.phone.callWaiting,
      doNotDisturb: config.phone.doNotDisturb ? config.phone.dndResponse : false,
      autoAnswer: config.phone.autoAnswer,
      volumes: config.audio.volumes,
    },
    menu: {
      root: () =>
        mainMenu({
          callLog,
          contacts,
          settings: () => {
            const c = configAccess.config;
            return { ringerVolume: c.audio.volumes.ringer, doNotDisturb: c.phone.doNotDisturb, callForward: c.phone.callForward, toneRegion: c.toneRegion, toneRegions: TONE_REGIONS };
          },
          status: () => ({
            accounts: lines.map((l) => ({ name: l.displayName ?? l.user, state: sip.registrationStatus()[l.id]?.state ?? 'off' })),
            // The address the PBX knows the phone by (the source toward the registrar), not the first one listed.
            address: sip.mediaAddressFor(undefined),
            sipPort,
            version: packageVersion(),
            mac: macAddress(),
          }),
          formatTime: (iso) =>
            new Intl.DateTimeFormat('en-GB', { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: configAccess.config.timeZone }).format(new Date(iso)),
        }),
      applySetting: async (setting, value) => {
        await configAccess.set(parseKeyPath(setting), value);
      },
    },
    idle: {
      accountName: account ? account.displayName || account.user : undefined,
      registration: account ? 'registering' : 'none',
      directAddress,
      timeZone: config.timeZone,
      voicemail: 0,
    },
  });
  sip.onRegistration(({ accountId, status }) => {
    if (account && accountId === accountIdOf(config, account)) app.updateIdle({ registration: screenState(status) });
  });
  appRef = app;
  // Settings changed from the menus, the web admin or the console take effect at once.
  configAccess.onChange((c) => {
    app.machine.configure({ callWaiting: c.phone.callWaiting, doNotDisturb: c.phone.doNotDisturb ? c.phone.dndResponse : false, autoAnswer: c.phone.autoAnswer });
    board.ringer.setVolume(c.audio.volumes.ringer);
    audio.setRegion(c.toneRegion);
    void applyCapture(c);
  });
  board.ringer.setVolume(config.audio.volumes.ringer);
  app.start();
  sip.start();
  // A changed or lost address (DHCP, cable moved, VPN): register again and re-INVITE calls with the new one.
  const interfaces = new InterfaceWatcher({ clock, read: () => snapshotInterfaces(networkInterfaces()) });
  interfaces.onChange((changes) => {
    log.info({ changes: changes.map((c) => `${c.kind} ${c.entry.name} ${c.entry.address}/${c.entry.prefix}`) }, 'network interfaces changed');
    sip.checkAddresses().catch((err: Error) => log.warn({ err: err.message }, 'address check failed'));
  });
  sip.onAddressChange(() => readdressCalls(manager.calls, (call) => sip.routedMediaAddressFor(call.signallingPeer), logging.for('sip')));
  interfaces.start();
  // Message waiting (RFC 3842): the voicemail count on the idle screen and the message lamp.
  const mwi = startMwi(sip, lines, { clock, log: logging.for('sip'), unsolicitedFrom: notifySources });
  mwi.onChange((m) => {
    if (account && m.accountId === accountIdOf(config, account)) app.updateIdle({ voicemail: m.newVoice });
  });
  // One machine-readable line with the chosen ports (scripts and tests start the phone with port 0),
  // whatever the log level: it is the phone's answer to "where are you?", not a log message.
  const listening = { event: 'listening', sip: Object.fromEntries(transports.map((t) => [t.protocol.toLowerCase(), t.port])), http: web.port, url: web.url, directUri };
  if (options.announce !== false) process.stdout.write(`${JSON.stringify(listening)}\n`);

  if (board.panel) process.stderr.write(`deskphone: front panel at ${web.url}\n`);
  if (!account) process.stderr.write(`deskphone: no account configured (direct-IP mode). Call this phone at ${directUri}\n`);

  // A missing UART is reported and left to the driver's reconnect; it never stops the phone.
  await board.serial?.open().catch((err: Error) => log.warn({ err: err.message }, 'serial console did not open'));
  const consoleSession = board.serial ? startConsole() : undefined;
  const detachPanel = options.terminalPanel && board.panel ? attachTerminalPanel(board.panel) : undefined;

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
      calls: () =>
        app.machine.view.calls.map((c) => ({
          id: c.id,
          state: c.heldByRemote ? 'held by far end' : c.phase,
          remote: c.remoteName ?? c.number,
          direction: c.direction === 'incoming' ? ('in' as const) : ('out' as const),
          ...(c.connectedAt !== undefined ? { durationS: Math.round((clock.now() - c.connectedAt) / 1000) } : {}),
        })),
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
      interfaces.stop();
      app.stop();
      detachPanel?.();
      consoleSession?.stop();
      await web.close().catch((err: Error) => log.warn({ err: err.message }, 'web server did not close cleanly'));
      await mwi.stop().catch((err: Error) => log.warn({ err: err.message }, 'MWI did not unsubscribe cleanly'));
      await control?.close().catch((err: Error) => log.warn({ err: err.message }, 'calls did not close cleanly'));
      await engine.stop().catch((err: Error) => log.warn({ err: err.message }, 'media engine did not stop cleanly'));
      await audio.stop().catch(() => undefined);
      await sip.stop().catch((err: Error) => log.warn({ err: err.message }, 'SIP stack did not stop cleanly'));
      await board.close().catch((err: Error) => log.warn({ err: err.message }, 'board did not close cleanly'));
      log.info('stopped');
      logging.flush();
      resolveStopped();
    })());

  stopRef = stop;

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

  return { config, sip, board, web, configAccess, app, stopped, stop };
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
function sdpCodecs(names: readonly string[]): SdpCodec[] {
  const registry = createDefaultCodecRegistry();
  return registry
    .ordered(names.filter((n) => registry.byName(n) !== undefined))
    .filter((d) => d.kind !== 'comfort-noise')
    .map((d) => ({ name: d.name, payloadType: d.payloadType, clockRate: d.clockRate, channels: d.channels, ...(d.fmtp ? { fmtp: d.fmtp } : {}), ...(d.kind === 'telephone-event' ? { kind: d.kind } : {}) }));
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

/** The addresses calls may come from: each account's outbound proxy, registrar and domain, resolved. */
async function trustedAddresses(lines: ReadonlyArray<{ domain: string; registrar?: string; outboundProxy?: string }>): Promise<string[]> {
  const hosts = new Set<string>();
  for (const l of lines) for (const h of [l.outboundProxy, l.registrar, l.domain]) if (h) hosts.add(hostOf(h));
  const out: string[] = [];
  for (const host of hosts) {
    const found = await lookup(host, { all: true }).catch(() => []);
    out.push(...found.map((f) => f.address));
  }
  return out;
}

/** "sip:[2001:db8::1]:5060;lr" or "pbx.example.com:5060" → the host alone. */
function hostOf(value: string): string {
  const v = value.replace(/^sips?:/i, '').split(';')[0]!;
  if (v.startsWith('[')) return v.slice(1, v.indexOf(']'));
  return v.split(':')[0]!;
}

/** The board's reboot on a device: logind (through polkit) decides whether the service user may. */
async function systemctlReboot(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    execFile('systemctl', ['reboot'], { timeout: 10_000 }, (err, _stdout, stderr) => {
      if (err) reject(new DeskphoneError('REBOOT_FAILED', `systemctl reboot failed: ${String(stderr).trim() || err.message}`));
      else resolve();
    });
  });
}

/** The MAC address of the interface the phone talks on (the phone information screen). */
function macAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const ni of list ?? []) if (!ni.internal && ni.mac !== '00:00:00:00:00:00') return ni.mac;
  }
  return '00:00:00:00:00:00';
}

/** The address a person on the LAN would call the phone at (first non-internal IPv4), else loopback. */
function lanAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const ni of list ?? []) if (ni.family === 'IPv4' && !ni.internal) return ni.address;
  }
  return '127.0.0.1';
}
