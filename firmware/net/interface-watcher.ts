import type { Clock, TimerHandle } from '../clock/index.js';
import { diffInterfaces, type InterfaceAddress, type InterfaceChange } from './interfaces.js';

export interface InterfaceWatcherOptions {
  clock: Clock;
  /** Reads the host's addresses now (snapshotInterfaces(os.networkInterfaces()) on the phone; a table in tests). */
  read(): InterfaceAddress[];
  /** Poll period. Linux has netlink for this, Node does not expose it; a few seconds is what a user notices. */
  intervalMs?: number;
}

export type InterfaceListener = (changes: InterfaceChange[], now: readonly InterfaceAddress[]) => void;

export const DEFAULT_INTERFACE_POLL_MS = 3000;

/**
 * Watches the host's interface addresses (issue 5 point 11: a DHCP renewal, a cable moved to another
 * switch port, a VPN coming up). The diff is pure (diffInterfaces); this class only polls through the
 * injected clock and tells listeners what changed. A read that throws is skipped: the next poll tries again.
 */
export class InterfaceWatcher {
  private last: InterfaceAddress[] | undefined;
  private timer: TimerHandle | undefined;
  private readonly listeners = new Set<InterfaceListener>();
  private running = false;

  constructor(private readonly options: InterfaceWatcherOptions) {}

  /** Takes the first snapshot (nothing is reported for it) and starts polling. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.last = this.safeRead() ?? [];
    this.schedule();
  }

  stop(): void {
    this.running = false;
    this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  onChange(listener: InterfaceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get current(): readonly InterfaceAddress[] {
    return this.last ?? [];
  }

  /** Reads now instead of waiting for the next poll; returns what changed. */
  poll(): InterfaceChange[] {
    const now = this.safeRead();
    if (now === undefined) return [];
    const changes = diffInterfaces(this.last ?? [], now);
    this.last = now;
    if (changes.length > 0) for (const l of this.listeners) l(changes, now);
    return changes;
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = this.options.clock.setTimeout(() => {
      this.poll();
      this.schedule();
    }, this.options.intervalMs ?? DEFAULT_INTERFACE_POLL_MS);
  }

  private safeRead(): InterfaceAddress[] | undefined {
    try {
      return this.options.read();
    } catch {
      return undefined;
    }
  }
}
