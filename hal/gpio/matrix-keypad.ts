import type { HalClock, HalTimerHandle } from '../clock.js';
import { HardwareError, HardwareErrorCode } from '../errors.js';
import type { HalLog } from '../log.js';
import { silentLog } from '../log.js';
import type { KeyEvent, Keypad, KeyName, Unsubscribe } from '../types/index.js';
import { Listeners } from '../types/index.js';
import { KeyScanState } from './key-scan.js';
import type { Keymap, KeyScanTiming } from './key-scan.js';
import type { GpioBackend, GpioLine, Level, LineRef } from './line.js';
import { formatLine } from './line.js';

export interface MatrixKeypadOptions {
  gpio: GpioBackend;
  clock: HalClock;
  log?: HalLog;
  /** Row lines, top to bottom; keymap[row][column] names the key where they cross. */
  rows: readonly LineRef[];
  columns: readonly LineRef[];
  keymap: Keymap;
  /** Which side is driven while the other is read: 'rows' (the usual) or 'columns'. */
  drive?: 'rows' | 'columns';
  /** Time between scans. */
  scanIntervalMs?: number;
  /**
   * What an idle keypad does: 'poll' keeps scanning (one read per sense line per
   * scan); 'edge' stops the timer and waits for an edge interrupt on any sense
   * line, so a keypad nobody touches costs no CPU at all. Default 'poll'.
   */
  idle?: 'poll' | 'edge';
  timing?: Partial<KeyScanTiming>;
}

export const DEFAULT_SCAN_INTERVAL_MS = 5;

/**
 * A key matrix on GPIO lines: one side driven (one line active at a time), the
 * other read. Levels are logical: a board with pull-ups and keys to a low-driven
 * row marks both sides activeLow and the logic reads 1 for a closed contact.
 *
 * While nothing is pressed the driver keeps every drive line active and reads
 * only the sense lines (any key closes one of them), so an idle keypad costs one
 * read per sense line per scan; the line-by-line scan runs only when something is
 * closed or a change is still being debounced.
 */
export class MatrixKeypad implements Keypad {
  private readonly listeners = new Listeners<KeyEvent>();
  private readonly state: KeyScanState;
  private readonly clock: HalClock;
  private readonly log: HalLog;
  private readonly interval: number;
  private readonly driven: Level[];
  private timer: HalTimerHandle | undefined;
  private inFlight: Promise<void> | undefined;
  private closed = false;
  private errorsInARow = 0;
  private readonly idleMode: 'poll' | 'edge';
  /** Idle in 'edge' mode: no timer runs until a sense line sees an edge. */
  private waitingForEdge = false;
  /** Scans done, split by kind (for the bench and for `doctor`). */
  readonly counters = { idleScans: 0, fullScans: 0, errors: 0, edgeWaits: 0 };

  private constructor(
    options: MatrixKeypadOptions,
    private readonly drives: GpioLine[],
    private readonly senses: GpioLine[],
    private readonly byRows: boolean,
  ) {
    this.clock = options.clock;
    this.log = options.log ?? silentLog;
    this.interval = options.scanIntervalMs ?? DEFAULT_SCAN_INTERVAL_MS;
    this.state = new KeyScanState(options.keymap, options.timing);
    this.driven = drives.map(() => 1);
    this.idleMode = options.idle ?? 'poll';
    if (this.idleMode === 'edge') for (const line of senses) line.onEdge(() => this.wake());
  }

  static async open(options: MatrixKeypadOptions): Promise<MatrixKeypad> {
    const { rows, columns, keymap } = options;
    if (keymap.length !== rows.length || keymap.some((r) => r.length !== columns.length)) {
      throw new HardwareError(HardwareErrorCode.BAD_SETTING, 'keypad', `keymap is ${keymap.length}×${keymap[0]?.length ?? 0} but the board wires ${rows.length} rows × ${columns.length} columns`);
    }
    const interval = options.scanIntervalMs ?? DEFAULT_SCAN_INTERVAL_MS;
    if (!(interval > 0 && interval <= 20)) {
      throw new HardwareError(HardwareErrorCode.BAD_SETTING, 'keypad', `scanIntervalMs ${interval} must be in (0, 20] so a 40 ms press is read at least twice`);
    }
    const byRows = (options.drive ?? 'rows') === 'rows';
    const driveRefs = byRows ? rows : columns;
    const senseRefs = byRows ? columns : rows;
    const claimed: GpioLine[] = [];
    try {
      for (const line of driveRefs) claimed.push(await options.gpio.request({ line, direction: 'out', initial: 1, consumer: 'deskphone keypad' }));
      const edge = options.idle === 'edge' ? 'both' : 'none';
      for (const line of senseRefs) claimed.push(await options.gpio.request({ line, direction: 'in', edge, consumer: 'deskphone keypad' }));
    } catch (error) {
      await Promise.allSettled(claimed.map((l) => l.release()));
      throw error;
    }
    const keypad = new MatrixKeypad(options, claimed.slice(0, driveRefs.length), claimed.slice(driveRefs.length), byRows);
    keypad.schedule();
    return keypad;
  }

  onKey(listener: (event: KeyEvent) => void): Unsubscribe {
    return this.listeners.add(listener);
  }

  held(): ReadonlySet<KeyName> {
    return this.state.held();
  }

  /** One scan of the matrix now; the timer calls it, and so can a bench. Resolves true when the keypad is idle. */
  async scanNow(): Promise<boolean> {
    if (!this.state.busy) {
      // Every drive line is active between scans: a closed key anywhere shows on its sense line.
      this.counters.idleScans++;
      if (!(await this.anyClosed())) return true;
    }
    this.counters.fullScans++;
    const nDrive = this.drives.length;
    const nSense = this.senses.length;
    const raw: boolean[][] = this.byRows ? Array.from({ length: nDrive }, () => new Array<boolean>(nSense).fill(false)) : Array.from({ length: nSense }, () => new Array<boolean>(nDrive).fill(false));
    for (let d = 0; d < nDrive; d++) {
      await this.driveOnly(d);
      const levels = await Promise.all(this.senses.map((l) => l.read()));
      for (let s = 0; s < nSense; s++) {
        if (this.byRows) raw[d]![s] = levels[s] === 1;
        else raw[s]![d] = levels[s] === 1;
      }
    }
    await this.driveOnly(-1);
    for (const event of this.state.scan(raw, this.clock.now())) this.listeners.emit(event);
    return false;
  }

  private async anyClosed(): Promise<boolean> {
    const levels = await Promise.all(this.senses.map((l) => l.read()));
    return levels.includes(1);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.clock.clearTimeout(this.timer);
    await this.inFlight;
    for (const event of this.state.releaseAll(this.clock.now())) this.listeners.emit(event);
    this.listeners.clear();
    await Promise.allSettled([...this.drives, ...this.senses].map((l) => l.release()));
  }

  /** Makes drive line `index` the only active one; -1 activates all (the idle state). */
  private async driveOnly(index: number): Promise<void> {
    for (let i = 0; i < this.drives.length; i++) {
      const want: Level = index === -1 || i === index ? 1 : 0;
      if (this.driven[i] !== want) {
        await this.drives[i]!.write(want);
        this.driven[i] = want;
      }
    }
  }

  private schedule(delayMs = this.interval): void {
    if (this.closed) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.inFlight = this.scanNow().then(
        async (idle) => {
          this.errorsInARow = 0;
          if (idle && this.idleMode === 'edge' && (await this.sleepUntilEdge())) return;
          this.schedule();
        },
        (error: unknown) => {
          this.counters.errors++;
          // Report the first failure of a run, not one per scan (200 a second).
          if (this.errorsInARow++ === 0) this.log.error({ err: error, lines: this.drives.map((l) => formatLine(l.ref)) }, 'keypad scan failed; still retrying');
          this.schedule();
        },
      );
    }, delayMs);
  }

  /**
   * Parks the scan loop until a sense line sees an edge. The lines are read once
   * more after arming: a key closed between the idle scan and the arming would
   * otherwise have its edge ignored and be noticed only when released.
   */
  private async sleepUntilEdge(): Promise<boolean> {
    this.waitingForEdge = true;
    if (this.closed) return true;
    const closedNow = await this.anyClosed();
    // An edge during that read has already woken the loop: do not start a second one.
    if (!this.waitingForEdge) return true;
    if (closedNow) {
      this.waitingForEdge = false;
      return false;
    }
    this.counters.edgeWaits++;
    return true;
  }

  private wake(): void {
    if (!this.waitingForEdge || this.closed) return;
    this.waitingForEdge = false;
    // Scan at once: the edge is the press, and debouncing starts from the first reading.
    this.schedule(0);
  }
}
