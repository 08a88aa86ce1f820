import { open, rename, unlink, mkdir, readFile } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Every write of configuration and user data (call log, contacts, settings)
 * goes through here, so a power cut leaves either the old file or the new one,
 * never half of one: write a temp file in the same directory, fsync it, rename
 * it over the target (atomic on POSIX file systems), then fsync the directory
 * so the rename itself is on disk (ext4 and f2fs on SD cards need this).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: { mode?: number } = {}): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const file = await open(temp, 'w', options.mode ?? 0o600);
  try {
    await file.writeFile(data);
    await file.sync();
  } catch (err) {
    await file.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw err;
  }
  await file.close();
  try {
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw err;
  }
  await syncDirectory(dir);
}

async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Some file systems (and Windows) refuse fsync on a directory; the rename is still atomic.
  } finally {
    await handle?.close().catch(() => {});
  }
}

/**
 * A JSON document on disk (call log, contacts, settings) with writes queued so
 * two saves never interleave and the last one wins. A file that cannot be parsed
 * is not silently replaced: it is kept beside as `.corrupt-<time>` and the store
 * starts from the fallback, so the user's data can still be recovered by hand.
 */
export class JsonStore<T> {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly fallback: () => T,
    private readonly onCorrupt: (err: Error, keptAs: string) => void = () => {},
  ) {}

  async load(): Promise<T> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return this.fallback();
      throw err;
    }
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      const keptAs = `${this.path}.corrupt-${Date.now()}`;
      await rename(this.path, keptAs).catch(() => {});
      this.onCorrupt(err as Error, keptAs);
      return this.fallback();
    }
  }

  save(value: T): Promise<void> {
    const text = `${JSON.stringify(value, null, 2)}\n`;
    const next = this.queue.then(() => writeFileAtomic(this.path, text));
    this.queue = next.catch(() => {});
    return next;
  }
}
