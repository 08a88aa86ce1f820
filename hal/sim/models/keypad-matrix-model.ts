import type { KeyName } from '../../types/keypad.js';
import type { LineRef } from '../../gpio/index.js';
import type { GpioModel, PhysicalLevel } from './gpio-model.js';

export interface KeypadMatrixModelOptions {
  gpio: GpioModel;
  rows: readonly LineRef[];
  columns: readonly LineRef[];
  keymap: readonly (readonly (KeyName | null)[])[];
  /** Which side the driver drives; the other side is read. */
  drive?: 'rows' | 'columns';
  /** Time source for bounce (the test's FakeClock). */
  now: () => number;
  /** Seeds the bounce pattern so a failing test replays exactly. */
  seed?: number;
}

interface Contact {
  closed: boolean;
  /** When the finger moved: the first touch (or break) happens at once, the chatter follows. */
  since: number;
  /** Until this time the contact chatters instead of reading `closed`. */
  bounceUntil: number;
}

/**
 * A key matrix wired as on the reference board: sense lines pulled up, the
 * active drive line pulled low, a key shorting its row to its column, no diodes.
 * A sense line reads low when any path of closed contacts leads from it to a
 * low drive line — through other keys too, which is how three held keys make a
 * fourth (ghost) key read closed. Contacts chatter for the bounce time given to
 * press/release, in a seeded pattern that changes every millisecond.
 */
export class KeypadMatrixModel {
  private readonly contacts = new Map<KeyName, Contact>();
  private readonly drives: readonly LineRef[];
  private readonly senses: readonly LineRef[];
  private readonly byRows: boolean;

  constructor(private readonly options: KeypadMatrixModelOptions) {
    this.byRows = (options.drive ?? 'rows') === 'rows';
    this.drives = this.byRows ? options.rows : options.columns;
    this.senses = this.byRows ? options.columns : options.rows;
    this.senses.forEach((ref, s) => options.gpio.connectInput(ref, () => this.senseLevel(s)));
  }

  press(key: KeyName, bounceMs = 0): void {
    this.set(key, true, bounceMs);
  }

  release(key: KeyName, bounceMs = 0): void {
    this.set(key, false, bounceMs);
  }

  releaseAll(): void {
    for (const c of this.contacts.values()) {
      c.closed = false;
      c.bounceUntil = 0;
    }
    this.notify();
  }

  private set(key: KeyName, closed: boolean, bounceMs: number): void {
    this.position(key); // throws for a key the keymap does not have
    const now = this.options.now();
    this.contacts.set(key, { closed, since: now, bounceUntil: now + bounceMs });
    this.notify();
  }

  /** The sense lines' levels may have changed: let a driver waiting on edge interrupts hear it. */
  private notify(): void {
    for (const ref of this.senses) this.options.gpio.notifyInput(ref);
  }

  private position(key: KeyName): { row: number; column: number } {
    for (let row = 0; row < this.options.keymap.length; row++) {
      const column = this.options.keymap[row]!.indexOf(key);
      if (column >= 0) return { row, column };
    }
    throw new Error(`the keypad model has no key '${key}'`);
  }

  private isClosed(key: KeyName, contact: Contact, now: number): boolean {
    if (now >= contact.bounceUntil || Math.floor(now) === Math.floor(contact.since)) return contact.closed;
    // Chatter: a deterministic pseudo-random open/closed per millisecond per key.
    let h = (Math.floor(now) * 2654435761) ^ (this.options.seed ?? 1);
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
    return ((h >>> 7) & 1) === 1;
  }

  private senseLevel(sense: number): PhysicalLevel {
    const now = this.options.now();
    // Edges of the contact graph: drive index d ↔ sense index s for every closed key.
    const closed: [number, number][] = [];
    for (const [key, contact] of this.contacts) {
      if (!this.isClosed(key, contact, now)) continue;
      const { row, column } = this.position(key);
      closed.push(this.byRows ? [row, column] : [column, row]);
    }
    const seenSense = new Set([sense]);
    const seenDrive = new Set<number>();
    const queue = [sense];
    while (queue.length > 0) {
      const s = queue.shift()!;
      for (const [d, s2] of closed) {
        if (s2 !== s || seenDrive.has(d)) continue;
        seenDrive.add(d);
        if (this.options.gpio.outputLevel(this.drives[d]!) === 0) return 0;
        for (const [d2, s3] of closed) {
          if (d2 === d && !seenSense.has(s3)) {
            seenSense.add(s3);
            queue.push(s3);
          }
        }
      }
    }
    return 1;
  }
}
