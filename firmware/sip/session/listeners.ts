/** A small typed event hub: the phone layer subscribes, the session emits; a listener that throws does not stop the others. */
export class Listeners<Events extends Record<string, unknown>> {
  private readonly map = new Map<keyof Events, Set<(value: never) => void>>();

  on<K extends keyof Events>(event: K, listener: (value: Events[K]) => void): () => void {
    let set = this.map.get(event);
    if (!set) this.map.set(event, (set = new Set()));
    set.add(listener as (value: never) => void);
    return () => set.delete(listener as (value: never) => void);
  }

  count(event: keyof Events): number {
    return this.map.get(event)?.size ?? 0;
  }

  emit<K extends keyof Events>(event: K, value: Events[K], onError?: (err: unknown) => void): void {
    for (const l of [...(this.map.get(event) ?? [])]) {
      try {
        (l as (value: Events[K]) => void)(value);
      } catch (err) {
        onError?.(err);
      }
    }
  }
}
