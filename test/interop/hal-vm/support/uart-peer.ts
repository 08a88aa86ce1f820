import { createServer, type Server, type Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The host's end of the guest's UART: a unix socket QEMU connects to when it
 * starts (QEMU is the client, so no byte is lost to a late connect). Every
 * byte the guest sends is recorded; `reply` decides what goes back.
 */
export class UartPeer {
  readonly received: number[] = [];
  private socket: Socket | undefined;

  private constructor(
    readonly path: string,
    private readonly dir: string,
    private readonly server: Server,
  ) {}

  static async listen(reply: (chunk: Buffer, peer: UartPeer) => Buffer | undefined): Promise<UartPeer> {
    const dir = await mkdtemp(join(tmpdir(), 'deskphone-uart-'));
    const path = join(dir, 'ttyS1.sock');
    let peer: UartPeer | undefined;
    const server = createServer((socket) => {
      if (!peer) return;
      peer.socket = socket;
      socket.on('data', (chunk: Buffer) => {
        peer!.received.push(...chunk);
        const answer = reply(chunk, peer!);
        if (answer && answer.length > 0) socket.write(answer);
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

  write(bytes: Buffer): void {
    this.socket?.write(bytes);
  }

  async close(): Promise<void> {
    this.socket?.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.dir, { recursive: true, force: true });
  }
}
