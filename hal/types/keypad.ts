import type { Unsubscribe } from './listeners.js';

/**
 * Every key a desk phone has, named for what it does. The board's keymap turns
 * matrix positions into these names; nothing above hal/ ever sees a row or column.
 */
export const KEY_NAMES = [
  '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#',
  'soft1', 'soft2', 'soft3', 'soft4',
  'hold', 'transfer', 'conference', 'redial', 'mute', 'speaker', 'headset',
  'volume-up', 'volume-down', 'message',
  'up', 'down', 'left', 'right', 'ok', 'cancel',
] as const;

export type KeyName = (typeof KEY_NAMES)[number];

export function isKeyName(value: string): value is KeyName {
  return (KEY_NAMES as readonly string[]).includes(value);
}

/** Keys that repeat while held (menus and volume), rather than reporting a long press. */
export const DEFAULT_REPEAT_KEYS: readonly KeyName[] = ['up', 'down', 'left', 'right', 'volume-up', 'volume-down'];

/**
 * - `down` / `up`: the debounced press and release.
 * - `long-press`: once, when a non-repeating key has been held for the long-press time
 *   (e.g. holding 1 dials voicemail, holding # locks the phone).
 * - `repeat`: while a repeating key is held, after the repeat delay and then at the repeat rate.
 */
export type KeyEventType = 'down' | 'up' | 'long-press' | 'repeat';

export interface KeyEvent {
  type: KeyEventType;
  key: KeyName;
  /** HalClock milliseconds when the driver recognised the event. */
  atMs: number;
}

export interface Keypad {
  onKey(listener: (event: KeyEvent) => void): Unsubscribe;
  /** Keys currently held (debounced), for screens that care about chords. */
  held(): ReadonlySet<KeyName>;
  /** Stops scanning and releases the hardware; no events after the promise resolves. */
  close(): Promise<void>;
}
