import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exited, freePort, startProcess, tempDir, waitFor, type PeerProcess } from './processes.js';

/**
 * sipp (Debian's sip-tester) playing a protocol scenario (LAB.md "sipp"): either
 * a built-in one (`uac`, `uas`, …) or scenario XML written by the test. sipp runs
 * non-interactively (`-nostdin`) on 127.0.0.1 and is judged by its exit code.
 */
export interface SippOptions {
  /** Built-in scenario name (-sn) … */
  builtin?: 'uac' | 'uas' | 'regexp' | 'branchc' | 'branchs' | 'uac_pcap';
  /** … or a scenario XML document. */
  scenario?: string;
  /** host:port the scenario sends to (client scenarios). */
  target?: string;
  transport?: 'udp' | 'tcp';
  /** Local port; a free one is chosen when absent. */
  port?: number;
  /** Local address (another loopback address, e.g. 127.0.0.2, plays a stranger); 127.0.0.1 by default. */
  localIp?: string;
  /** Stop after this many calls (-m). */
  calls?: number;
  /** `[key]` values for the scenario (-key name value). */
  keys?: Record<string, string>;
  /** Any further sipp arguments. */
  args?: string[];
}

export interface SippRun {
  readonly port: number;
  readonly peer: PeerProcess;
  /** Resolves with sipp's exit code (0: every call succeeded). */
  done(): Promise<number | null>;
  stop(): Promise<void>;
}

export async function startSipp(options: SippOptions): Promise<SippRun> {
  const dir = await tempDir('sipp');
  const port = options.port ?? (await freePort());
  const args = ['-nostdin', '-i', options.localIp ?? '127.0.0.1', '-p', String(port), '-trace_err', '-error_file', join(dir.path, 'errors.log')];
  if (options.builtin) args.push('-sn', options.builtin);
  if (options.scenario !== undefined) {
    const file = join(dir.path, 'scenario.xml');
    await writeFile(file, options.scenario);
    args.push('-sf', file);
  }
  if (options.transport === 'tcp') args.push('-t', 't1');
  if (options.calls !== undefined) args.push('-m', String(options.calls));
  for (const [k, v] of Object.entries(options.keys ?? {})) args.push('-key', k, v);
  args.push(...(options.args ?? []));
  if (options.target) args.push(options.target);
  const peer = startProcess('sipp', 'sipp', args, { cwd: dir.path });
  const finished = exited(peer.child).finally(() => dir.remove());
  return {
    port,
    peer,
    done: () => finished,
    stop: () => peer.stop(),
  };
}

/** Runs a client scenario to completion and returns its exit code and what it printed. */
export async function runSipp(options: SippOptions & { timeoutMs?: number }): Promise<{ code: number | null; output: string }> {
  const run = await startSipp(options);
  const code = await Promise.race([
    run.done(),
    new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), options.timeoutMs ?? 30_000)),
  ]);
  if (code === 'timeout') {
    await run.stop();
    throw new Error(`sipp did not finish in time:\n${run.peer.output()}`);
  }
  return { code, output: run.peer.output() };
}

/** Waits until a background sipp (a UAS) has bound its port. */
export async function sippListening(run: SippRun): Promise<void> {
  await waitFor('sipp to listen', async () => {
    const { createSocket } = await import('node:dgram');
    return new Promise<true | undefined>((resolve) => {
      const s = createSocket('udp4');
      s.once('error', () => {
        s.close();
        resolve(true); // EADDRINUSE: sipp holds the port
      });
      s.bind(run.port, '127.0.0.1', () => s.close(() => resolve(undefined)));
    });
  }, { peer: run.peer });
}
