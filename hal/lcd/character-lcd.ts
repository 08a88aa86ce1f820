import type { HalClock, HalTimerHandle } from '../clock.js';
import { HardwareError, HardwareErrorCode } from '../errors.js';
import type { HalLog } from '../log.js';
import { silentLog } from '../log.js';
import type { Display, DisplayStatus, Unsubscribe } from '../types/index.js';
import { GLYPH_NAMES, Listeners } from '../types/index.js';
import { resolveWiring } from './backpack-wiring.js';
import type { BackpackWiring, BackpackWiringName } from './backpack-wiring.js';
import { GLYPH_BITMAPS } from './glyphs.js';
import { charCode, Hd44780Timing, idleByte, Instruction, nibbleBytes, rowOffsets } from './hd44780.js';
import type { I2cBus, I2cBusOpener } from './i2c-bus.js';
import { isValidI2cAddress, openI2cBus } from './i2c-bus.js';

export interface CharacterLcdOptions {
  clock: HalClock;
  log?: HalLog;
  /** The I2C bus number (/dev/i2c-N); 1 on a Raspberry Pi's header. */
  bus: number;
  /** The backpack's 7-bit address: 0x27 (PCF8574) or 0x3F (PCF8574A) with the jumpers open. */
  address: number;
  wiring?: BackpackWiringName | BackpackWiring;
  rows: 2 | 4;
  columns: 16 | 20;
  /** Opens the bus; default i2c-bus. The tests pass the HD44780 model. */
  openBus?: I2cBusOpener;
  /** How often a missing display is looked for again. */
  retryMs?: number;
  /** Re-initialisations tried after an I2C error before the display is declared missing. */
  reinitAttempts?: number;
}

const SPACE = 0x20;

/**
 * A character LCD (HD44780 or compatible) behind a PCF8574 I2C backpack, in
 * 4-bit mode. The phone writes into a frame buffer; a sync pass compares it
 * with what the glass shows and rewrites only the characters that differ, so a
 * ticking clock costs one address and a few characters, not the whole screen.
 *
 * The display is not trusted to stay: an I2C error re-initialises it and
 * redraws everything; if that fails too the display is reported missing once,
 * the phone keeps working without it, and it is looked for every retryMs.
 */
export class CharacterLcd implements Display {
  readonly rows: number;
  readonly columns: number;
  private readonly clock: HalClock;
  private readonly log: HalLog;
  private readonly wiring: BackpackWiring;
  private readonly offsets: number[];
  private readonly openBus: I2cBusOpener;
  private readonly retryMs: number;
  private readonly reinitAttempts: number;
  private readonly device: string;
  /** What the phone wants on the glass, as ROM codes, and the text it came from. */
  private readonly wanted: Uint8Array;
  private readonly wantedText: string[][];
  /** What the glass is known to show; -1 where unknown. */
  private readonly shown: Int16Array;
  private backlightWanted = true;
  private backlightShown: boolean | undefined;
  private bus: I2cBus | undefined;
  private initialised = false;
  private chain: Promise<void> = Promise.resolve();
  private retryTimer: HalTimerHandle | undefined;
  private statusNow: DisplayStatus = { state: 'starting' };
  private reportedMissing = false;
  private readonly address: number;
  private readonly busNumber: number;
  private readonly statusListeners = new Listeners<DisplayStatus>();
  private closed = false;
  /** Datasheet waits in progress; close() cuts them short so it never waits on a timer. */
  private readonly sleeping = new Set<() => void>();
  private readonly bytes: number[] = [];
  /** I2C bytes sent, instructions and characters written (the bench and the tests read these). */
  readonly counters = { bytesSent: 0, charactersWritten: 0, reinitialisations: 0, errors: 0 };
  /** Resolves when the first attempt to reach the display has finished (found or reported missing). */
  readonly ready: Promise<void>;

  constructor(options: CharacterLcdOptions) {
    this.device = `display (i2c-${options.bus} 0x${options.address.toString(16)})`;
    if (!isValidI2cAddress(options.address)) {
      throw new HardwareError(HardwareErrorCode.BAD_SETTING, 'display', `I2C address 0x${options.address.toString(16)} is outside 0x03–0x77`);
    }
    if (!((options.rows === 2 && options.columns === 16) || (options.rows === 4 && options.columns === 20) || (options.rows === 2 && options.columns === 20))) {
      throw new HardwareError(HardwareErrorCode.BAD_SETTING, 'display', `unsupported LCD geometry ${options.columns}×${options.rows}; use 16×2, 20×2 or 20×4`);
    }
    this.clock = options.clock;
    this.log = options.log ?? silentLog;
    this.rows = options.rows;
    this.columns = options.columns;
    this.wiring = resolveWiring(options.wiring ?? 'standard');
    this.offsets = rowOffsets(this.rows, this.columns);
    this.openBus = options.openBus ?? openI2cBus;
    this.retryMs = options.retryMs ?? 5000;
    this.reinitAttempts = options.reinitAttempts ?? 2;
    this.wanted = new Uint8Array(this.rows * this.columns).fill(SPACE);
    this.wantedText = Array.from({ length: this.rows }, () => new Array<string>(this.columns).fill(' '));
    this.shown = new Int16Array(this.rows * this.columns).fill(-1);
    this.address = options.address;
    this.busNumber = options.bus;
    this.ready = this.enqueue(() => this.connect());
  }

  get status(): DisplayStatus {
    return this.statusNow;
  }

  onStatus(listener: (status: DisplayStatus) => void): Unsubscribe {
    return this.statusListeners.add(listener);
  }

  write(row: number, column: number, text: string): Promise<void> {
    if (!Number.isInteger(row) || row < 0 || row >= this.rows || !Number.isInteger(column) || column < 0 || column >= this.columns) {
      return Promise.reject(new HardwareError(HardwareErrorCode.BAD_SETTING, 'display', `position (${row}, ${column}) is outside the ${this.columns}×${this.rows} display`));
    }
    let c = column;
    for (const ch of text) {
      if (c >= this.columns) break;
      this.wanted[row * this.columns + c] = charCode(ch);
      this.wantedText[row]![c] = ch;
      c++;
    }
    return this.enqueue(() => this.sync());
  }

  writeLine(row: number, text: string): Promise<void> {
    const chars = [...text];
    return this.write(row, 0, chars.slice(0, this.columns).join('') + ' '.repeat(Math.max(0, this.columns - chars.length)));
  }

  clear(): Promise<void> {
    // A frame-buffer clear: the sync pass blanks only the cells that hold something.
    this.wanted.fill(SPACE);
    for (const r of this.wantedText) r.fill(' ');
    return this.enqueue(() => this.sync());
  }

  setBacklight(on: boolean): Promise<void> {
    this.backlightWanted = on;
    return this.enqueue(() => this.sync());
  }

  contents(): string[] {
    return this.wantedText.map((r) => r.join(''));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.clock.clearTimeout(this.retryTimer);
    for (const wake of [...this.sleeping]) wake();
    this.sleeping.clear();
    await this.chain;
    this.statusListeners.clear();
    await this.bus?.close().catch(() => undefined);
    this.bus = undefined;
  }

  /** Runs `job` after every job queued before it: the expander must see one byte stream, never two interleaved. */
  private enqueue(job: () => Promise<void>): Promise<void> {
    const run = this.chain.then(job, job);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async sync(): Promise<void> {
    if (this.closed || this.statusNow.state !== 'ready') return; // kept in the frame buffer; drawn on reconnect
    for (let attempt = 0; ; attempt++) {
      try {
        if (!this.initialised) await this.initialise();
        await this.drawChanges();
        return;
      } catch (error) {
        if (this.closed) return;
        this.counters.errors++;
        this.initialised = false;
        if (attempt >= this.reinitAttempts) {
          this.setMissing(error as Error);
          return;
        }
        this.log.warn({ err: error, device: this.device, attempt: attempt + 1 }, 'display I2C error; re-initialising');
      }
    }
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    try {
      this.bus ??= await this.openBus(this.busNumber);
      // A PCF8574 answers a read with its port state: an ack here means something lives at the address.
      await this.bus.receiveByte(this.address);
      await this.initialise();
      this.setStatus({ state: 'ready' });
      if (this.reportedMissing) this.log.info({ device: this.device }, 'display is back');
      this.reportedMissing = false;
      await this.drawChanges();
    } catch (error) {
      if (this.closed) return;
      this.initialised = false;
      this.counters.errors++;
      this.setMissing(error as Error);
    }
  }

  private setMissing(error: Error): void {
    // Report once per disappearance, not once per retry.
    if (!this.reportedMissing) this.log.warn({ err: error, device: this.device, retryMs: this.retryMs }, 'display not answering; retrying in the background');
    this.reportedMissing = true;
    this.setStatus({ state: 'missing', error: new HardwareError(HardwareErrorCode.I2C_IO, 'display', `${this.device} is not answering: ${error.message}`, { cause: error }) });
    this.bus?.close().catch(() => undefined);
    this.bus = undefined;
    this.shown.fill(-1);
    this.backlightShown = undefined;
    this.clock.clearTimeout(this.retryTimer);
    if (!this.closed) this.retryTimer = this.clock.setTimeout(() => void this.enqueue(() => this.connect()), this.retryMs);
  }

  private setStatus(status: DisplayStatus): void {
    const changed = status.state !== this.statusNow.state;
    this.statusNow = status;
    if (changed) this.statusListeners.emit(status);
  }

  /** HD44780U datasheet Figure 24, "4-bit interface": works from power-on, from 8-bit mode and from 4-bit mode half way through a byte. */
  private async initialise(): Promise<void> {
    this.counters.reinitialisations++;
    this.shown.fill(-1);
    await this.send([idleByte(this.backlightWanted, this.wiring)]);
    await this.sleep(Hd44780Timing.POWER_ON_MS);
    // Function set "8-bit" three times: whatever mode the controller was in, it ends in 8-bit mode.
    await this.nibble(0x3);
    await this.sleep(Hd44780Timing.FIRST_FUNCTION_SET_MS);
    await this.nibble(0x3);
    await this.sleep(Hd44780Timing.SECOND_FUNCTION_SET_MS);
    await this.nibble(0x3);
    // Still an 8-bit instruction (only D7–D4 wired): switch to 4-bit.
    await this.nibble(0x2);
    // From here every instruction is two nibbles. N=1 for two display lines (also 4-row modules).
    await this.command(Instruction.FUNCTION_SET | Instruction.FUNCTION_2LINE);
    await this.command(Instruction.DISPLAY_CONTROL);
    await this.command(Instruction.CLEAR_DISPLAY);
    await this.sleep(Hd44780Timing.CLEAR_MS);
    await this.command(Instruction.ENTRY_MODE_SET | Instruction.ENTRY_INCREMENT);
    // The icons, into CGRAM slots 0.. (the address counter then points at CGRAM until a DDRAM address is set).
    await this.command(Instruction.SET_CGRAM_ADDRESS);
    for (const name of GLYPH_NAMES) for (const row of GLYPH_BITMAPS[name]) this.queueByte(row, true);
    await this.flushBytes();
    await this.command(Instruction.DISPLAY_CONTROL | Instruction.DISPLAY_ON);
    this.shown.fill(SPACE); // clear display wrote spaces everywhere
    this.backlightShown = this.backlightWanted;
    this.initialised = true;
  }

  private async drawChanges(): Promise<void> {
    for (let row = 0; row < this.rows; row++) {
      let c = 0;
      while (c < this.columns) {
        const i = row * this.columns + c;
        if (this.shown[i] === this.wanted[i]) {
          c++;
          continue;
        }
        // A run of changed characters; a single unchanged character inside it is rewritten
        // too, because a new DDRAM address (one instruction) costs as much as one character.
        let end = c + 1;
        while (end < this.columns) {
          const j = row * this.columns + end;
          if (this.shown[j] !== this.wanted[j]) end++;
          else if (end + 1 < this.columns && this.shown[j + 1] !== this.wanted[j + 1]) end += 2;
          else break;
        }
        this.queueByte(Instruction.SET_DDRAM_ADDRESS | (this.offsets[row]! + c), false);
        for (let k = c; k < end; k++) this.queueByte(this.wanted[row * this.columns + k]!, true);
        await this.flushBytes();
        for (let k = c; k < end; k++) this.shown[row * this.columns + k] = this.wanted[row * this.columns + k]!;
        this.counters.charactersWritten += end - c;
        c = end;
      }
    }
    if (this.backlightShown !== this.backlightWanted) {
      await this.send([idleByte(this.backlightWanted, this.wiring)]);
      this.backlightShown = this.backlightWanted;
    }
  }

  private async command(instruction: number): Promise<void> {
    this.queueByte(instruction, false);
    await this.flushBytes();
  }

  private async nibble(n: number): Promise<void> {
    nibbleBytes(n, false, this.backlightWanted, this.wiring, this.bytes);
    await this.flushBytes();
  }

  private queueByte(value: number, rs: boolean): void {
    nibbleBytes(value >> 4, rs, this.backlightWanted, this.wiring, this.bytes);
    nibbleBytes(value & 0x0f, rs, this.backlightWanted, this.wiring, this.bytes);
  }

  private async flushBytes(): Promise<void> {
    const bytes = this.bytes.splice(0);
    await this.send(bytes);
  }

  /** One SMBus "send byte" per expander state (never a block write: the kernel's i2c-stub accepts only SMBus calls). */
  private async send(bytes: readonly number[]): Promise<void> {
    const bus = this.bus;
    if (this.closed) throw new HardwareError(HardwareErrorCode.CLOSED, 'display', `${this.device} was closed`);
    if (bus === undefined) throw new HardwareError(HardwareErrorCode.I2C_IO, 'display', `${this.device}: bus not open`);
    for (const b of bytes) {
      await bus.sendByte(this.address, b);
      this.counters.bytesSent++;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const handle = this.clock.setTimeout(() => {
        this.sleeping.delete(wake);
        resolve();
      }, ms);
      const wake = (): void => {
        this.clock.clearTimeout(handle);
        resolve();
      };
      this.sleeping.add(wake);
    });
  }
}
