import { createServer, type Server, type Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The host's end of the guest's UART: a unix socket QEMU connects to when it
 * starts (QEMU is the client, so no byte is lost to a late connect). Every
 * byte the guest sends is recorded; `reply` may answer each chunk, and a
 * test can also play a terminal with `waitForText` and `write`.
 */
export class UartPeer {
  readonly received: number[] = [];
  private socket: Socket | undefined;
  private waiters = new Map<() => void, (reason: Error) => void>();
  private hungUp: Error | undefined;

  private constructor(
    readonly path: string,
    private readonly dir: string,
    private readonly server: Server,
  ) {}

  static async listen(reply: (chunk: Buffer, peer: UartPeer) => Buffer | undefined = () => undefined): Promise<UartPeer> {
    const dir = await mkdtemp(join(tmpdir(), 'deskphone-uart-'));
    const path = join(dir, 'ttyS1.sock');
    let peer: UartPeer | undefined;
    const server = createServer((socket) => {
      if (!peer) return;
      const p = peer;
      p.socket = socket;
      socket.on('data', (chunk: Buffer) => {
        p.received.push(...chunk);
        const answer = reply(chunk, p);
        if (answer && answer.length > 0) socket.write(answer);
        for (const wake of [...p.waiters.keys()]) wake();
      });
      socket.on('error', () => {}); // QEMU closing at power-off is the normal end
    });
    peer = new UartPeer(path, dir, server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    return peer;
  }

  /** What the guest sent from byte `from` on, as text. */
  text(from = 0): string {
    return Buffer.from(this.received.slice(from)).toString('utf8');
  }

  /**
   * Resolves with the index just past the first `needle` sent at or after
   * byte `from` (so the next wait starts there); rejects after `timeoutMs`.
   */
  waitForText(needle: string, from: number, timeoutMs: number): Promise<number> {
    const target = Buffer.from(needle, 'utf8');
    return new Promise((resolve, reject) => {
      const done = (): void => {
        this.waiters.delete(wake);
        clearTimeout(timer);
      };
      const check = (): boolean => {
        const at = Buffer.from(this.received.slice(from)).indexOf(target);
        if (at < 0) return false;
        done();
        resolve(from + at + target.length);
        return true;
      };
      const fail = (reason: Error): void => {
        done();
        reject(new Error(`no ${JSON.stringify(needle)} on the UART: ${reason.message}; got ${JSON.stringify(this.text(from).slice(-300))}`));
      };
      const wake = (): void => void check();
      const timer = setTimeout(() => fail(new Error(`nothing within ${timeoutMs} ms`)), timeoutMs);
      if (check()) return;
      if (this.hungUp) return fail(this.hungUp);
      this.waiters.set(wake, fail);
    });
  }

  /** The far end is gone (the VM powered off): every wait still pending fails now instead of at its timeout. */
  hangUp(reason: string): void {
    this.hungUp = new Error(reason);
    for (const fail of [...this.waiters.values()]) fail(this.hungUp);
  }

  write(bytes: Buffer | string): void {
    this.socket?.write(bytes);
  }

  async close(): Promise<void> {
    this.socket?.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.dir, { recursive: true, force: true });
  }
}
