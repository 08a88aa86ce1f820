/** Removes the listener it was returned for; calling it twice is harmless. */
export type Unsubscribe = () => void;

/**
 * A minimal typed listener list. The HAL's interfaces expose `onX(listener)`
 * returning an Unsubscribe instead of string-keyed EventEmitter events, so a
 * misspelt event name is a type error rather than a silent no-op.
 */
export class Listeners<T> {
  private readonly list = new Set<(event: T) => void>();

  add(listener: (event: T) => void): Unsubscribe {
    // Wrap so the same function added twice is two subscriptions, as callers expect.
    const entry = (event: T): void => listener(event);
    this.list.add(entry);
    return () => {
      this.list.delete(entry);
    };
  }

  emit(event: T): void {
    for (const l of [...this.list]) l(event);
  }

  get size(): number {
    return this.list.size;
  }

  clear(): void {
    this.list.clear();
  }
}
