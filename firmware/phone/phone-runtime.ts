import { lookup } from 'node:dns/promises';
import { networkInterfaces } from 'node:os';
import { displayZone, formatShortDateTime, type Clock, type WallClock } from '../clock/index.js';
import { parseKeyPath, TONE_REGIONS, type Config } from '../config/index.js';
import type { Logging } from '../log/index.js';
import type { SipStack } from '../sip/index.js';
import { CallManager, callAccount, readdressCalls } from '../sip/session/index.js';
import { InterfaceWatcher, snapshotInterfaces } from '../net/index.js';
import { MediaEngine } from '../media/index.js';
import { NotifySourcePolicy, startMwi } from '../sip/mwi/index.js';
import { PacketCapture, type CaptureTime } from '../capture/index.js';
import type { ConfigAccess } from '../web/index.js';
import { createMaintenanceConsole, type MaintenanceConsole } from '../../hal/index.js';
import type { BoardDevices } from '../../board/index.js';
import { attachTerminalPanel } from '../cli/terminal-panel.js';
import { packageVersion } from '../cli/program.js';
import { RestartingMediaEngine } from '../lifecycle/restarting-media-engine.js';
import { guardAudioDevice, guardClock, guardDisplay, guardCallControl, guardHookSwitch, guardKeypad, guardListener, guardSerialConsole } from '../lifecycle/guards.js';
import type { Supervisor } from '../lifecycle/supervisor.js';
import { PhoneApp } from './phone-app.js';
import type { CallLog } from './call-log.js';
import type { ContactBook } from './contacts/index.js';
import { DigitMap, resolveDialTarget } from './dial-plan/index.js';
import { DeviceAudio } from './device-audio.js';
import { SipCallControl } from './sip-call-control.js';
import { InvitePolicy } from './invite-policy.js';
import { TrustedServers } from './caller-identity.js';
import { adminLogin, createMaintenanceBackend } from './maintenance-backend.js';
import { mainMenu } from './menu/index.js';
import { lanAddress, macAddress } from './host-network.js';
import { ServerAddresses } from './server-addresses.js';
import { accountIdOf, screenState, sdpCodecs, sipConfig } from './sip-settings.js';

/**
 * How long shutdown waits for the voice-mail server to confirm the unsubscribe. With the
 * registrar's wait (main.ts) it fits issue 7's "exit within 2 s"; an unanswered one expires anyway.
 */
const MWI_UNSUBSCRIBE_WAIT_MS = 700;

export interface PhoneRuntimeDeps {
  config: Config;
  /** The SIP port given on the command line (the console's account list uses the same config as the stack). */
  sipPort?: number;
  clock: Clock & WallClock;
  logging: Logging;
  board: BoardDevices;
  sip: SipStack;
  configAccess: ConfigAccess;
  callLog: CallLog;
  contacts: ContactBook;
  supervisor: Supervisor;
  /** Timestamps for the packet capture (the same clock as the SIP tap's). */
  captureTime: CaptureTime;
  /** Draw the simulated LCD in the terminal. */
  terminalPanel?: boolean;
  /** The console's `reboot`: stop the phone, then whatever the CLI does after that. */
  reboot(): Promise<void>;
}

/** The phone's parts, running: what main.ts and the web server talk to. */
export interface PhoneRuntime {
  readonly app: PhoneApp;
  readonly calls: SipCallControl;
  readonly media: RestartingMediaEngine;
  /** The recent SIP and RTP traffic (the web admin's pcap download); SIP reaches it through the stack's tap. */
  readonly capture: PacketCapture;
  readonly directUri: string;
  /** Stops the phone's parts in the order a clean shutdown needs: hang up (BYE) before the SIP stack goes. */
  stop(): Promise<void>;
}

/**
 * The phone wiring: CallManager + SipCallControl + PhoneApp + DeviceAudio +
 * MWI + the serial console + the LCD, each restartable part started under the
 * supervisor (issue 7 point 8). The handlers that hal devices, timers and the
 * call layer call back are fenced (lifecycle/guards.ts), so an exception in
 * one of them reaches its part's supervisor instead of ending the process.
 */
export async function startPhoneRuntime(deps: PhoneRuntimeDeps): Promise<PhoneRuntime> {
  const { config, clock, logging, board, sip, configAccess, callLog, contacts, supervisor } = deps;
  const log = logging.for('main');
  const account = config.accounts.find((a) => a.enabled);
  const transports = sip.localTransports;
  const sipPort = transports.find((t) => t.protocol === 'UDP')?.port ?? transports[0]?.port;
  const directAddress = `${lanAddress()}:${sipPort}`;
  const directUri = `sip:phone@${directAddress}`;
  const lines = sipConfig(config, { ...(deps.sipPort !== undefined ? { sipPort: deps.sipPort } : {}) }).accounts;

  // The media engine (its own worker thread: 20 ms frames leave on time whatever the main thread does).
  // Its heap is small and allocation-free in steady state (DESIGN.md), so a 2 MB young generation
  // (V8's default semi-spaces grow to 16 MB each on 64-bit) costs only short scavenges, and the old
  // generation cap turns a leak in the media thread into a reported worker failure, not a phone
  // that swaps (issue 4: RSS target in a call; test/firmware/phone-memory.bench.ts).
  // A worker that dies is started again and the calls' streams re-opened in it on the same ports.
  const engine = new RestartingMediaEngine(logging.for('media'));
  await supervisor.start(
    {
      name: 'media',
      // Every millisecond of the restart is silence in the calls: the first restart is almost at once
      // (a worker that keeps dying still doubles its delay and runs out of budget).
      policy: { initialDelayMs: 20 },
      start: async ({ fail }) => {
        const worker = await MediaEngine.start({ priority: -10, resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 32 } });
        worker.onFailure((err) => {
          engine.detach(worker);
          fail(err);
        });
        const stop = async () => {
          engine.detach(worker);
          await worker.stop().catch(() => undefined);
        };
        try {
          await engine.attach(worker);
        } catch (err) {
          await stop();
          throw err;
        }
        return { stop };
      },
    },
    { required: true },
  );
  // Sockets bound to all interfaces are recorded with the address toward the registrar (one per capture: the
  // kernel does not say which local address a datagram used; a multi-homed phone's other calls show it too).
  const packetCapture = new PacketCapture(() => deps.captureTime.nowMs(), engine, sip.mediaAddressFor(undefined), (err) =>
    log.warn({ err: err.message }, 'packet capture: the media worker gave no RTP; the download has SIP only'),
  );
  const applyCapture = (c: Config) => packetCapture.configure(c.capture).catch((err: Error) => log.warn({ err: err.message }, 'packet capture settings not applied'));
  await applyCapture(config);
  // The phone's audio device is a part too: an exception in its frame handler restarts the device.
  const audio = new DeviceAudio(guardAudioDevice(board.audio, supervisor.reporter('audio')), config.toneRegion);
  await supervisor.start({
    name: 'audio',
    start: async ({ attempt }) => {
      if (attempt === 0) await audio.start().catch((err: Error) => log.warn({ err: err.message }, 'audio device did not start; it is retried by its driver'));
      else {
        await audio.stop().catch(() => undefined);
        await audio.start();
      }
      // The device runs until the phone stops (PhoneRuntime.stop), so a failed run leaves nothing to release here.
      return { stop: () => undefined };
    },
  });
  let control: SipCallControl | undefined;
  const codecs = sdpCodecs(config.audio.codecs);
  const policy = new InvitePolicy({ acceptDirectCalls: config.phone.acceptDirectCalls, hasAccount: lines.length > 0, log: logging.for('phone') });
  // Unsolicited MWI NOTIFYs come from the same servers as calls, or not at all.
  const notifySources = new NotifySourcePolicy({ log: logging.for('sip') });
  // P-Asserted-Identity is believed only from them too (RFC 3325 §5).
  const identityServers = new TrustedServers();
  const servers = new ServerAddresses({
    servers: lines.flatMap((l) => [l.outboundProxy, l.registrar, l.domain].filter((h): h is string => h !== undefined)),
    lookup: async (host) => (await lookup(host, { all: true })).map((f) => f.address),
    clock,
    onChange: (a) => {
      policy.setTrusted(a);
      notifySources.setTrusted(a);
      identityServers.set(a);
      log.info({ addresses: a }, 'calls, MWI and caller identity are trusted from these server addresses');
    },
  });
  void servers.start();
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

  // The phone's state and its handlers (keys, hook, call events, its timers) are the core: an
  // exception there is reported to the 'phone' part, which redraws from the state it kept.
  const phoneFailed = supervisor.reporter('phone');
  // The LCD is its own part: a driver that throws is re-initialised and the screen drawn whole.
  const display = guardDisplay(board.display, supervisor.reporter('lcd'));
  const app = new PhoneApp({
    log: logging.for('phone'),
    devices: { keypad: guardKeypad(board.keypad, phoneFailed), hookSwitch: guardHookSwitch(board.hookSwitch, phoneFailed), display, ringer: board.ringer, leds: board.leds },
    calls: guardCallControl(calls, phoneFailed),
    audio,
    clock: guardClock(clock, phoneFailed),
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
          formatTime: (iso) => formatShortDateTime(new Date(iso), displayZone(configAccess.config.timeZone)),
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
  /** The whole screen drawn again from the phone's state (after the LCD or the phone part restarts). */
  const redraw = () => app.updateIdle({});
  sip.onRegistration(
    guardListener(({ accountId, status }) => {
      if (account && accountId === accountIdOf(config, account)) app.updateIdle({ registration: screenState(status) });
    }, phoneFailed),
  );
  // Settings changed from the menus, the web admin or the console take effect at once.
  configAccess.onChange(
    guardListener((c: Config) => {
      app.machine.configure({ callWaiting: c.phone.callWaiting, doNotDisturb: c.phone.doNotDisturb ? c.phone.dndResponse : false, autoAnswer: c.phone.autoAnswer });
      board.ringer.setVolume(c.audio.volumes.ringer);
      audio.setRegion(c.toneRegion);
      void applyCapture(c);
    }, phoneFailed),
  );
  board.ringer.setVolume(config.audio.volumes.ringer);
  await supervisor.start(
    {
      name: 'phone',
      critical: true,
      start: async ({ attempt }) => {
        if (attempt === 0) app.start();
        else {
          // The machine kept its state (the fence caught the exception before it unwound anything):
          // the outputs are brought back in line with it.
          await display.clear();
          redraw();
        }
        return { stop: () => undefined };
      },
    },
    { required: true },
  );
  await supervisor.start({
    name: 'lcd',
    start: async ({ attempt }) => {
      // Re-initialise: the HD44780 driver re-sends its set-up with the clear; then the whole screen.
      if (attempt > 0) {
        await board.display.clear();
        redraw();
      }
      return { stop: () => undefined };
    },
  });
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
  await supervisor.start({
    name: 'mwi',
    start: ({ fail }) => {
      const mwi = startMwi(sip, lines, { clock, log: logging.for('sip'), unsolicitedFrom: notifySources, unsubscribeWaitMs: MWI_UNSUBSCRIBE_WAIT_MS });
      mwi.onChange(
        guardListener((m: { accountId: string; newVoice: number }) => {
          if (account && m.accountId === accountIdOf(config, account)) app.updateIdle({ voicemail: m.newVoice });
        }, fail),
      );
      return { stop: () => mwi.stop().catch((err: Error) => log.warn({ err: err.message }, 'MWI did not unsubscribe cleanly')) };
    },
  });

  if (!account) process.stderr.write(`deskphone: no account configured (direct-IP mode). Call this phone at ${directUri}\n`);

  // A missing UART is reported and left to the driver's reconnect; it never stops the phone.
  const serial = board.serial;
  if (serial) {
    await supervisor.start({
      name: 'console',
      start: async ({ fail, attempt }) => {
        if (attempt > 0) await serial.close().catch(() => undefined);
        await serial.open().catch((err: Error) => log.warn({ err: err.message }, 'serial console did not open'));
        const session = startConsole(guardSerialConsole(serial, fail));
        return { stop: () => session.stop() };
      },
    });
  }
  const detachPanel = deps.terminalPanel && board.panel ? attachTerminalPanel(board.panel) : undefined;

  function startConsole(uart: NonNullable<BoardDevices['serial']>): MaintenanceConsole {
    const startedAtMs = clock.now();
    const accounts = lines;
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
      reboot: () => deps.reboot(),
    });
    const session = createMaintenanceConsole({
      console: uart,
      backend,
      verifyLogin: adminLogin(configAccess),
      clock,
      log: logging.for('hal'),
      banner: `deskphone ${packageVersion()} maintenance console (${board.name})`,
    });
    session.start();
    return session;
  }

  return {
    app,
    calls: control,
    media: engine,
    capture: packetCapture,
    directUri,
    async stop() {
      interfaces.stop();
      servers.stop();
      detachPanel?.();
      await supervisor.stop('console');
      // A call whose stream waits for a media worker that is down would hold the hang-up forever.
      engine.close();
      // The BYEs leave first: a voice-mail server slow to confirm the unsubscribe must not hold the calls up.
      // The phone still listens meanwhile, so the calls the shutdown ends are written to the call log.
      await Promise.all([
        control.close().catch((err: Error) => log.warn({ err: err.message }, 'calls did not close cleanly')),
        supervisor.stop('mwi'),
      ]);
      app.stop();
      await supervisor.stop('media').catch((err: Error) => log.warn({ err: err.message }, 'media engine did not stop cleanly'));
      await audio.stop().catch(() => undefined);
    },
  };
}
