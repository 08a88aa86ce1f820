import { CommanderError } from 'commander';
import { createProgram } from './program.js';

/** The `deskphone` executable (scripts/deskphone.js loads this, built or through tsx). */
export async function run(argv: string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through exitOverride too; they are not errors.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    process.stderr.write(`deskphone: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
