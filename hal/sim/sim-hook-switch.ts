import type { HalClock } from '../clock.js';
import type { HookEvent, HookState, HookSwitch, Unsubscribe } from '../types/index.js';
import { Listeners } from '../types/index.js';

/** The simulator's cradle, and a test instrument: lift(), hang(), flash(). */
export class SimHookSwitch implements HookSwitch {
  private readonly listeners = new Listeners<HookEvent>();
  private current: HookState;

  constructor(
    private readonly clock: HalClock,
    initial: HookState = 'on-hook',
  ) {
    this.current = initial;
  }

  get state(): HookState {
    return this.current;
  }

  onHook(listener: (event: HookEvent) => void): Unsubscribe {
    return this.listeners.add(listener);
  }

  lift(): void {
    this.move('off-hook');
  }

  hang(): void {
    this.move('on-hook');
  }

  /** A brief press of the cradle while off hook (recall). Ignored on hook, as on the real switch. */
  flash(): void {
    if (this.current === 'off-hook') this.listeners.emit({ type: 'flash', atMs: this.clock.now() });
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  private move(to: HookState): void {
    if (this.current === to) return;
    this.current = to;
    this.listeners.emit({ type: to, atMs: this.clock.now() });
  }
}
