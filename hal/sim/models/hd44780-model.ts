import { HardwareError, HardwareErrorCode } from '../../errors.js';
import type { BackpackWiring, BackpackWiringName, I2cBus } from '../../lcd/index.js';
import { GLYPH_BITMAPS, resolveWiring, rowOffsets } from '../../lcd/index.js';
import { Glyph, GLYPH_NAMES } from '../../types/display.js';

export interface Hd44780ModelOptions {
  address?: number;
  wiring?: BackpackWiringName | BackpackWiring;
  rows?: number;
  columns?: number;
  /** Time source (the test's clock) for the controller's busy periods. */
  now?: () => number;
  /** The controller powers up in 4-bit mode with half a byte latched, as after a crashed process. */
  startIn4BitMode?: boolean;
}

/** Figure 24 / Table 6 of the HD44780U datasheet, as the model enforces them. */
const POWER_ON_MS = 40;
const FIRST_FUNCTION_SET_MS = 4.1;
const CLEAR_MS = 1.52;

/**
 * An HD44780 character LCD behind a PCF8574 backpack, seen from the I2C bus.
 * It decodes the byte stream the way the chips do: each byte sets the eight
 * expander outputs; on a falling edge of E the controller latches D7–D4 with
 * RS; in 8-bit mode (after power-on) every latch is a whole instruction whose
 * low bits read 0, in 4-bit mode two latches make a byte. Instructions sent
 * while the controller is busy (power-on, after the first function set, clear,
 * home) are lost, as on the real part. `glass()` is what a person would read.
 */
export class Hd44780Model implements I2cBus {
  readonly address: number;
  private readonly wiring: BackpackWiring;
  private readonly rows: number;
  private readonly columns: number;
  private readonly now: () => number;
  private present = true;
  private failures = 0;
  private pins = 0;
  private eightBit = true;
  private pendingHigh: { nibble: number; rs: boolean } | undefined;
  private twoLine = false;
  private displayOn = false;
  private increment = true;
  private ddram = new Uint8Array(0x80).fill(0x20);
  private readonly cgram = new Uint8Array(64);
  private addressCounter = 0;
  private toCgram = false;
  private busyUntil = 0;
  private functionSetsSincePowerOn = 0;
  /** Instructions and data bytes the controller executed. */
  readonly counters = { bytesReceived: 0, instructions: 0, dataWrites: 0, lostWhileBusy: 0 };
  closed = false;

  constructor(options: Hd44780ModelOptions = {}) {
    this.address = options.address ?? 0x27;
    this.wiring = resolveWiring(options.wiring ?? 'standard');
    this.rows = options.rows ?? 2;
    this.columns = options.columns ?? 16;
    this.now = options.now ?? (() => 1e9);
    this.powerOn();
    if (options.startIn4BitMode) {
      this.busyUntil = 0;
      this.eightBit = false;
      this.twoLine = true;
      this.displayOn = true;
      this.pendingHigh = { nibble: 0x4, rs: true };
      this.functionSetsSincePowerOn = 2; // powered long ago: no internal reset is running
    }
  }

  // ---- the bus side ----

  async sendByte(address: number, byte: number): Promise<void> {
    this.check(address);
    this.counters.bytesReceived++;
    this.receive(byte & 0xff);
  }

  async receiveByte(address: number): Promise<number> {
    this.check(address);
    // A PCF8574 read returns the port; outputs written high read high (quasi-bidirectional).
    return this.pins;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Feeds one byte as the kernel's smbus trace logged it (the VM rig's path into the model). */
  receive(byte: number): void {
    const w = this.wiring;
    const before = this.pins;
    this.pins = byte;
    const eFell = (before & (1 << w.e)) !== 0 && (byte & (1 << w.e)) === 0;
    if (!eFell) return;
    if ((before & (1 << w.rw)) !== 0) return; // a read strobe: nothing is written
    let nibble = 0;
    for (let i = 0; i < 4; i++) if (before & (1 << w.data[i]!)) nibble |= 1 << i;
    this.latch(nibble, (before & (1 << w.rs)) !== 0);
  }

  // ---- test instruments ----

  /** The display is unplugged: no acks. */
  unplug(): void {
    this.present = false;
  }

  /** The display is plugged back: it powers up from scratch (8-bit mode, blank, off). */
  plug(): void {
    this.present = true;
    this.powerOn();
  }

  /** The next `n` transfers fail as a glitch on the bus would (no ack), the device staying powered. */
  failNext(n: number): void {
    this.failures = n;
  }

  get backlight(): boolean {
    const bit = (this.pins & (1 << this.wiring.backlight)) !== 0;
    return bit !== this.wiring.backlightActiveLow;
  }

  get fourBitMode(): boolean {
    return !this.eightBit;
  }

  /** What a person reads on the glass: rows of characters, glyph icons as their Glyph characters. A display that is off reads blank. */
  glass(): string[] {
    const offsets = rowOffsets(this.rows, this.columns);
    return offsets.map((offset, row) => {
      if (!this.displayOn || (row > 0 && !this.twoLine)) return ' '.repeat(this.columns);
      let s = '';
      for (let c = 0; c < this.columns; c++) s += this.decode(this.ddram[(offset + c) & 0x7f]!);
      return s;
    });
  }

  /** The custom character in CGRAM slot `slot`, as 8 pixel rows. */
  customCharacter(slot: number): number[] {
    return [...this.cgram.subarray(slot * 8, slot * 8 + 8)];
  }

  // ---- the controller ----

  private powerOn(): void {
    // Power-on reset state (datasheet "Initializing by Internal Reset Circuit"): 8-bit, 1 line, display off.
    this.eightBit = true;
    this.pendingHigh = undefined;
    this.twoLine = false;
    this.displayOn = false;
    this.increment = true;
    this.ddram = new Uint8Array(0x80).fill(0x20);
    this.cgram.fill(0);
    this.addressCounter = 0;
    this.toCgram = false;
    this.functionSetsSincePowerOn = 0;
    this.busyUntil = this.now() + POWER_ON_MS;
  }

  private check(address: number): void {
    if (!this.present || address !== this.address) {
      throw new HardwareError(HardwareErrorCode.I2C_IO, `i2c 0x${address.toString(16)}`, 'Remote I/O error (no ack)');
    }
    if (this.failures > 0) {
      this.failures--;
      throw new HardwareError(HardwareErrorCode.I2C_IO, `i2c 0x${address.toString(16)}`, 'Remote I/O error (bus glitch)');
    }
  }

  private latch(nibble: number, rs: boolean): void {
    if (this.eightBit) {
      // D3–D0 are not wired on a backpack: an 8-bit-mode instruction reads them as 0.
      this.execute((nibble << 4) | 0, rs);
      return;
    }
    if (this.pendingHigh === undefined) {
      this.pendingHigh = { nibble, rs };
      return;
    }
    const value = (this.pendingHigh.nibble << 4) | nibble;
    this.pendingHigh = undefined;
    this.execute(value, rs);
  }

  private execute(value: number, rs: boolean): void {
    if (this.now() < this.busyUntil) {
      this.counters.lostWhileBusy++;
      return;
    }
    if (rs) {
      this.counters.dataWrites++;
      if (this.toCgram) this.cgram[this.addressCounter & 0x3f] = value & 0x1f;
      else this.ddram[this.addressCounter & 0x7f] = value;
      this.addressCounter = (this.addressCounter + (this.increment ? 1 : -1)) & (this.toCgram ? 0x3f : 0x7f);
      return;
    }
    this.counters.instructions++;
    if (value & 0x80) {
      this.toCgram = false;
      this.addressCounter = value & 0x7f;
    } else if (value & 0x40) {
      this.toCgram = true;
      this.addressCounter = value & 0x3f;
    } else if (value & 0x20) {
      // Function set: DL and N; N and F are only honoured in the mode's final function set, as on the chip.
      this.eightBit = (value & 0x10) !== 0;
      this.twoLine = (value & 0x08) !== 0;
      this.functionSetsSincePowerOn++;
      if (this.functionSetsSincePowerOn === 1) this.busyUntil = this.now() + FIRST_FUNCTION_SET_MS;
    } else if (value & 0x10) {
      // Cursor or display shift: the phone never shifts; nothing on the glass moves.
    } else if (value & 0x08) {
      this.displayOn = (value & 0x04) !== 0;
    } else if (value & 0x04) {
      this.increment = (value & 0x02) !== 0;
    } else if (value & 0x02) {
      this.toCgram = false;
      this.addressCounter = 0;
      this.busyUntil = this.now() + CLEAR_MS;
    } else if (value & 0x01) {
      this.ddram.fill(0x20);
      this.toCgram = false;
      this.addressCounter = 0;
      this.increment = true;
      this.busyUntil = this.now() + CLEAR_MS;
    }
  }

  private decode(code: number): string {
    if (code < 0x10) {
      // CGRAM characters 0–7 (8–15 mirror them): name the icon if its pixels match one.
      const bitmap = this.customCharacter(code & 7);
      const name = GLYPH_NAMES.find((n) => GLYPH_BITMAPS[n].every((row, i) => row === bitmap[i]));
      return name === undefined ? '\uFFFD' : Glyph[name];
    }
    if (code >= 0x20 && code <= 0x7d) return code === 0x5c ? '¥' : String.fromCharCode(code);
    if (code === 0x7e) return '→';
    if (code === 0x7f) return '←';
    if (code === 0xdf) return '°';
    if (code === 0xa5) return '·';
    return '\uFFFD';
  }
}
