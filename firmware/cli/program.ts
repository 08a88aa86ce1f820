import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { registerConfigCommand } from './config-command.js';
import { registerStartCommand } from './start-command.js';
import { registerDoctorCommand } from './doctor-command.js';
import { registerMediaCommand } from './media-command.js';

export function packageVersion(): string {
  // Two levels up from firmware/cli (source) or dist/firmware/cli (build) holds package.json.
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'deskphone' && pkg.version) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return '0.0.0';
}

/**
 * The `deskphone` command line. Usage errors (unknown command or option, a bad
 * value) print a clear message and exit 2, as sysexits-minded tools do; a
 * command that runs and finds a problem (config check) exits 1.
 */
export function createProgram(): Command {
  const program = new Command('deskphone')
    .description('Open-source SIP desk phone firmware')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(run deskphone --help for usage)')
    .showSuggestionAfterError(true)
    .allowExcessArguments(false)
    .exitOverride();
  program.configureHelp({ sortSubcommands: false });
  registerStartCommand(program);
  registerConfigCommand(program);
  registerDoctorCommand(program);
  registerMediaCommand(program);
  applyToAll(program);
  return program;
}

/** Subcommands inherit exit handling and strictness. */
function applyToAll(command: Command): void {
  for (const sub of command.commands) {
    sub.exitOverride().showHelpAfterError(`(run deskphone ${fullName(sub)} --help for usage)`).allowExcessArguments(false);
    applyToAll(sub);
  }
}

function fullName(c: Command): string {
  const names: string[] = [];
  for (let x: Command | null = c; x && x.parent; x = x.parent) names.unshift(x.name());
  return names.join(' ');
}

export { Option };
