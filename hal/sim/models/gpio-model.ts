import { HardwareError, HardwareErrorCode } from '../../errors.js';
import type { GpioBackend, GpioLine, Level, LineRef, LineRequest } from '../../gpio/index.js';
import { formatLine } from '../../gpio/index.js';
import { Listeners } from '../../types/listeners.js';
import type { Unsubscribe } from '../../types/listeners.js';

/** The electrical level on a pin (before activeLow), 1 = high. */
export type PhysicalLevel = 0 | 1;

interface ModelPin {
  key: string;
  /** Level the outside world puts on an input (a switch, a pull-up). */
  input: () => PhysicalLevel;
  /** Level the driver drives on an output. */
  output: PhysicalLevel | undefined;
  claimedBy: ModelLine | undefined;
  exportCount: number;
  /** Writes seen on this pin, for tests that watch an LED or a buzzer. */
  writes: { level: PhysicalLevel; atMs: number }[];
}

export interface GpioModelOptions {
  /** Chip labels that exist and their number of lines (a request outside is refused like the kernel refuses it). */
  chips?: Record<string, number>;
  /** Level an unconnected input reads (the Pi's pull-ups from config.txt). Default 1. */
  pull?: PhysicalLevel;
  /** Timestamps for the write log. */
  now?: () => number;
}

/**
 * A GPIO controller model for logic tests, behaving as the sysfs interface does:
 * levels are electrical and activeLow inverts them per line; edge callbacks are
 * not queued — every change before the callback runs is folded into one callback
 * that carries the level at delivery time (HAL-TESTING.md "Sysfs edges are not
 * queued"). Callbacks run on a microtask, after the code that changed the level.
 */
export class GpioModel implements GpioBackend {
  private readonly pins = new Map<string, ModelPin>();
  private readonly chips: Record<string, number>;
  private readonly pull: PhysicalLevel;
  readonly now: () => number;
  /** Edge callbacks actually delivered (fewer than level changes when they coalesce). */
  edgeCallbacks = 0;

  constructor(options: GpioModelOptions = {}) {
    this.chips = options.chips ?? { 'pinctrl-bcm2711': 58 };
    this.pull = options.pull ?? 1;
    this.now = options.now ?? (() => 0);
  }

  async request(req: LineRequest): Promise<GpioLine> {
    const pin = this.pin(req.line);
    const device = `gpio:${req.line.chip}:${req.line.offset}`;
    const lines = this.chips[req.line.chip];
    if (lines === undefined || req.line.offset < 0 || req.line.offset >= lines) {
      throw new HardwareError(HardwareErrorCode.GPIO_LINE_NOT_FOUND, device, `no line ${formatLine(req.line)} on this controller`);
    }
    if (pin.claimedBy) throw new HardwareError(HardwareErrorCode.GPIO_IO, device, `${formatLine(req.line)} is busy (EBUSY): already exported by ${pin.claimedBy.consumer}`);
    const line = new ModelLine(this, pin, req);
    pin.claimedBy = line;
    pin.exportCount++;
    if (req.direction === 'out') this.drive(pin, (((req.initial ?? 0) ^ (req.line.activeLow ? 1 : 0)) as PhysicalLevel));
    return line;
  }

  /** The outside world sets an input's electrical level (a switch closing to ground is 0). */
  setInput(ref: LineRef, level: PhysicalLevel): void {
    const pin = this.pin(ref);
    const before = pin.input();
    pin.input = () => level;
    if (before !== level) pin.claimedBy?.changed();
  }

  /** Connects an input to a circuit whose level is computed at each read (a keypad matrix). */
  connectInput(ref: LineRef, level: () => PhysicalLevel): void {
    this.pin(ref).input = level;
  }

  /** Tells the line its computed input may have changed (fires an edge if it did). */
  notifyInput(ref: LineRef): void {
    this.pin(ref).claimedBy?.changed();
  }

  /** The electrical level a driver drives on an output, or undefined if it is not an output. */
  outputLevel(ref: LineRef): PhysicalLevel | undefined {
    const pin = this.pin(ref);
    return pin.claimedBy?.direction === 'out' ? pin.output : undefined;
  }

  writes(ref: LineRef): readonly { level: PhysicalLevel; atMs: number }[] {
    return this.pin(ref).writes;
  }

  isClaimed(ref: LineRef): boolean {
    return this.pin(ref).claimedBy !== undefined;
  }

  /** How many times the line has been exported (a driver that leaks lines shows here). */
  exportCount(ref: LineRef): number {
    return this.pin(ref).exportCount;
  }

  claimedLines(): string[] {
    return [...this.pins.values()].filter((p) => p.claimedBy).map((p) => p.key);
  }

  /** @internal */
  drive(pin: ModelPin, level: PhysicalLevel): void {
    if (pin.output !== level) pin.writes.push({ level, atMs: this.now() });
    pin.output = level;
  }

  private pin(ref: LineRef): ModelPin {
    const key = `${ref.chip}:${ref.offset}`;
    let pin = this.pins.get(key);
    if (!pin) {
      const pull = this.pull;
      pin = { key, input: () => pull, output: undefined, claimedBy: undefined, exportCount: 0, writes: [] };
      this.pins.set(key, pin);
    }
    return pin;
  }

  /** @internal */
  countEdge(): void {
    this.edgeCallbacks++;
  }
}

class ModelLine implements GpioLine {
  readonly ref: LineRef;
  readonly direction: 'in' | 'out';
  readonly consumer: string;
  private readonly edges = new Listeners<Level>();
  private readonly edge: LineRequest['edge'];
  private lastSeen: PhysicalLevel;
  private pending = false;
  private released = false;

  constructor(
    private readonly model: GpioModel,
    private readonly pin: ModelPin,
    req: LineRequest,
  ) {
    this.ref = req.line;
    this.direction = req.direction;
    this.consumer = req.consumer;
    this.edge = req.edge ?? 'none';
    this.lastSeen = pin.input();
  }

  async read(): Promise<Level> {
    this.assertOpen();
    const physical = this.direction === 'out' ? (this.pin.output ?? 0) : this.pin.input();
    return this.logical(physical);
  }

  async write(level: Level): Promise<void> {
    this.assertOpen();
    if (this.direction !== 'out') throw new HardwareError(HardwareErrorCode.GPIO_IO, `gpio:${this.ref.chip}:${this.ref.offset}`, 'write to an input line (EPERM)');
    this.model.drive(this.pin, (level ^ (this.ref.activeLow ? 1 : 0)) as PhysicalLevel);
  }

  onEdge(listener: (level: Level) => void): Unsubscribe {
    return this.edges.add(listener);
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.edges.clear();
    this.pin.claimedBy = undefined;
    this.pin.output = undefined;
  }

  /** @internal the input level may have changed. */
  changed(): void {
    if (this.released || this.direction !== 'in' || this.edge === 'none') return;
    const now = this.pin.input();
    if (now === this.lastSeen) return;
    const rising = now === 1;
    this.lastSeen = now;
    if (this.edge === 'rising' && !rising) return;
    if (this.edge === 'falling' && rising) return;
    if (this.pending) return; // already signalled; the callback will read the latest level
    this.pending = true;
    queueMicrotask(() => {
      this.pending = false;
      if (this.released) return;
      this.model.countEdge();
      this.edges.emit(this.logical(this.pin.input()));
    });
  }

  private logical(physical: PhysicalLevel): Level {
    return (physical ^ (this.ref.activeLow ? 1 : 0)) as Level;
  }

  private assertOpen(): void {
    if (this.released) throw new HardwareError(HardwareErrorCode.CLOSED, `gpio:${this.ref.chip}:${this.ref.offset}`, 'line was released');
  }
}
