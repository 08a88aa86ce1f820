import type { SerialConsole } from './serial-console.js';
import { SerialConsoleBase } from './serial-console.js';

/**
 * The serial console as a test instrument: `type('status\r')` is what a person
 * types, `output` is what their terminal shows (echo included), so a test
 * reads the session the way a person would.
 */
export class SimulatedSerialConsole extends SerialConsoleBase implements SerialConsole {
  private open_ = false;
  private screen = '';

  constructor(name = 'sim-console') {
    super(name);
  }

  get isOpen(): boolean {
    return this.open_;
  }

  /** Everything the terminal has received, CR LF shown as LF. */
  get output(): string {
    return this.screen.replace(/\r\n/g, '\n');
  }

  /** Raw bytes as sent, for tests about line ends and echo. */
  get rawOutput(): string {
    return this.screen;
  }

  /** Returns the output since the last call and forgets it. */
  takeOutput(): string {
    const s = this.output;
    this.screen = '';
    return s;
  }

  async open(): Promise<void> {
    this.open_ = true;
    this.emit({ type: 'opened', path: this.name });
  }

  async close(): Promise<void> {
    if (!this.open_) return;
    this.open_ = false;
    this.emit({ type: 'closed' });
  }

  /** Keys typed on the terminal (use '\r' for Enter, '\x7f' for Backspace). */
  type(text: string | Uint8Array): void {
    if (!this.open_) return; // nobody is listening on a closed port: the bytes are lost
    this.receive(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
  }

  protected transmit(bytes: Buffer): void {
    if (this.open_) this.screen += bytes.toString('utf8');
  }
}

export function createSimulatedSerialConsole(options: { name?: string } = {}): SimulatedSerialConsole {
  return new SimulatedSerialConsole(options.name);
}
