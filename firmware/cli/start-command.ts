import { Option, type Command } from 'commander';
import { parseLogLevelOption, type LogLevelSetting } from './log-level-option.js';

export interface StartOptions {
  board?: string;
  config?: string;
  logLevel?: LogLevelSetting;
  dataDir?: string;
  sipPort?: number;
  httpPort?: number;
  /** WAV the simulated phone's microphone hears. */
  audioIn?: string;
  /** WAV that records what the simulated phone's speaker plays. */
  audioOut?: string;
  /** Address the web server listens on (127.0.0.1 by default; the LAN address on a real phone). */
  httpHost?: string;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`"${value}" is not a port number (0–65535; 0 picks a free one)`);
  return n;
}

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run the phone (on the simulated board unless the config or --board names another)')
    .option('-b, --board <name>', 'board definition to run on (overrides the config)')
    .option('-c, --config <file>', 'YAML configuration file (without one: direct-IP mode, no account)')
    .addOption(new Option('-l, --log-level <level>', 'log level for all components, or COMPONENT=LEVEL (repeatable)').argParser(parseLogLevelOption))
    .option('-d, --data-dir <dir>', 'where the call log, contacts and settings are kept')
    .addOption(new Option('--sip-port <port>', 'local SIP port for UDP and TCP (0 picks a free one)').argParser(port))
    .addOption(new Option('--http-port <port>', 'web front panel, admin pages and REST API (0 picks a free one)').argParser(port).default(8080))
    .option('--http-host <address>', 'address the web server listens on', '127.0.0.1')
    .option('--audio-in <file.wav>', 'simulated board: the microphone plays this WAV (looped)')
    .option('--audio-out <file.wav>', 'simulated board: record the speaker to this WAV')
    .action(async (options: StartOptions) => {
      const { startPhone } = await import('../main.js');
      // `reboot` on the console: exit cleanly; on the device systemd (Restart=always) starts the phone again.
      const phone = await startPhone({ ...options, handleSignals: true, terminalPanel: true, onReboot: () => process.exit(0) });
      await phone.stopped;
    });
}
