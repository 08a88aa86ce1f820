import type { HalClock } from '../clock.js';
import type { KeyEvent, Keypad, KeyName, Unsubscribe } from '../types/index.js';
import { isKeyName, Listeners } from '../types/index.js';
import { HardwareError, HardwareErrorCode } from '../errors.js';

/**
 * The simulator's keypad, and a test instrument: `press('5')` is a tap,
 * `hold`/`release` a held key, `longPress` a key held past the long-press time.
 * Events are those the GPIO keypad reports; no debounce is needed, nothing bounces.
 */
export class SimKeypad implements Keypad {
  private readonly listeners = new Listeners<KeyEvent>();
  private readonly down = new Set<KeyName>();
  private closed = false;

  constructor(private readonly clock: HalClock) {}

  onKey(listener: (event: KeyEvent) => void): Unsubscribe {
    return this.listeners.add(listener);
  }

  held(): ReadonlySet<KeyName> {
    return new Set(this.down);
  }

  /** A tap of each key in turn: press('5') or press('*', '9', '#'), or a string of dial keys press('201#'). */
  press(...keys: string[]): void {
    const list = keys.length === 1 && /^[0-9*#]{2,}$/.test(keys[0]!) ? [...keys[0]!] : keys;
    // Check every name first so a typo presses nothing rather than half a number.
    for (const key of list.map((k) => this.key(k))) {
      this.hold(key);
      this.release(key);
    }
  }

  hold(key: KeyName): void {
    this.assertOpen();
    if (this.down.has(key)) return;
    this.down.add(key);
    this.emit('down', key);
  }

  release(key: KeyName): void {
    if (!this.down.delete(key)) return;
    this.emit('up', key);
  }

  /** A key held long enough to report a long press, then released. */
  longPress(key: KeyName): void {
    this.hold(key);
    this.emit('long-press', key);
    this.release(key);
  }

  /** One auto-repeat of a held navigation key (the virtual panel sends these while its button is held). */
  repeat(key: KeyName): void {
    if (this.down.has(key)) this.emit('repeat', key);
  }

  async close(): Promise<void> {
    for (const key of [...this.down]) this.release(key);
    this.closed = true;
    this.listeners.clear();
  }

  private key(k: string): KeyName {
    if (!isKeyName(k)) throw new HardwareError(HardwareErrorCode.BAD_SETTING, 'keypad', `no key named '${k}'`);
    return k;
  }

  private emit(type: KeyEvent['type'], key: KeyName): void {
    this.listeners.emit({ type, key, atMs: this.clock.now() });
  }

  private assertOpen(): void {
    if (this.closed) throw new HardwareError(HardwareErrorCode.CLOSED, 'keypad', 'the simulated keypad was closed');
  }
}
