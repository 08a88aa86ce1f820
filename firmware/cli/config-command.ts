import type { Command } from 'commander';
import { ConfigError, loadConfigFile, formatIssue } from '../config/index.js';

/** `deskphone config check FILE`: every problem in the file, with its key path; exit 1 when there is one. */
export function registerConfigCommand(program: Command): void {
  const config = program.command('config').description('work with configuration files');
  config
    .command('check')
    .description('validate a configuration file and list every error with its key path')
    .argument('<file>', 'YAML configuration file')
    .action(async (file: string) => {
      try {
        const { config: c } = await loadConfigFile(file);
        const accounts = c.accounts.length === 0 ? 'no account (direct-IP mode)' : `${c.accounts.length} account(s)`;
        process.stdout.write(`${file}: OK (board ${c.board}, ${accounts})\n`);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        process.stderr.write(`${file}: ${err.issues.length} error${err.issues.length === 1 ? '' : 's'}\n${err.issues.map(formatIssue).join('\n')}\n`);
        process.exitCode = 1;
      }
    });
}
