import type { Unsubscribe } from '../types/index.js';

/** A logical level: 1 is "active" (pressed, lit, driven), after activeLow is applied. */
export type Level = 0 | 1;

/**
 * A GPIO line as Zephyr's devicetree and libgpiod name it: a controller (the
 * gpiochip's label, e.g. 'pinctrl-bcm2711') and the line offset on it. Never a
 * global kernel GPIO number: those move between kernels (DESIGN.md "Hardware layer").
 */
export interface LineRef {
  chip: string;
  offset: number;
  /** The line is active when electrically low (buttons to ground with pull-ups, LEDs to 3V3). */
  activeLow?: boolean;
}

export type Edge = 'none' | 'rising' | 'falling' | 'both';

export interface LineRequest {
  line: LineRef;
  direction: 'in' | 'out';
  /** Inputs only: which edges wake `onEdge` listeners. */
  edge?: Edge;
  /** Outputs only: the logical level driven from the moment the line is claimed. */
  initial?: Level;
  /** Who holds the line (libgpiod's consumer string; shown in `doctor` and gpioinfo). */
  consumer: string;
}

/**
 * One claimed line. Deliberately narrow — read, write, edge callback, release —
 * so the sysfs (onoff) backend can be replaced by a character-device (libgpiod)
 * backend without touching the keypad, hook or LED logic.
 *
 * Edge callbacks behave as sysfs does: edges are not queued, so two changes
 * before the callback runs arrive as one callback carrying the later level.
 * Consumers must treat the callback as "something changed" and re-read levels.
 */
export interface GpioLine {
  readonly ref: LineRef;
  read(): Promise<Level>;
  write(level: Level): Promise<void>;
  onEdge(listener: (level: Level) => void): Unsubscribe;
  /** Stops edge delivery and gives the line back to the kernel (unexport). */
  release(): Promise<void>;
}

export interface GpioBackend {
  /** Claims a line; rejects with a HardwareError naming the line when it cannot. */
  request(req: LineRequest): Promise<GpioLine>;
}

export function formatLine(ref: LineRef): string {
  return `${ref.chip}:${ref.offset}${ref.activeLow ? ' (active low)' : ''}`;
}

export function sameLine(a: LineRef, b: LineRef): boolean {
  return a.chip === b.chip && a.offset === b.offset;
}
