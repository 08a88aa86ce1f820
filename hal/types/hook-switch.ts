import type { Unsubscribe } from './listeners.js';

export type HookState = 'on-hook' | 'off-hook';

/**
 * - `off-hook`: the handset was lifted.
 * - `on-hook`: the handset was put down and stayed down longer than a hook flash (a hang-up).
 * - `flash`: the cradle was pressed briefly (100–700 ms by default) while off hook, the
 *   analogue-phone gesture for "recall": hold and new call, or switch calls.
 */
export type HookEventType = 'off-hook' | 'on-hook' | 'flash';

export interface HookEvent {
  type: HookEventType;
  atMs: number;
}

export interface HookSwitch {
  /** The debounced state as the phone should act on it (a flash in progress still reads off-hook). */
  readonly state: HookState;
  onHook(listener: (event: HookEvent) => void): Unsubscribe;
  close(): Promise<void>;
}
