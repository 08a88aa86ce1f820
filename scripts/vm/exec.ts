import { spawn } from 'node:child_process';
import { VmRigError } from './errors.js';

export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Keeps error messages readable: the last lines are where tools say what broke. */
export function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Runs one host command to completion without a shell (arguments are passed
 * as they are), and turns a non-zero exit into a VM_BUILD / VM_APT error that
 * carries the command's output.
 */
export function exec(
  file: string,
  args: readonly string[],
  step: string,
  options: ExecOptions = {},
  code: 'VM_BUILD' | 'VM_APT' = 'VM_BUILD',
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (cause) =>
      reject(new VmRigError(code, `${step}: cannot start ${file}: ${cause.message}`, { step }, { cause })),
    );
    child.on('close', (status, signal) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (status === 0) {
        resolve({ stdout, stderr });
        return;
      }
      const output = tail(`${stdout}\n${stderr}`);
      reject(
        new VmRigError(code, `${step}: ${file} exited with ${signal ?? status}\n${output}`, { step, output }),
      );
    });
  });
}

/**
 * A pipeline through bash with `pipefail`, for the one place a stream is
 * piped between tools (deb → tar → xz → tar). Values reach the script as
 * positional parameters, never spliced into the script text.
 */
export function pipeline(script: string, args: readonly string[], step: string, options: ExecOptions = {}): Promise<ExecResult> {
  return exec('bash', ['-o', 'pipefail', '-euc', script, 'deskphone-vm', ...args], step, options);
}
