import { JsonStore } from '../config/index.js';

/**
 * A JsonStore whose pending writes can be waited for: at shutdown the call log
 * and contacts are on disk before the process exits (issue 7 point 8, "flush
 * logs and data"), including the record of the call the shutdown hung up.
 */
export class FlushableJsonStore<T> extends JsonStore<T> {
  private pending: Promise<void> = Promise.resolve();

  override save(value: T): Promise<void> {
    const written = super.save(value);
    // A failed write was already reported to whoever saved; flush() only waits for it to settle.
    this.pending = written.then(
      () => undefined,
      () => undefined,
    );
    return written;
  }

  /** Resolves once every write started so far has reached the disk (or failed). */
  flush(): Promise<void> {
    return this.pending;
  }
}
