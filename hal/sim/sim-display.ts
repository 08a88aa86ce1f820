import { HardwareError, HardwareErrorCode } from '../errors.js';
import type { Display, DisplayStatus, Unsubscribe } from '../types/index.js';
import { glyphsToText, Listeners } from '../types/index.js';

export interface SimDisplayState {
  rows: string[];
  backlight: boolean;
}

/**
 * The simulator's display, and a test instrument: `text()` is the glass (glyphs
 * as their plain-text symbols), `onChange` tells the virtual front panel to redraw.
 */
export class SimDisplay implements Display {
  private readonly cells: string[][];
  private backlight = true;
  private readonly changes = new Listeners<SimDisplayState>();
  private readonly statusListeners = new Listeners<DisplayStatus>();
  private present = true;

  constructor(
    readonly rows: number,
    readonly columns: number,
  ) {
    this.cells = Array.from({ length: rows }, () => new Array<string>(columns).fill(' '));
  }

  get status(): DisplayStatus {
    return this.present ? { state: 'ready' } : { state: 'missing', error: new HardwareError(HardwareErrorCode.I2C_IO, 'display', 'simulated display unplugged') };
  }

  async write(row: number, column: number, text: string): Promise<void> {
    if (!Number.isInteger(row) || row < 0 || row >= this.rows || !Number.isInteger(column) || column < 0 || column >= this.columns) {
      throw new HardwareError(HardwareErrorCode.BAD_SETTING, 'display', `position (${row}, ${column}) is outside the ${this.columns}×${this.rows} display`);
    }
    let c = column;
    for (const ch of text) {
      if (c >= this.columns) break;
      this.cells[row]![c++] = ch;
    }
    this.changed();
  }

  writeLine(row: number, text: string): Promise<void> {
    const chars = [...text].slice(0, this.columns);
    return this.write(row, 0, chars.join('') + ' '.repeat(this.columns - chars.length));
  }

  async clear(): Promise<void> {
    for (const r of this.cells) r.fill(' ');
    this.changed();
  }

  async setBacklight(on: boolean): Promise<void> {
    this.backlight = on;
    this.changed();
  }

  get backlightOn(): boolean {
    return this.backlight;
  }

  contents(): string[] {
    return this.cells.map((r) => r.join(''));
  }

  /** The glass as a person reads it, icons shown as their plain-text symbols. */
  text(): string[] {
    return this.contents().map(glyphsToText);
  }

  onChange(listener: (state: SimDisplayState) => void): Unsubscribe {
    return this.changes.add(listener);
  }

  onStatus(listener: (status: DisplayStatus) => void): Unsubscribe {
    return this.statusListeners.add(listener);
  }

  /** Test instrument: the display goes away or comes back (status events as the real driver sends them). */
  setPresent(present: boolean): void {
    if (present === this.present) return;
    this.present = present;
    this.statusListeners.emit(this.status);
  }

  async close(): Promise<void> {
    this.changes.clear();
    this.statusListeners.clear();
  }

  private changed(): void {
    this.changes.emit({ rows: this.text(), backlight: this.backlight });
  }
}
