import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A peer process started by a test, stopped by its pid whatever the test's outcome. */
export interface PeerProcess {
  readonly child: ChildProcess;
  readonly name: string;
  /** Everything the process wrote to stdout and stderr so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

const running = new Set<PeerProcess>();

// A test that throws before its afterAll, or a worker that is torn down, must not
// leave daemons bound to ports: stop every peer this process started on exit.
process.once('exit', () => {
  for (const p of running) p.child.kill('SIGKILL');
});

export function startProcess(name: string, command: string, args: string[], options: SpawnOptions = {}): PeerProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let log = '';
  const append = (chunk: Buffer) => {
    log += chunk.toString('utf8');
    if (log.length > 200_000) log = log.slice(-100_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  child.on('error', (err) => append(Buffer.from(`\n[spawn error] ${err.message}\n`)));
  const peer: PeerProcess = {
    child,
    name,
    output: () => log,
    stop: () => stopChild(child).finally(() => running.delete(peer)),
  };
  running.add(peer);
  return peer;
}

/** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
export function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

export async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `deskphone-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/**
 * A port free for both UDP and TCP (SIP peers listen on both) on 127.0.0.1 and
 * on ::1: the IPv6 tests put Kamailio and baresip on [::1], and the phone
 * listens on both families on one port, so a port free on IPv4 alone could
 * still be taken. `span` consecutive ports are checked, for peers that also
 * take port+1 (baresip's TLS).
 */
export async function freePort(span = 1): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // Below the kernel's ephemeral range: every socket bound to port 0 (the phones' SIP and RTP, the
    // peers' clients) draws from that range, and could take a port between this check and its use.
    const base = 20000 + Math.floor(Math.random() * (EPHEMERAL_LOW - 20000 - span));
    let ok = true;
    for (let p = base; p < base + span && ok; p++) {
      for (const host of ['127.0.0.1', '::1']) ok = ok && (await tcpFree(p, host)) && (await udpFree(p, host));
    }
    if (ok) return base;
  }
  throw new Error('no free port found on 127.0.0.1 and ::1');
}

/** The first port of Linux's ephemeral range (net.ipv4.ip_local_port_range), 32768 unless changed. */
const EPHEMERAL_LOW = ((): number => {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 21000 ? low : 32768;
  } catch {
    return 32768;
  }
})();

/** An address the host does not have (no ::1) cannot collide: only EADDRINUSE and the like count as taken. */
const absent = (err: NodeJS.ErrnoException) => err.code === 'EADDRNOTAVAIL' || err.code === 'EAFNOSUPPORT';

function tcpFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createNetServer();
    srv.once('error', (err: NodeJS.ErrnoException) => resolve(absent(err)));
    srv.listen({ port, host, ipv6Only: host.includes(':') }, () => srv.close(() => resolve(true)));
  });
}

function udpFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = host.includes(':') ? createSocket({ type: 'udp6', ipv6Only: true }) : createSocket('udp4');
    sock.once('error', (err: NodeJS.ErrnoException) => resolve(absent(err)));
    sock.bind(port, host, () => sock.close(() => resolve(true)));
  });
}

/** Polls `check` until it returns a value, or fails with what the peer printed. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  options: { timeoutMs?: number; intervalMs?: number; peer?: PeerProcess } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (options.peer && options.peer.child.exitCode !== null) {
      throw new Error(`${options.peer.name} exited (${options.peer.child.exitCode}) while waiting for ${what}:\n${options.peer.output()}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${options.peer ? `; ${options.peer.name} printed:\n${options.peer.output()}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
  }
}
